/* Copyright (c) Cove authors. See AUTHORS. */

/* passwd-file reading, parsing and lookups. The whole file is read into a
   clean pool (it holds password hashes), its lines are parsed in place
   into entries, and a hash table maps user names to entries. A reload
   builds a new pool and table and only then drops the old ones, so a file
   that fails to read keeps nothing stale: the lookup fails instead. */

#include "lib.h"
#include "buffer.h"
#include "hash.h"
#include "file-util.h"
#include "password-scheme.h"
#include "var-expand.h"
#include "passwd-file.h"

#include <fcntl.h>
#include <sys/stat.h>

/* Refuse absurdly large files instead of eating memory. */
#define PASSWD_FILE_MAX_SIZE (64 * 1024 * 1024)
/* Number of ':'-separated fields before the extra fields. */
#define PASSWD_FILE_FIELD_COUNT 7

struct passwd_file {
	struct passwd_file *next;
	int refcount;
	char *path;

	pool_t pool;
	struct hash_table *users;
	ino_t ino;
	off_t size;
	struct timespec mtime;
};

static struct passwd_file *passwd_files = NULL;

static bool passwd_file_is_id_valid(const char *str)
{
	for (; *str != '\0'; str++) {
		if (!(*str >= '0' && *str <= '9') &&
		    !(*str >= 'a' && *str <= 'z') &&
		    !(*str >= 'A' && *str <= 'Z') &&
		    *str != '.' && *str != '_' && *str != '-')
			return false;
	}
	return true;
}

static int passwd_file_parse_extra(const char *extra,
				   struct passwd_file_entry *entry,
				   const char **error_r)
{
	const char *const *fields = t_strsplit_spaces(extra, " ");
	const char *key, *value;

	for (; *fields != NULL; fields++) {
		value = strchr(*fields, '=');
		if (value == NULL) {
			key = *fields;
			value = "";
		} else {
			key = t_strndup(*fields, value - *fields);
			value++;
		}
		if (str_begins(key, "userdb_")) {
			key += strlen("userdb_");
			if (key[0] == '\0') {
				*error_r = "Empty userdb_ field name";
				return -1;
			}
			auth_field_list_set(entry->userdb_fields, key, value);
		} else if (key[0] == '\0') {
			*error_r = t_strdup_printf("Empty field name in '%s'",
						   *fields);
			return -1;
		} else {
			auth_field_list_set(entry->passdb_fields, key, value);
		}
	}
	return 0;
}

int passwd_file_parse_line(pool_t pool, const char *line,
			   struct passwd_file_entry **entry_r,
			   const char **error_r)
{
	const char *fields[PASSWD_FILE_FIELD_COUNT], *p, *end;
	struct passwd_file_entry *entry;
	unsigned int i;

	if (line[0] == '\0' || line[0] == '#')
		return 0;

	/* split into at most 7 fields + the rest, copying straight into
	   pool so that no password lands in a temporary frame */
	for (i = 0; i < PASSWD_FILE_FIELD_COUNT; i++)
		fields[i] = "";
	p = line;
	for (i = 0; i < PASSWD_FILE_FIELD_COUNT && p != NULL; i++) {
		end = strchr(p, ':');
		if (end == NULL) {
			fields[i] = p_strdup(pool, p);
			p = NULL;
		} else {
			fields[i] = p_strndup(pool, p, end - p);
			p = end + 1;
		}
	}
	if (fields[0][0] == '\0') {
		*error_r = "Empty user name";
		return -1;
	}
	if (i < 2) {
		*error_r = "Missing password field";
		return -1;
	}
	if (!passwd_file_is_id_valid(fields[2])) {
		*error_r = t_strdup_printf("Invalid uid '%s'", fields[2]);
		return -1;
	}
	if (!passwd_file_is_id_valid(fields[3])) {
		*error_r = t_strdup_printf("Invalid gid '%s'", fields[3]);
		return -1;
	}

	entry = p_new(pool, struct passwd_file_entry, 1);
	entry->user = fields[0];
	entry->password = fields[1];
	entry->uid = fields[2];
	entry->gid = fields[3];
	entry->gecos = fields[4];
	entry->home = fields[5];
	entry->shell = fields[6];
	entry->passdb_fields = auth_field_list_create(pool);
	entry->userdb_fields = auth_field_list_create(pool);
	if (p != NULL && passwd_file_parse_extra(p, entry, error_r) < 0)
		return -1;
	*entry_r = entry;
	return 1;
}

