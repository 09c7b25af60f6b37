/* Copyright (c) Cove authors. See AUTHORS. */

/* Unit tests for the config syntax: key = value forms, quoting, comments,
   $variables, every error message, warnings, protocol blocks, single-line
   parsing and the check functions. */

#include "lib.h"
#include "str.h"
#include "test-lib-settings.h"
#include "test-settings-tables.h"

static void test_settings_syntax(pool_t pool)
{
	static const struct {
		const char *content;
		const char *key;
		const char *value;
	} tests[] = {
		{ "base_dir = /tmp/x\n", "base_dir", "/tmp/x" },
		{ "base_dir=/tmp/x", "base_dir", "/tmp/x" },
		{ "\t base_dir \t=\t /tmp/x \t# comment\n", "base_dir",
		  "/tmp/x" },
		{ "base_dir = /tmp/x#comment\n", "base_dir", "/tmp/x" },
		{ "base_dir = a b  c \n", "base_dir", "a b  c" },
		{ "base_dir = \"/tmp/a b # c\" # comment\n", "base_dir",
		  "/tmp/a b # c" },
		{ "base_dir = \"a\\\"b\\\\c\\d\"\n", "base_dir", "a\"b\\c\\d" },
		{ "base_dir = 'a\"b'\n", "base_dir", "a\"b" },
		{ "base_dir = \" padded \"\n", "base_dir", " padded " },
		{ "base_dir =\n", "base_dir", "" },
		{ "base_dir = # nothing\n", "base_dir", "" },
		{ "base_dir = \"\"\n", "base_dir", "" },
		{ "# comment\n\n   \n\t# indented\nbase_dir = x\r\n",
		  "base_dir", "x" },
		{ "base_dir = {CRYPT}$6$salt\n", "base_dir", "{CRYPT}$6$salt" },
		{ "base_dir = $5 $ end\n", "base_dir", "$5 $ end" },
		{ "base_dir = \"$state_dir\"\n", "base_dir", "$state_dir" },
		{ "base_dir = $state_dir/run\n", "base_dir", "/var/lib/cove/run" },
		{ "protocols = $protocols pop3\n", "protocols",
		  "imap lmtp pop3" },
		{ "protocols = imap\nprotocols = $protocols lmtp\n"
		  "protocols = $protocols  pop3\n", "protocols",
		  "imap lmtp  pop3" },
		{ "default_login_user = nobody\n"
		  "base_dir = $default_login_user\n", "base_dir", "nobody" },
		{ "base_dir = $mail_fsync\n", "base_dir", "optimized" },
		{ "default_process_limit = 10\n", "default_process_limit", "10" },
		{ "imap_max_line_length = 64k\n", "imap_max_line_length",
		  "64 k" },
		{ "imap_max_line_length = 10 M\n", "imap_max_line_length",
		  "10 M" },
		{ "imap_max_line_length = 1000\n", "imap_max_line_length",
		  "1000" },
		{ "imap_max_line_length = 2048K\n", "imap_max_line_length",
		  "2 M" },
		{ "auth_failure_delay = 1 min\n", "auth_failure_delay",
		  "1 mins" },
		{ "auth_failure_delay = 90\n", "auth_failure_delay", "90 secs" },
		{ "auth_failure_delay = 2 weeks\n", "auth_failure_delay",
		  "2 weeks" },
		{ "auth_failure_delay = 0\n", "auth_failure_delay", "0" },
		{ "test_timeout_msecs = 500ms\n", "test_timeout_msecs",
		  "500 ms" },
		{ "test_timeout_msecs = 3s\n", "test_timeout_msecs", "3 secs" },
		{ "mail_fsync = always\n", "mail_fsync", "always" },
		{ "ssl = required\n", "ssl", "required" },
		{ "disable_plaintext_auth = no\n", "disable_plaintext_auth",
		  "no" },
		{ "auth_debug = yes\n", "auth_debug", "yes" },
		{ "passdb {\n}\nbase_dir = after\n", "base_dir", "after" },
		{ "service imap {\n}\nbase_dir = after\n", "base_dir", "after" },
		{ "", "mail_fsync", "optimized" },
		{ "", "ssl", "yes" },
		{ "", "imap_max_line_length", "64 k" },
		{ "", "test_timeout_msecs", "1500 ms" },
		{ "", "auth_failure_delay", "2 secs" },
		{ "", "nonexistent", NULL },
		{ "", "service", NULL },
	};
	struct settings_parser *parser;
	const char *error;

	for (unsigned int i = 0; i < N_ELEMENTS(tests); i++) T_BEGIN {
		error = NULL;
		test_assert_idx(test_settings_parse(pool, NULL, 0,
						    tests[i].content, &parser,
						    &error) == 0, i);
		test_assert_idx(error == NULL, i);
		test_assert_strcmp(settings_parser_get_value(parser,
							     tests[i].key),
				   tests[i].value);
		test_assert_idx(*settings_parser_get_warnings(parser) == NULL,
				i);
		settings_parser_deinit(&parser);
	} T_END;
}

