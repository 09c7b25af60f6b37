/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef PASSWD_FILE_H
#define PASSWD_FILE_H

/* Dovecot's passwd-file format, one user per line:

     user:password:uid:gid:gecos:home:shell:extra_fields

   Trailing fields may be left out. extra_fields is space-separated
   key=value (or a bare key); keys with the userdb_ prefix are userdb
   fields (userdb_mail=maildir:~/Maildir), the rest are passdb fields.
   Empty lines and lines starting with # are skipped. A bad line is
   logged as path:line and skipped.

   The file is shared by the passdb and userdb that name the same path and
   is re-read when its inode, size or mtime changes. */

struct var_expand_table;

#include "auth-field-list.h"

struct passwd_file_entry {
	const char *user;
	/* "" when the field is empty */
	const char *password;
	const char *uid, *gid, *gecos, *home, *shell;
	struct auth_field_list *passdb_fields;
	struct auth_field_list *userdb_fields;
};

/* Parses one line into pool. Returns 1 with *entry_r, 0 for an empty or
   comment line, -1 with error_r for a bad line. */
int passwd_file_parse_line(pool_t pool, const char *line,
			   struct passwd_file_entry **entry_r,
			   const char **error_r);

/* A passdb's or userdb's view of a passwd-file: its args
   "[scheme=SCHEME] [username_format=FORMAT] PATH" (as in Dovecot:
   FORMAT, default %u, makes the key looked up in the file from the
   request's user name, e.g. %n for the part before the @). */
struct passwd_file_db {
	struct passwd_file *file;
	/* NULL when not given */
	const char *scheme;
	const char *username_format;
};

/* Parses args into db (pool is for the results) and references the file.
   Returns 0, or -1 with error_r for a missing path, an unknown scheme or
   an unknown argument. */
int passwd_file_db_init(pool_t pool, const char *args,
			struct passwd_file_db *db_r, const char **error_r);
void passwd_file_db_deinit(struct passwd_file_db *db);
/* Looks up the request's user under db's username_format, as
   passwd_file_lookup() does. */
int passwd_file_db_lookup(const struct passwd_file_db *db,
			  const struct var_expand_table *table,
			  const struct passwd_file_entry **entry_r,
			  const char **error_r);

/* Returns the shared file for path (not read yet). */
struct passwd_file *passwd_file_ref(const char *path);
void passwd_file_unref(struct passwd_file **file);
const char *passwd_file_get_path(const struct passwd_file *file);

/* Re-reads the file if it changed, then looks up user. Returns 1 with
   *entry_r (valid until the next lookup), 0 if the user is not there, -1
   with error_r if the file cannot be read. */
int passwd_file_lookup(struct passwd_file *file, const char *user,
		       const struct passwd_file_entry **entry_r,
		       const char **error_r);

/* Re-reads the file if it changed and calls callback with every user
   name in it. Returns 0, or -1 with error_r if the file cannot be read. */
int passwd_file_iterate(struct passwd_file *file,
			void (*callback)(const char *user, void *context),
			void *context, const char **error_r);

#endif
