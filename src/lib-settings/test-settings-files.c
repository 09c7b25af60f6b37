/* Copyright (c) Cove authors. See AUTHORS. */

/* Unit tests for multi-file configs: !include and !include_try with globs
   and relative paths, include loops, sections across files, <file values,
   merging of labelled sections, strlist sections. */

#include "lib.h"
#include "str.h"
#include "test-lib-settings.h"
#include "test-settings-tables.h"
#include "settings-parser-private.h"

static struct settings_parser *
test_settings_read(pool_t pool, const char *path, int expect_ret,
		   const char *expect_error)
{
	struct settings_parser *parser =
		settings_parser_init(pool, test_roots, NULL, 0);
	const char *error = NULL;

	test_assert(settings_parser_read_file(parser, path, &error) ==
		    expect_ret);
	test_assert_strcmp(error, expect_error == NULL ? NULL :
			   test_settings_expand(expect_error));
	return parser;
}

static void test_settings_include_glob(pool_t pool)
{
	struct settings_parser *parser;
	char cwd[PATH_MAX];
	const char *path;

	path = test_settings_write("cove.conf",
		"base_dir = /main\n"
		"!include conf.d/*.conf\n"
		"!include_try conf.d/*.missing\n"
		"!include_try conf.d/missing.conf\n"
		"!include_try local.conf\n"
		"state_dir = $state_dir/main\n");
	test_settings_write("conf.d/10-a.conf",
		"base_dir = $base_dir/a\n"
		"!include sub/part.conf.ext # relative to conf.d\n");
	test_settings_write("conf.d/sub/part.conf.ext",
		"state_dir = /part\n");
	test_settings_write("conf.d/20-b.conf", "base_dir = $base_dir/b\n");
	test_settings_write("conf.d/30-c.conf.ext", "base_dir = /c\n");
	test_settings_write("local.conf", "listen = 127.0.0.1\n");

	parser = test_settings_read(pool, path, 0, NULL);
	test_assert_strcmp(settings_parser_get_value(parser, "base_dir"),
			   "/main/a/b");
	test_assert_strcmp(settings_parser_get_value(parser, "state_dir"),
			   "/part/main");
	test_assert_strcmp(settings_parser_get_value(parser, "listen"),
			   "127.0.0.1");
	settings_parser_deinit(&parser);

	/* the error names the included file and its line */
	test_settings_write("conf.d/20-b.conf", "\n\nbase_dir = $nope\n");
	parser = test_settings_read(pool, path, -1,
		"%s/conf.d/20-b.conf:3: Unknown variable: $nope");
	settings_parser_deinit(&parser);

	/* a relative top-level path keeps includes relative to it */
	test_assert(getcwd(cwd, sizeof(cwd)) != NULL);
	test_assert(chdir(test_settings_dir()) == 0);
	parser = test_settings_read(pool, "cove.conf", -1,
		"conf.d/20-b.conf:3: Unknown variable: $nope");
	settings_parser_deinit(&parser);
	test_assert(chdir(cwd) == 0);

	parser = test_settings_read(pool,
		test_settings_expand("%s/missing.conf"), -1,
		"open(%s/missing.conf) failed: No such file or directory");
	settings_parser_deinit(&parser);
}