static void test_settings_shared_key(pool_t pool)
{
	struct settings_parser *parser;
	const struct test_master_settings *master_set;
	const struct test_mail_settings *mail_set;
	const char *error;

	test_assert(test_settings_parse(pool, NULL, 0,
					"first_valid_uid = 1000\n", &parser,
					&error) == 0);
	master_set = settings_parser_get(parser, &test_master_info);
	mail_set = settings_parser_get(parser, &test_mail_info);
	test_assert(master_set->first_valid_uid == 1000);
	test_assert(mail_set->first_valid_uid == 1000);
	test_assert_strcmp(mail_set->mail_fsync, "optimized");
	test_assert(array_count(&master_set->services) == 0);
	settings_parser_deinit(&parser);
}

static void test_settings_errors(pool_t pool)
{
	static const struct {
		const char *content;
		const char *error;
	} tests[] = {
		{ "default_process_limit = abc\n",
		  "%s/test.conf:1: default_process_limit: Invalid number: abc" },
		{ "default_process_limit = -1\n",
		  "%s/test.conf:1: default_process_limit: Invalid number: -1" },
		{ "disable_plaintext_auth = maybe\n",
		  "%s/test.conf:1: disable_plaintext_auth: "
		  "Invalid boolean value: maybe (use yes or no)" },
		{ "imap_max_line_length = 10X\n",
		  "%s/test.conf:1: imap_max_line_length: Invalid size: 10X" },
		{ "auth_failure_delay = 1 fortnight\n",
		  "%s/test.conf:1: auth_failure_delay: "
		  "Invalid time interval: 1 fortnight" },
		{ "auth_failure_delay = 500 ms\n",
		  "%s/test.conf:1: auth_failure_delay: "
		  "Invalid time interval: 500 ms" },
		{ "mail_fsync = sometimes\n",
		  "%s/test.conf:1: mail_fsync: Invalid value: sometimes "
		  "(allowed: optimized, always, never)" },
		{ "service a {\n  unix_listener x {\n    mode = 0999\n  }\n}\n",
		  "%s/test.conf:3: mode: Invalid octal number: 0999" },
		{ "service a {\n  inet_listener x {\n    port = 65536\n  }\n}\n",
		  "%s/test.conf:3: port: Invalid port number: 65536" },
		{ "\nfoo = bar\n", "%s/test.conf:2: Unknown setting: foo" },
		{ "service imap {\n  foo = bar\n}\n",
		  "%s/test.conf:2: Unknown setting: foo" },
		{ "service = x\n", "%s/test.conf:1: Unknown setting: service" },
		{ "foo {\n  x = y\n  nested {\n  }\n}\n",
		  "%s/test.conf:1: Unknown section: foo" },
		{ "base_dir {\n}\n", "%s/test.conf:1: Unknown section: base_dir" },
		{ "plugin {\n  sub {\n  }\n}\n",
		  "%s/test.conf:2: Unknown section: sub" },
		{ "!include nothere.conf\n",
		  "%s/test.conf:1: !include: open(%s/nothere.conf) failed: "
		  "No such file or directory" },
		{ "!include none/*.conf\n",
		  "%s/test.conf:1: !include: No files match %s/none/*.conf" },
		{ "!include\n", "%s/test.conf:1: !include needs a path" },
		{ "!include a b\n", "%s/test.conf:1: Garbage after !include path" },
		{ "!exclude x\n", "%s/test.conf:1: Unknown directive: !exclude" },
		{ "service imap {\n",
		  "%s/test.conf:1: Missing '}' for section service imap" },
		{ "passdb {\n  driver = pam\n",
		  "%s/test.conf:1: Missing '}' for section passdb" },
		{ "service imap {\n  inet_listener imap {\n}\n",
		  "%s/test.conf:1: Missing '}' for section service imap" },
		{ "service imap {\n  inet_listener imap {\n",
		  "%s/test.conf:2: Missing '}' for section "
		  "inet_listener imap\n"
		  "%s/test.conf:1: Missing '}' for section service imap" },
		{ "}\n", "%s/test.conf:1: Unexpected '}'" },
		{ "service imap {\n}\n}\n", "%s/test.conf:3: Unexpected '}'" },
		{ "} x\n", "%s/test.conf:1: Garbage after '}'" },
		{ "base_dir = \"abc\n", "%s/test.conf:1: Missing closing quote" },
		{ "base_dir = \"abc\" def\n",
		  "%s/test.conf:1: Garbage after closing quote" },
		{ "base_dir /tmp\n", "%s/test.conf:1: Expecting '=' or '{'" },
		{ "= x\n", "%s/test.conf:1: Missing key or section name" },
		{ "{\n", "%s/test.conf:1: Missing key or section name" },
		{ "service imap { x\n}\n", "%s/test.conf:1: Garbage after '{'" },
		{ "service imap {\n  unix_listener a b {\n  }\n}\n",
		  "%s/test.conf:2: Expecting '=' or '{'" },
		{ "base_dir = $nope\n", "%s/test.conf:1: Unknown variable: $nope" },
		{ "base_dir = $mail_plugins\n",
		  "%s/test.conf:1: Unknown variable: $mail_plugins" },
		{ "base_dir = x $service\n",
		  "%s/test.conf:1: Unknown variable: $service" },
		{ "ssl_cert = <missing.pem\n",
		  "%s/test.conf:1: ssl_cert: open(%s/missing.pem) failed: "
		  "No such file or directory" },
		{ "ssl_cert = < /nonexistent/cove/x.pem\n",
		  "%s/test.conf:1: ssl_cert: open(/nonexistent/cove/x.pem) "
		  "failed: No such file or directory" },
		{ "protocol {\n}\n",
		  "%s/test.conf:1: protocol section needs a name" },
		{ "protocol lmtp {\n  default_process_limit = x\n}\n",
		  "%s/test.conf:2: default_process_limit: Invalid number: x" },
		{ "protocol lmtp {\n  foo = x\n}\n",
		  "%s/test.conf:2: Unknown setting: foo" },
		{ "local 10.0.0.1 {\n  service x {\n    foo = 1\n  }\n}\n",
		  "%s/test.conf:3: Unknown setting: foo" },
		{ "service x {\n  protocol imap {\n  }\n}\n",
		  "%s/test.conf:2: Unknown section: protocol" },
	};
	struct settings_parser *parser;
	const char *error;

	for (unsigned int i = 0; i < N_ELEMENTS(tests); i++) T_BEGIN {
		error = NULL;
		test_assert_idx(test_settings_parse(pool, "imap", 0,
						    tests[i].content, &parser,
						    &error) < 0, i);
		test_assert_strcmp(error,
				   test_settings_expand(tests[i].error));
		settings_parser_deinit(&parser);
	} T_END;
}

