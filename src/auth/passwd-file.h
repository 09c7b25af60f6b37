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

/* Parses a passdb/userdb args string "[scheme=SCHEME] PATH" (pool is
   for the results). Returns 0, or -1 with error_r for a missing path, an
   unknown scheme or an unknown argument. *scheme_r is NULL when not
   given. */
int passwd_file_parse_args(pool_t pool, const char *args,
			   const char **path_r, const char **scheme_r,
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

#endif