/* Parses the file's contents (NUL-terminated, modified in place) into
   file->users, logging and skipping bad lines. */
static void passwd_file_parse(struct passwd_file *file, char *data)
{
	struct passwd_file_entry *entry;
	const char *error;
	unsigned int line_no = 0;
	char *line, *end;
	size_t len;
	int ret;

	for (line = data; line != NULL; line = end) {
		line_no++;
		end = strchr(line, '\n');
		if (end != NULL)
			*end++ = '\0';
		len = strlen(line);
		if (len > 0 && line[len - 1] == '\r')
			line[len - 1] = '\0';
		T_BEGIN {
			ret = passwd_file_parse_line(file->pool, line, &entry,
						     &error);
			if (ret < 0) {
				i_error("passwd-file %s:%u: %s (line skipped)",
					file->path, line_no, error);
			}
		} T_END;
		if (ret <= 0)
			continue;
		if (hash_table_lookup(file->users, entry->user) != NULL) {
			i_warning("passwd-file %s:%u: User %s exists more "
				  "than once (first one used)",
				  file->path, line_no, entry->user);
			continue;
		}
		hash_table_update(file->users, entry->user, entry);
	}
}

static int passwd_file_load(struct passwd_file *file, const struct stat *st,
			    const char **error_r)
{
	pool_t pool;
	buffer_t *data;
	const char *error;

	pool = pool_alloconly_create_clean("passwd-file", 4096);
	if (file_read_all(file->path, pool, PASSWD_FILE_MAX_SIZE, &data,
			  NULL, &error) < 0) {
		if (faccessat(AT_FDCWD, file->path, R_OK, AT_EACCESS) < 0 &&
		    errno == EACCES) {
			error = t_strdup_printf("%s (euid=%ld egid=%ld)", error,
						(long)geteuid(),
						(long)getegid());
		}
		*error_r = error;
		pool_unref(&pool);
		return -1;
	}
	buffer_append_c(data, '\0');

	if (file->users != NULL)
		hash_table_destroy(&file->users);
	if (file->pool != NULL)
		pool_unref(&file->pool);
	file->pool = pool;
	file->users = hash_table_create_str(pool, false);
	passwd_file_parse(file, buffer_get_modifiable_data(data, NULL));
	file->ino = st->st_ino;
	file->size = st->st_size;
	file->mtime = st->st_mtim;
	return 0;
}

static void passwd_file_clear(struct passwd_file *file)
{
	if (file->users != NULL)
		hash_table_destroy(&file->users);
	if (file->pool != NULL)
		pool_unref(&file->pool);
}

static int passwd_file_refresh(struct passwd_file *file, const char **error_r)
{
	struct stat st;

	if (stat(file->path, &st) < 0) {
		*error_r = t_strdup_printf("stat(%s) failed: %m", file->path);
		passwd_file_clear(file);
		return -1;
	}
	if (file->users != NULL && st.st_ino == file->ino &&
	    st.st_size == file->size &&
	    st.st_mtim.tv_sec == file->mtime.tv_sec &&
	    st.st_mtim.tv_nsec == file->mtime.tv_nsec)
		return 0;
	if (passwd_file_load(file, &st, error_r) < 0) {
		passwd_file_clear(file);
		return -1;
	}
	return 0;
}