static void test_settings_include_loop(pool_t pool)
{
	struct settings_parser *parser;
	const char *path, *error;

	path = test_settings_write("loop.conf",
		"protocols = $protocols x\n!include loop.conf\n");
	parser = test_settings_read(pool, path, -1,
		"%s/loop.conf:2: !include: %s/loop.conf includes itself");
	test_assert_strcmp(settings_parser_get_value(parser, "protocols"),
			   "imap lmtp x");
	settings_parser_deinit(&parser);
	/* through another file, twice */
	path = test_settings_write("loop2.conf",
		"!include_try loop3.conf\n!include_try loop3.conf\n");
	test_settings_write("loop3.conf", "!include loop2.conf\n");
	parser = test_settings_read(pool, path, -1,
		"%s/loop3.conf:1: !include: %s/loop2.conf includes itself\n"
		"%s/loop3.conf:1: !include: %s/loop2.conf includes itself");
	settings_parser_deinit(&parser);

	/* a chain of 22 files: nested too deep */
	for (unsigned int i = 0; i < 22; i++) {
		test_settings_write(t_strdup_printf("chain%u.conf", i),
			t_strdup_printf("!include chain%u.conf\n", i + 1));
	}
	parser = test_settings_read(pool,
		test_settings_expand("%s/chain0.conf"), -1,
		"%s/chain19.conf:1: !include: Includes nested too deep "
		"(limit 20): %s/chain20.conf");
	settings_parser_deinit(&parser);

	/* 2^12 paths through 24 files: the files limit stops it */
	for (unsigned int i = 0; i < 12; i++) {
		test_settings_write(t_strdup_printf("fan%u-a.conf", i),
			t_strdup_printf("!include_try fan%u-a.conf\n"
					"!include_try fan%u-b.conf\n",
					i + 1, i + 1));
		test_settings_write(t_strdup_printf("fan%u-b.conf", i),
			t_strdup_printf("!include_try fan%u-a.conf\n"
					"!include_try fan%u-b.conf\n",
					i + 1, i + 1));
	}
	parser = settings_parser_init(pool, test_roots, NULL, 0);
	test_assert(settings_parser_read_file(parser,
		test_settings_expand("%s/fan0-a.conf"), &error) == -1);
	test_assert(strstr(error, "!include: Too many files included "
			   "(limit 1000; do the includes loop?)") != NULL);
	test_assert(parser->files_read == 1000);
	settings_parser_deinit(&parser);
}

static void test_settings_include_sections(pool_t pool)
{
	struct settings_parser *parser;
	const struct test_auth_settings *set;
	const struct test_db_settings *db;
	const char *path;

	path = test_settings_write("sections.conf",
		"passdb {\n"
		"  !include passdb-body.ext\n"
		"}\n"
		"!include opens.ext\n"
		"}\n"
		"auth_debug = yes\n");
	test_settings_write("passdb-body.ext",
		"driver = passwd-file\nargs = /etc/cove/users\n");
	test_settings_write("opens.ext", "\nuserdb {\n  driver = static\n");
	parser = test_settings_read(pool, path, -1,
		"%s/opens.ext:2: Missing '}' for section userdb\n"
		"%s/sections.conf:5: Unexpected '}'");
	set = settings_parser_get(parser, &test_auth_info);
	test_assert(array_count(&set->passdbs) == 1);
	db = array_idx_elem(&set->passdbs, 0);
	test_assert_strcmp(db->driver, "passwd-file");
	test_assert_strcmp(db->args, "/etc/cove/users");
	test_assert(array_count(&set->userdbs) == 1);
	test_assert(set->auth_debug);
	settings_parser_deinit(&parser);
}

static void test_settings_value_file(pool_t pool)
{
	struct settings_parser *parser;
	const char *path;

	test_settings_write("certs/cert.pem", "-----BEGIN-----\nabc\n\n");
	test_settings_write("certs/name", "cove.example.org\r\n");
	test_settings_write("certs/empty", "");
	path = test_settings_write("value.conf",
		"ssl_cert = <certs/cert.pem\n"
		"postmaster_address = < certs/name # comment\n"
		"recipient_delimiter = <certs/empty\n"
		"mail_location = \"<certs/name\"\n");
	parser = test_settings_read(pool, path, 0, NULL);
	test_assert_strcmp(settings_parser_get_value(parser, "ssl_cert"),
			   "-----BEGIN-----\nabc");
	test_assert_strcmp(settings_parser_get_value(parser,
						     "postmaster_address"),
			   "cove.example.org");
	test_assert_strcmp(settings_parser_get_value(parser,
						     "recipient_delimiter"),
			   "");
	test_assert_strcmp(settings_parser_get_value(parser, "mail_location"),
			   "<certs/name");
	settings_parser_deinit(&parser);

	path = test_settings_write("value.conf",
		"ssl_cert = <certs\n");
	parser = test_settings_read(pool, path, -1,
		"%s/value.conf:1: ssl_cert: %s/certs is not a regular file");
	settings_parser_deinit(&parser);
}

