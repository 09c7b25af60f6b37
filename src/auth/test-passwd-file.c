/* Copyright (c) Cove authors. See AUTHORS. */

/* Tests for passwd-file.c: line parsing (good lines, bad lines, extra and
   userdb_ fields), args, and lookups that follow file changes. */

#include "lib.h"
#include "test-common.h"
#include "var-expand.h"
#include "passwd-file.h"
#include "test-auth-common.h"

#include <sys/stat.h>

struct parse_test {
	const char *line;
	int ret;
	const char *user, *password, *uid, *gid, *home;
	/* "key=value" checks, NULL-terminated */
	const char *passdb_field, *userdb_field;
};

static const struct parse_test parse_tests[] = {
	{ "", 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL },
	{ "# comment:x:1", 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL },
	{ "u1:{PLAIN}pw", 1, "u1", "{PLAIN}pw", "", "", "", NULL, NULL },
	{ "u1:pw:1000:1001:Gecos:/home/u1:/bin/sh", 1,
	  "u1", "pw", "1000", "1001", "/home/u1", NULL, NULL },
	{ "u1:pw:vmail:mail::/home/u1", 1,
	  "u1", "pw", "vmail", "mail", "/home/u1", NULL, NULL },
	{ "u1::::::", 1, "u1", "", "", "", "", NULL, NULL },
	{ "u1:pw:1:2::/h::userdb_mail=maildir:~/Mail nologin", 1,
	  "u1", "pw", "1", "2", "/h", "nologin=", "mail=maildir:~/Mail" },
	{ "u1:pw:1:2::/h::  a=b   userdb_quota=1G ", 1,
	  "u1", "pw", "1", "2", "/h", "a=b", "quota=1G" },
	{ "u1:$6$s$h:1:2:g:/h:/s:userdb_home=/x", 1,
	  "u1", "$6$s$h", "1", "2", "/h", NULL, "home=/x" },
	/* bad lines */
	{ ":pw:1:2", -1, NULL, NULL, NULL, NULL, NULL, NULL, NULL },
	{ "u1", -1, NULL, NULL, NULL, NULL, NULL, NULL, NULL },
	{ "u1:pw:1 0:2", -1, NULL, NULL, NULL, NULL, NULL, NULL, NULL },
	{ "u1:pw:1:x/y", -1, NULL, NULL, NULL, NULL, NULL, NULL, NULL },
	{ "u1:pw:1:2::/h::=x", -1, NULL, NULL, NULL, NULL, NULL, NULL, NULL },
	{ "u1:pw:1:2::/h::userdb_=x", -1,
	  NULL, NULL, NULL, NULL, NULL, NULL, NULL },
};

static bool test_field_is(const struct auth_field_list *list,
			  const char *check)
{
	const char *eq = strchr(check, '=');
	const char *value;

	value = auth_field_list_get(list, t_strndup(check, eq - check));
	return value != NULL && strcmp(value, eq + 1) == 0;
}

void test_passwd_file_parse_line(void)
{
	pool_t pool = pool_alloconly_create("test passwd-file", 1024);
	struct passwd_file_entry *entry;
	const char *error;
	int ret;

	test_begin("passwd-file parse line");
	for (unsigned int i = 0; i < N_ELEMENTS(parse_tests); i++) {
		const struct parse_test *t = &parse_tests[i];

		error = NULL;
		ret = passwd_file_parse_line(pool, t->line, &entry, &error);
		test_assert_idx(ret == t->ret, i);
		test_assert_idx((ret < 0) == (error != NULL), i);
		if (ret <= 0 || t->ret <= 0)
			continue;
		test_assert_idx(strcmp(entry->user, t->user) == 0, i);
		test_assert_idx(strcmp(entry->password, t->password) == 0, i);
		test_assert_idx(strcmp(entry->uid, t->uid) == 0, i);
		test_assert_idx(strcmp(entry->gid, t->gid) == 0, i);
		test_assert_idx(strcmp(entry->home, t->home) == 0, i);
		if (t->passdb_field != NULL) {
			test_assert_idx(test_field_is(entry->passdb_fields,
						      t->passdb_field), i);
		}
		if (t->userdb_field != NULL) {
			test_assert_idx(test_field_is(entry->userdb_fields,
						      t->userdb_field), i);
		}
		/* userdb_ fields never leak into passdb fields */
		test_assert_idx(auth_field_list_get(entry->passdb_fields,
						    "userdb_mail") == NULL, i);
	}
	pool_unref(&pool);
	test_end();
}

