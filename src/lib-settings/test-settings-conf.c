/* Copyright (c) Cove authors. See AUTHORS. */

/* Unit tests for the shipped sample configuration (doc/example-config/
   cove.conf and conf.d/, copied into the installed layout), and for the
   order of the Dovecot name list. */

#include "lib.h"
#include "str.h"
#include "buffer.h"
#include "file-util.h"
#include "test-lib-settings.h"
#include "test-settings-tables.h"
#include "settings-parser-private.h"

#include <glob.h>

#define TEST_CONF_MAX_SIZE (1024 * 1024)

static void test_conf_copy(const char *src, const char *dest_name)
{
	buffer_t *buf;
	const char *error;

	if (file_read_all(src, datastack_pool, TEST_CONF_MAX_SIZE, &buf, NULL,
			  &error) < 0)
		i_fatal("%s", error);
	test_settings_write(dest_name, t_strndup(buf->data, buf->used));
}

/* Copies cove.conf and conf.d/ as `make install` lays them out. */
static const char *test_conf_install(void)
{
	const char *top_srcdir = getenv("top_srcdir");
	glob_t globbuf;

	if (top_srcdir == NULL)
		top_srcdir = "../..";
	test_conf_copy(t_strconcat(top_srcdir,
				   "/doc/example-config/cove.conf", NULL),
		       "cove.conf");
	if (glob(t_strconcat(top_srcdir, "/conf.d/*", NULL), 0, NULL,
		 &globbuf) != 0)
		i_fatal("No files in %s/conf.d", top_srcdir);
	for (size_t i = 0; i < globbuf.gl_pathc; i++) {
		const char *name = strrchr(globbuf.gl_pathv[i], '/') + 1;

		test_conf_copy(globbuf.gl_pathv[i],
			       t_strconcat("conf.d/", name, NULL));
	}
	globfree(&globbuf);
	return test_settings_expand("%s/cove.conf");
}

static void test_settings_conf_strict(pool_t pool)
{
	static const struct {
		const char *key;
		const char *value;
	} values[] = {
		{ "protocols", "imap pop3 lmtp submission" },
		{ "listen", "*, ::" },
		{ "auth_mechanisms", "plain login" },
		{ "mail_location", "maildir:~/Maildir" },
		{ "imap_max_line_length", "64 k" },
		{ "first_valid_uid", "500" },
	};
	struct settings_parser *parser;
	const struct test_master_settings *set;
	const struct test_auth_settings *auth_set;
	const struct test_service_settings *service;
	const struct test_db_settings *db;
	const char *error = NULL, *path = test_conf_install();

	/* the test tables have every name that the sample may set */
	parser = settings_parser_init(pool, test_roots, "imap", 0);
	test_assert(settings_parser_read_file(parser, path, &error) == 0);
	test_assert_strcmp(error, NULL);
	test_assert_strcmp(*settings_parser_get_warnings(parser), NULL);
	for (unsigned int i = 0; i < N_ELEMENTS(values); i++) {
		test_assert_strcmp(settings_parser_get_value(parser,
							     values[i].key),
				   values[i].value);
	}

	auth_set = settings_parser_get(parser, &test_auth_info);
	test_assert(array_count(&auth_set->passdbs) == 1);
	test_assert(array_count(&auth_set->userdbs) == 1);
	db = array_idx_elem(&auth_set->passdbs, 0);
	test_assert_strcmp(db->driver, "passwd-file");
	test_assert(strstr(db->args, "scheme=CRYPT") != NULL);

	set = settings_parser_get(parser, &test_master_info);
	array_foreach(&set->services, servicep) {
		service = *servicep;
		if (strcmp(service->name, "imap-login") == 0) {
			test_assert(array_count(&service->inet_listeners) > 0);
			test_assert(array_idx_elem(&service->inet_listeners,
						   0)->port == 143);
		} else if (strcmp(service->name, "lmtp") == 0) {
			test_assert(array_count(&service->unix_listeners) > 0);
			test_assert(array_idx_elem(&service->unix_listeners,
						   0)->mode == 0666);
		}
	}
	settings_parser_deinit(&parser);
}

static void test_settings_conf_service(pool_t pool)
{
	static const struct setting_parser_info *const roots[] = {
		&test_master_info, NULL
	};
	struct settings_parser *parser;
	const char *error = NULL, *path = test_conf_install();

	/* a service parses with only its own tables */
	parser = settings_parser_init(pool, roots, "lmtp",
				      SETTINGS_PARSER_FLAG_IGNORE_UNKNOWN);
	test_assert(settings_parser_read_file(parser, path, &error) == 0);
	test_assert_strcmp(error, NULL);
	test_assert_strcmp(settings_parser_get_value(parser, "protocols"),
			   "imap pop3 lmtp submission");
	test_assert_strcmp(settings_parser_get_value(parser,
						     "mail_location"), NULL);
	settings_parser_deinit(&parser);
}

static void test_settings_dovecot_names(void)
{
	unsigned int i;

	test_begin("settings Dovecot names");
	for (i = 1; i < settings_dovecot_setting_names_count; i++) {
		test_assert_idx(strcmp(settings_dovecot_setting_names[i - 1],
				       settings_dovecot_setting_names[i]) < 0,
				i);
	}
	for (i = 1; i < settings_dovecot_section_names_count; i++) {
		test_assert_idx(strcmp(settings_dovecot_section_names[i - 1],
				       settings_dovecot_section_names[i]) < 0,
				i);
	}
	for (i = 0; i < settings_dovecot_setting_names_count; i++) {
		test_assert_idx(settings_dovecot_setting_is_known(
				settings_dovecot_setting_names[i]), i);
	}
	test_assert(settings_dovecot_setting_is_known("mail_plugins"));
	test_assert(settings_dovecot_setting_is_known("ssl_alt_cert"));
	test_assert(settings_dovecot_setting_is_known("vsz_limit"));
	test_assert(!settings_dovecot_setting_is_known("mail_lokation"));
	test_assert(!settings_dovecot_setting_is_known(""));
	test_assert(settings_dovecot_section_is_known("plugin"));
	test_assert(!settings_dovecot_section_is_known("plugins"));
	test_end();
}

void test_settings_conf(void)
{
	test_settings_run("settings shipped cove.conf",
			  test_settings_conf_strict);
	test_settings_run("settings shipped cove.conf in a service",
			  test_settings_conf_service);
	test_settings_dovecot_names();
}