static void test_settings_deflist_merge(pool_t pool)
{
	struct settings_parser *parser;
	const struct test_master_settings *set;
	const struct test_auth_settings *auth_set;
	const struct test_service_settings *service;
	const struct test_inet_listener_settings *inet;
	const struct test_unix_listener_settings *unix_listener;
	const char *path;

	path = test_settings_write("merge.conf",
		"default_login_user = loginuser\n"
		TEST_SETTINGS_SERVICE_IMAP_LOGIN
		"!include merge2.conf\n"
		"passdb {\n  driver = pam\n}\n"
		"passdb {\n  driver = passwd-file\n}\n");
	test_settings_write("merge2.conf",
		"service imap-login {\n"
		"  user = $default_login_user\n"
		"  inet_listener imap {\n"
		"    address = 127.0.0.1\n"
		"  }\n"
		"  inet_listener imaps {\n"
		"    port = 993\n"
		"  }\n"
		"  unix_listener login/login {\n"
		"    mode = 0666\n"
		"  }\n"
		"}\n"
		"service lmtp {\n"
		"}\n");
	parser = test_settings_read(pool, path, 0, NULL);
	set = settings_parser_get(parser, &test_master_info);
	test_assert(array_count(&set->services) == 2);
	service = array_idx_elem(&set->services, 0);
	test_assert_strcmp(service->name, "imap-login");
	test_assert_strcmp(service->user, "loginuser");
	test_assert(service->process_limit == 5);
	test_assert(array_count(&service->inet_listeners) == 2);
	inet = array_idx_elem(&service->inet_listeners, 0);
	test_assert_strcmp(inet->name, "imap");
	test_assert_strcmp(inet->address, "127.0.0.1");
	test_assert(inet->port == 143);
	inet = array_idx_elem(&service->inet_listeners, 1);
	test_assert_strcmp(inet->name, "imaps");
	test_assert_strcmp(inet->address, "");
	test_assert(inet->port == 993);
	test_assert(array_count(&service->unix_listeners) == 1);
	unix_listener = array_idx_elem(&service->unix_listeners, 0);
	test_assert_strcmp(unix_listener->path, "login/login");
	test_assert(unix_listener->mode == 0666);
	service = array_idx_elem(&set->services, 1);
	test_assert_strcmp(service->name, "lmtp");
	test_assert(array_count(&service->inet_listeners) == 0);

	/* unlabelled sections are separate entries */
	auth_set = settings_parser_get(parser, &test_auth_info);
	test_assert(array_count(&auth_set->passdbs) == 2);
	test_assert_strcmp(array_idx_elem(&auth_set->passdbs, 0)->driver,
			   "pam");
	test_assert_strcmp(array_idx_elem(&auth_set->passdbs, 1)->driver,
			   "passwd-file");
	settings_parser_deinit(&parser);
}

static void test_settings_strlist(pool_t pool)
{
	struct settings_parser *parser;
	const struct test_mail_settings *set;
	const char *const *items;
	const char *path;
	unsigned int count;

	path = test_settings_write("strlist.conf",
		"plugin {\n"
		"  quota = maildir:User quota\n"
		"  quota_rule = *:storage=1G\n"
		"}\n"
		"plugin {\n"
		"  quota = count\n"
		"  sieve = \"file:~/sieve;active=~/.sieve\"\n"
		"}\n");
	parser = test_settings_read(pool, path, 0, NULL);
	set = settings_parser_get(parser, &test_mail_info);
	items = array_get(&set->plugin_envs, &count);
	test_assert(count == 6);
	if (count == 6) {
		test_assert_strcmp(items[0], "quota");
		test_assert_strcmp(items[1], "count");
		test_assert_strcmp(items[2], "quota_rule");
		test_assert_strcmp(items[3], "*:storage=1G");
		test_assert_strcmp(items[4], "sieve");
		test_assert_strcmp(items[5], "file:~/sieve;active=~/.sieve");
	}
	settings_parser_deinit(&parser);
}

void test_settings_files(void)
{
	static const struct {
		const char *name;
		void (*func)(pool_t pool);
	} tests[] = {
		{ "settings !include with globs", test_settings_include_glob },
		{ "settings !include loop", test_settings_include_loop },
		{ "settings sections across files",
		  test_settings_include_sections },
		{ "settings <file values", test_settings_value_file },
		{ "settings section merging", test_settings_deflist_merge },
		{ "settings strlist sections", test_settings_strlist },
	};

	for (unsigned int i = 0; i < N_ELEMENTS(tests); i++)
		test_settings_run(tests[i].name, tests[i].func);
}