void test_passwd_file_parse_args(void)
{
	static const struct {
		const char *args, *path, *scheme, *username_format;
	} good[] = {
		{ "/etc/x", "/etc/x", NULL, "%u" },
		{ "scheme=PLAIN  /etc/x", "/etc/x", "PLAIN", "%u" },
		{ "scheme=CRYPT username_format=%n /etc/x", "/etc/x", "CRYPT",
		  "%n" },
	};
	static const char *const bad[] = {
		"scheme=NOSUCH /etc/x", "", "relative", "/etc/x /etc/y",
		"nosuch=1 /etc/x",
	};
	pool_t pool = pool_alloconly_create("test passwd-file", 1024);
	struct passwd_file_db db;
	const char *error;

	test_begin("passwd-file parse args");
	for (unsigned int i = 0; i < N_ELEMENTS(good); i++) {
		test_assert_idx(passwd_file_db_init(pool, good[i].args, &db,
						    &error) == 0, i);
		test_assert_strcmp(passwd_file_get_path(db.file),
				   good[i].path);
		test_assert_idx(null_strcmp(db.scheme, good[i].scheme) == 0, i);
		test_assert_strcmp(db.username_format,
				   good[i].username_format);
		passwd_file_db_deinit(&db);
	}
	for (unsigned int i = 0; i < N_ELEMENTS(bad); i++) {
		test_assert_idx(passwd_file_db_init(pool, bad[i], &db,
						    &error) == -1, i);
	}
	pool_unref(&pool);
	test_end();
}

void test_passwd_file_username_format(void)
{
	static const struct {
		const char *format, *user;
		int ret;
	} tests[] = {
		{ "%u", "u1", 1 },
		{ "%u", "u1@example.org", 0 },
		{ "%n", "u1@example.org", 1 },
		{ "%Ln", "U1@example.org", 1 },
		{ "%d", "u1@example.org", 1 },
	};
	pool_t pool = pool_alloconly_create("test passwd-file", 1024);
	const struct passwd_file_entry *entry;
	struct passwd_file_db db;
	const char *path, *error;

	test_begin("passwd-file username_format");
	path = test_auth_write_file("u1:pw1:1:1\nexample.org:pwd:2:2\n");
	for (unsigned int i = 0; i < N_ELEMENTS(tests); i++) {
		const char *args = t_strdup_printf("username_format=%s %s",
						   tests[i].format, path);

		test_assert_idx(passwd_file_db_init(pool, args, &db,
						    &error) == 0, i);
		test_assert_idx(passwd_file_db_lookup(&db,
			var_expand_user_table(tests[i].user, NULL, NULL, NULL,
					      NULL), &entry, &error) ==
			tests[i].ret, i);
		passwd_file_db_deinit(&db);
	}
	test_assert(unlink(path) == 0);
	pool_unref(&pool);
	test_end();
}

static void test_rewrite(const char *path, const char *contents)
{
	FILE *f = fopen(path, "w");

	if (f == NULL || fputs(contents, f) < 0 || fclose(f) != 0)
		i_fatal("rewriting %s failed: %m", path);
}

void test_passwd_file_lookup_reload(void)
{
	const struct passwd_file_entry *entry;
	struct passwd_file *file, *file2;
	const char *path, *error;

	test_begin("passwd-file lookup and reload");
	path = test_auth_write_file("# users\n\nu1:pw1:1:1\r\n"
				    "bad line\nu2:pw2:2:2\nu1:dup:3:3\n");
	file = passwd_file_ref(path);
	file2 = passwd_file_ref(path);
	test_assert(file == file2);
	passwd_file_unref(&file2);

	test_assert(passwd_file_lookup(file, "u1", &entry, &error) == 1);
	test_assert_strcmp(entry->password, "pw1");
	test_assert(passwd_file_lookup(file, "u2", &entry, &error) == 1);
	test_assert(passwd_file_lookup(file, "u3", &entry, &error) == 0);
	test_assert(passwd_file_lookup(file, "bad line", &entry,
				       &error) == 0);

	/* changed size: re-read */
	test_rewrite(path, "u3:pw3:3:3\n");
	test_assert(passwd_file_lookup(file, "u3", &entry, &error) == 1);
	test_assert(passwd_file_lookup(file, "u1", &entry, &error) == 0);

	/* missing: the error names the path */
	test_assert(unlink(path) == 0);
	test_assert(passwd_file_lookup(file, "u3", &entry, &error) == -1);
	test_assert(strstr(error, path) != NULL);
	passwd_file_unref(&file);

	/* unreadable (root reads anything) */
	if (geteuid() != 0) {
		path = test_auth_write_file("u1:pw1\n");
		test_assert(chmod(path, 0) == 0);
		file = passwd_file_ref(path);
		test_assert(passwd_file_lookup(file, "u1", &entry,
					       &error) == -1);
		test_assert(strstr(error, path) != NULL);
		passwd_file_unref(&file);
		test_assert(unlink(path) == 0);
	}
	test_end();
}
