/* Copyright (c) Cove authors. See AUTHORS. */

/* Unit tests for settings_parser_get_flat_config(): the flat file reads
   back to the same settings, for every protocol, with no includes left. */

#include "lib.h"
#include "str.h"
#include "test-lib-settings.h"
#include "test-settings-tables.h"

static const char *test_flat_main =
	"base_dir = /run/cove\n"
	"protocols = imap\n"
	"!include conf.d/*.conf\n"
	"postmaster_address = \"quote \\\" and \\\\ back\"\n"
	"protocol imap {\n"
	"  imap_max_line_length = 128k\n"
	"}\n"
	"recipient_delimiter = <conf.d/delim.txt\n"
	"service lmtp {\n"
	"  unix_listener \"lmtp sock\" {\n"
	"    mode = 0666\n"
	"  }\n"
	"}\n";

static const char *test_flat_included =
	"first_valid_uid = 1000\n"
	"protocols = $protocols lmtp\n"
	"passdb {\n"
	"  driver = pam\n"
	"}\n";

static const char *test_flat_dump(pool_t pool, const char *path,
				  const char *protocol)
{
	struct settings_parser *parser;
	string_t *dump = t_str_new(1024);
	const char *error;

	parser = settings_parser_init(pool, test_roots, protocol, 0);
	test_assert(settings_parser_read_file(parser, path, &error) == 0);
	settings_parser_dump(parser, true, dump);
	settings_parser_deinit(&parser);
	return str_c(dump);
}

static void test_settings_flat_roundtrip(pool_t pool)
{
	static const char *const protocols[] = { NULL, "imap", "lmtp" };
	struct settings_parser *parser;
	const char *main_path, *flat_path, *flat, *error;

	test_settings_write("conf.d/10-a.conf", test_flat_included);
	test_settings_write("conf.d/delim.txt", "+\n");
	main_path = test_settings_write("cove.conf", test_flat_main);

	parser = settings_parser_init(pool, test_roots, NULL, 0);
	test_assert(settings_parser_read_file(parser, main_path, &error) == 0);
	flat = t_strdup(settings_parser_get_flat_config(parser));
	settings_parser_deinit(&parser);

	test_assert(strstr(flat, "!include") == NULL);
	test_assert(strstr(flat, "protocols = \"imap lmtp\"\n") != NULL);
	test_assert(strstr(flat, t_strdup_printf(
		"recipient_delimiter = <%s/conf.d/delim.txt\n",
		test_settings_dir())) != NULL);
	flat_path = test_settings_write("flat.conf", flat);
	for (unsigned int i = 0; i < N_ELEMENTS(protocols); i++) {
		test_assert_strcmp(test_flat_dump(pool, flat_path,
						  protocols[i]),
				   test_flat_dump(pool, main_path,
						  protocols[i]));
	}
}

void test_settings_flat(void)
{
	test_settings_run("settings_parser_get_flat_config()",
			  test_settings_flat_roundtrip);
}