static void test_settings_all_errors(pool_t pool)
{
	static const char *content =
		"base_dir = /ok1\n"
		"default_process_limit = abc\n"
		"foo = bar\n"
		"service imap {\n"
		"  process_limit = -1\n"
		"  unknown_x = 1\n"
		"  process_min_avail = 3\n"
		"}\n"
		"}\n"
		"mail_fsync = never\n"
		"unknown_section {\n"
		"  base_dir = /not-applied\n"
		"}\n"
		"state_dir = /ok2\n"
		"service lmtp {\n";
	static const char *expected =
		"%s/test.conf:2: default_process_limit: Invalid number: abc\n"
		"%s/test.conf:3: Unknown setting: foo\n"
		"%s/test.conf:5: process_limit: Invalid number: -1\n"
		"%s/test.conf:6: Unknown setting: unknown_x\n"
		"%s/test.conf:9: Unexpected '}'\n"
		"%s/test.conf:11: Unknown section: unknown_section\n"
		"%s/test.conf:15: Missing '}' for section service lmtp";
	struct settings_parser *parser;
	const struct test_master_settings *set;
	const char *error;

	test_assert(test_settings_parse(pool, NULL, 0, content, &parser,
					&error) < 0);
	test_assert_strcmp(error, test_settings_expand(expected));
	test_assert_strcmp(settings_parser_get_value(parser, "base_dir"),
			   "/ok1");
	test_assert_strcmp(settings_parser_get_value(parser, "state_dir"),
			   "/ok2");
	test_assert_strcmp(settings_parser_get_value(parser, "mail_fsync"),
			   "never");
	set = settings_parser_get(parser, &test_master_info);
	test_assert(array_count(&set->services) == 2);
	test_assert(array_idx_elem(&set->services, 0)->process_min_avail == 3);
	settings_parser_deinit(&parser);
}

