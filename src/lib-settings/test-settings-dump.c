/* Copyright (c) Cove authors. See AUTHORS. */

/* Unit tests for settings_parser_dump(): doveconf -n style output, all
   settings, and that the output reads back to the same settings. */

#include "lib.h"
#include "str.h"
#include "test-lib-settings.h"
#include "test-settings-tables.h"

/* Sections that the dump writes back as the config has them. */
#define TEST_DUMP_SECTIONS \
	"service lmtp {\n" \
	"  unix_listener \"lmtp sock\" {\n" \
	"    mode = 0666\n" \
	"  }\n" \
	"}\n" \
	"passdb {\n" \
	"  driver = pam\n" \
	"}\n" \
	"plugin {\n" \
	"  quota = \"a#b\"\n" \
	"}\n"

static const char *test_dump_config =
	"base_dir = /run/cove\n"
	"protocols = imap\n"
	"mail_fsync = never\n"
	"first_valid_uid = 1000\n"
	"default_process_limit = 100\n"
	"auth_failure_delay = 1 min\n"
	"imap_max_line_length = 1024k\n"
	"test_timeout_msecs = 250 ms\n"
	TEST_SETTINGS_SERVICE_IMAP_LOGIN
	TEST_DUMP_SECTIONS
	"postmaster_address = \"  spaced\"\n"
	"recipient_delimiter = \"$x\"\n"
	"mail_location = \"<not a file\"\n"
	"mail_uid = a\\\"b\n";

static const char *test_dump_expected =
	"base_dir = /run/cove\n"
	"protocols = imap\n"
	"first_valid_uid = 1000\n"
	"auth_failure_delay = 1 mins\n"
	"mail_location = \"<not a file\"\n"
	"mail_uid = a\\\"b\n"
	"mail_fsync = never\n"
	"imap_max_line_length = 1 M\n"
	"recipient_delimiter = \"$x\"\n"
	"postmaster_address = \"  spaced\"\n"
	"test_timeout_msecs = 250 ms\n"
	"service imap-login {\n"
	"  process_limit = 5\n"
	"  inet_listener imap {\n"
	"    port = 143\n"
	"  }\n"
	"}\n"
	TEST_DUMP_SECTIONS;

static void test_settings_dump_changed(pool_t pool)
{
	struct settings_parser *parser, *parser2;
	string_t *dump = t_str_new(1024), *dump2 = t_str_new(1024);
	const char *error, *path;

	test_assert(test_settings_parse(pool, NULL, 0, test_dump_config,
					&parser, &error) == 0);
	settings_parser_dump(parser, false, dump);
	test_assert_strcmp(str_c(dump), test_dump_expected);

	/* the output reads back to the same settings */
	path = test_settings_write("dump.conf", str_c(dump));
	parser2 = settings_parser_init(pool, test_roots, NULL, 0);
	test_assert(settings_parser_read_file(parser2, path, &error) == 0);
	settings_parser_dump(parser2, false, dump2);
	test_assert_strcmp(str_c(dump2), test_dump_expected);
	settings_parser_deinit(&parser2);
	settings_parser_deinit(&parser);

	test_assert(test_settings_parse(pool, NULL, 0, "", &parser,
					&error) == 0);
	str_truncate(dump, 0);
	settings_parser_dump(parser, false, dump);
	test_assert_strcmp(str_c(dump), "");
	settings_parser_deinit(&parser);
}

static void test_settings_dump_all(pool_t pool)
{
	static const char *const lines[] = {
		"base_dir = /var/run/cove\n",
		"default_process_limit = 100\n",
		"first_valid_uid = 500\n",
		"disable_plaintext_auth = yes\n",
		"auth_failure_delay = 2 secs\n",
		"mail_fsync = optimized\n",
		"imap_max_line_length = 64 k\n",
		"postmaster_address = postmaster@%d\n",
		"ssl = yes\n",
		"mail_location = \n",
		"service imap {\n  executable = \n  user = \n",
		"  process_min_avail = 0\n}\n",
	};
	struct settings_parser *parser;
	string_t *dump = t_str_new(1024);
	const char *error, *p;

	test_assert(test_settings_parse(pool, NULL, 0,
					"service imap {\n}\n", &parser,
					&error) == 0);
	settings_parser_dump(parser, true, dump);
	for (unsigned int i = 0; i < N_ELEMENTS(lines); i++)
		test_assert_idx(strstr(str_c(dump), lines[i]) != NULL, i);
	/* a key shared by two roots is printed once */
	p = strstr(str_c(dump), "first_valid_uid");
	test_assert(p != NULL && strstr(p + 1, "first_valid_uid") == NULL);
	settings_parser_deinit(&parser);
}

void test_settings_dump(void)
{
	test_settings_run("settings_parser_dump(changed)",
			  test_settings_dump_changed);
	test_settings_run("settings_parser_dump(all)", test_settings_dump_all);
}