int passwd_file_lookup(struct passwd_file *file, const char *user,
		       const struct passwd_file_entry **entry_r,
		       const char **error_r)
{
	if (passwd_file_refresh(file, error_r) < 0)
		return -1;
	*entry_r = hash_table_lookup(file->users, user);
	return *entry_r == NULL ? 0 : 1;
}

int passwd_file_iterate(struct passwd_file *file,
			void (*callback)(const char *user, void *context),
			void *context, const char **error_r)
{
	struct hash_iterate_context *iter;
	const void *key;
	void *value;

	if (passwd_file_refresh(file, error_r) < 0)
		return -1;
	iter = hash_table_iterate_init(file->users);
	while (hash_table_iterate(iter, &key, &value))
		callback(key, context);
	hash_table_iterate_deinit(&iter);
	return 0;
}

/* Fills db from one "key=value" or path argument. */
static int passwd_file_db_parse_arg(pool_t pool, const char *arg,
				    struct passwd_file_db *db,
				    const char **path, const char **error_r)
{
	if (str_begins(arg, "scheme=")) {
		db->scheme = p_strdup(pool, arg + 7);
		if (password_scheme_is_known(db->scheme))
			return 0;
		*error_r = t_strdup_printf("Unknown password scheme: %s",
					   db->scheme);
		return -1;
	}
	if (str_begins(arg, "username_format=")) {
		db->username_format = p_strdup(pool, arg + 16);
		return 0;
	}
	if (arg[0] == '/' && *path == NULL) {
		*path = arg;
		return 0;
	}
	*error_r = t_strdup_printf("passwd-file: Unknown argument: %s", arg);
	return -1;
}

int passwd_file_db_init(pool_t pool, const char *args,
			struct passwd_file_db *db_r, const char **error_r)
{
	const char *const *argv = t_strsplit_spaces(args, " ");
	const char *path = NULL;

	i_zero(db_r);
	db_r->username_format = "%u";
	for (; *argv != NULL; argv++) {
		if (passwd_file_db_parse_arg(pool, *argv, db_r, &path,
					     error_r) < 0)
			return -1;
	}
	if (path == NULL) {
		*error_r = "passwd-file: args must give the file's "
			"absolute path";
		return -1;
	}
	db_r->file = passwd_file_ref(path);
	return 0;
}

void passwd_file_db_deinit(struct passwd_file_db *db)
{
	passwd_file_unref(&db->file);
}

int passwd_file_db_lookup(const struct passwd_file_db *db,
			  const struct var_expand_table *table,
			  const struct passwd_file_entry **entry_r,
			  const char **error_r)
{
	string_t *key = t_str_new(64);
	const char *error;

	if (var_expand(key, db->username_format, table, &error) <= 0) {
		*error_r = t_strdup_printf("passwd-file: username_format=%s: %s",
					   db->username_format, error);
		return -1;
	}
	return passwd_file_lookup(db->file, str_c(key), entry_r, error_r);
}

struct passwd_file *passwd_file_ref(const char *path)
{
	struct passwd_file *file;

	for (file = passwd_files; file != NULL; file = file->next) {
		if (strcmp(file->path, path) == 0) {
			file->refcount++;
			return file;
		}
	}
	file = i_new(struct passwd_file, 1);
	file->refcount = 1;
	file->path = i_strdup(path);
	file->next = passwd_files;
	passwd_files = file;
	return file;
}

void passwd_file_unref(struct passwd_file **_file)
{
	struct passwd_file *file = *_file, **p;

	*_file = NULL;
	i_assert(file->refcount > 0);
	if (--file->refcount > 0)
		return;
	p = &passwd_files;
	while (*p != file)
		p = &(*p)->next;
	*p = file->next;
	passwd_file_clear(file);
	i_free(file->path);
	i_free(file);
}

const char *passwd_file_get_path(const struct passwd_file *file)
{
	return file->path;
}