static void test_settings_warnings(pool_t pool)
{
	static const char *content =
		"mail_plugins = quota\n"
		"dict {\n"
		"  quota = file:x\n"
		"}\n"
		"service imap {\n"
		"  vsz_limit = 1G\n"
		"}\n"
		"local 127.0.0.1 {\n"
		"  base_dir = /local\n"
		"}\n"
		"remote 10.0.0.0/8 {\n"
		"  protocol imap {\n"
		"    base_dir = /remote\n"
		"  }\n"
		"}\n"
		"metric imap_commands {\n"
		"  filter = event=imap_command_finished\n"
		"}\n";
	static const char *const expected[] = {
		"%s/test.conf:1: Dovecot setting not supported by Cove, "
		"ignored: mail_plugins",
		"%s/test.conf:2: Dovecot section not supported by Cove, "
		"ignored: dict",
		"%s/test.conf:6: Dovecot setting not supported by Cove, "
		"ignored: vsz_limit",
		"%s/test.conf:8: local/remote filters are not supported by "
		"Cove, ignored: local 127.0.0.1",
		"%s/test.conf:11: local/remote filters are not supported by "
		"Cove, ignored: remote 10.0.0.0/8",
		"%s/test.conf:16: Dovecot section not supported by Cove, "
		"ignored: metric",
	};
	struct settings_parser *parser;
	const char *const *warnings;
	const char *error = NULL;
	unsigned int i;

	test_assert(test_settings_parse(pool, "imap", 0, content, &parser,
					&error) == 0);
	test_assert(error == NULL);
	warnings = settings_parser_get_warnings(parser);
	for (i = 0; i < N_ELEMENTS(expected) && warnings[i] != NULL; i++)
		test_assert_strcmp(warnings[i],
				   test_settings_expand(expected[i]));
	test_assert(i == N_ELEMENTS(expected) && warnings[i] == NULL);
	test_assert_strcmp(settings_parser_get_value(parser, "base_dir"),
			   "/var/run/cove");
	settings_parser_deinit(&parser);

	/* services ignore what the master has already checked */
	test_assert(test_settings_parse(pool, "imap",
					SETTINGS_PARSER_FLAG_IGNORE_UNKNOWN,
					"foo = bar\nmail_plugins = x\n"
					"foo {\n  a = b\n  x {\n  }\n}\n"
					"service x {\n  bar = 1\n}\n"
					"local 10.1.1.1 {\n  base_dir = /z\n}\n"
					"base_dir = /y\n", &parser,
					&error) == 0);
	test_assert(*settings_parser_get_warnings(parser) == NULL);
	test_assert_strcmp(settings_parser_get_value(parser, "base_dir"),
			   "/y");
	settings_parser_deinit(&parser);
}

static void test_settings_protocol(pool_t pool)
{
	static const char *content =
		"mail_location = maildir:~/global\n"
		"protocol imap {\n"
		"  mail_location = maildir:~/imap\n"
		"  postmaster_address = $postmaster_address-imap\n"
		"}\n"
		"protocol lmtp {\n"
		"  mail_location = maildir:~/lmtp\n"
		"  recipient_delimiter = -\n"
		"  passdb {\n"
		"    driver = lmtp-only\n"
		"  }\n"
		"}\n"
		"protocol !lmtp {\n"
		"  lda_mailbox_autocreate = yes\n"
		"}\n"
		"mail_location = maildir:~/late\n"
		"recipient_delimiter = +-\n";
	static const struct {
		const char *protocol;
		const char *mail_location;
		const char *recipient_delimiter;
		const char *postmaster_address;
		bool autocreate;
		unsigned int passdb_count;
	} tests[] = {
		{ "imap", "maildir:~/imap", "+-", "postmaster@%d-imap",
		  true, 0 },
		{ "lmtp", "maildir:~/lmtp", "-", "postmaster@%d", false, 1 },
		{ "pop3", "maildir:~/late", "+-", "postmaster@%d", true, 0 },
		{ NULL, "maildir:~/late", "+-", "postmaster@%d", false, 0 },
	};
	struct settings_parser *parser;
	const struct test_mail_settings *set;
	const struct test_auth_settings *auth_set;
	const char *error;

	for (unsigned int i = 0; i < N_ELEMENTS(tests); i++) T_BEGIN {
		test_assert_idx(test_settings_parse(pool, tests[i].protocol, 0,
						    content, &parser,
						    &error) == 0, i);
		set = settings_parser_get(parser, &test_mail_info);
		auth_set = settings_parser_get(parser, &test_auth_info);
		test_assert_strcmp(set->mail_location, tests[i].mail_location);
		test_assert_strcmp(set->recipient_delimiter,
				   tests[i].recipient_delimiter);
		test_assert_strcmp(set->postmaster_address,
				   tests[i].postmaster_address);
		test_assert_idx(set->lda_mailbox_autocreate ==
				tests[i].autocreate, i);
		test_assert_idx(array_count(&auth_set->passdbs) ==
				tests[i].passdb_count, i);
		settings_parser_deinit(&parser);
	} T_END;
}

static void test_settings_parse_line(pool_t pool)
{
	struct settings_parser *parser;
	const char *error;

	test_assert(test_settings_parse(pool, "lmtp", 0,
					"protocol lmtp {\n"
					"  recipient_delimiter = -\n}\n",
					&parser, &error) == 0);
	test_assert(settings_parser_parse_line(parser, "base_dir=/x",
					       &error) == 0);
	test_assert_strcmp(settings_parser_get_value(parser, "base_dir"),
			   "/x");
	/* command line overrides win over protocol blocks */
	test_assert(settings_parser_parse_line(parser,
					       "recipient_delimiter = +",
					       &error) == 0);
	test_assert_strcmp(settings_parser_get_value(parser,
						     "recipient_delimiter"),
			   "+");
	test_assert(settings_parser_parse_line(parser,
					       "protocols=$protocols pop3",
					       &error) == 0);
	test_assert_strcmp(settings_parser_get_value(parser, "protocols"),
			   "imap lmtp pop3");
	test_assert(settings_parser_parse_line(parser, "nope=1", &error) < 0);
	test_assert_strcmp(error, "Unknown setting: nope");
	test_assert(settings_parser_parse_line(parser, "first_valid_uid=x",
					       &error) < 0);
	test_assert_strcmp(error, "first_valid_uid: Invalid number: x");
	test_assert(settings_parser_parse_line(parser, "service x {",
					       &error) < 0);
	test_assert_strcmp(error, "Expecting key=value: service x {");
	settings_parser_deinit(&parser);
}

static void test_settings_check(pool_t pool)
{
	struct settings_parser *parser;
	const char *error;

	test_assert(test_settings_parse(pool, NULL, 0,
					"service imap {\n"
					"  process_limit = 1\n"
					"}\n", &parser, &error) == 0);
	test_assert(settings_parser_check(parser, &error) == 0);
	settings_parser_deinit(&parser);

	test_assert(test_settings_parse(pool, NULL, 0,
					"default_process_limit = 0\n"
					"service imap {\n"
					"  process_limit = 1\n"
					"  process_min_avail = 2\n"
					"}\n", &parser, &error) == 0);
	test_assert(settings_parser_check(parser, &error) < 0);
	test_assert_strcmp(error,
		"service imap: process_min_avail is higher than process_limit\n"
		"default_process_limit must not be 0");
	settings_parser_deinit(&parser);
}

void test_settings_parser(void)
{
	static const struct {
		const char *name;
		void (*func)(pool_t pool);
	} tests[] = {
		{ "settings syntax", test_settings_syntax },
		{ "settings key shared by two roots", test_settings_shared_key },
		{ "settings errors", test_settings_errors },
		{ "settings all errors in one run", test_settings_all_errors },
		{ "settings warnings", test_settings_warnings },
		{ "settings protocol blocks", test_settings_protocol },
		{ "settings_parser_parse_line", test_settings_parse_line },
		{ "settings_parser_check", test_settings_check },
	};

	for (unsigned int i = 0; i < N_ELEMENTS(tests); i++)
		test_settings_run(tests[i].name, tests[i].func);
}
