/* Copyright (c) Cove authors. See AUTHORS. */

/* Test settings tables (Dovecot's names, like the modules' tables) and a
   temporary directory for config files. */

#include "lib.h"
#include "str.h"
#include "file-util.h"
#include "test-common.h"
#include "test-settings-tables.h"

#include <fcntl.h>
#include <ftw.h>

#undef DEF
#define DEF(type, name, struct_name) SETTING_DEFINE(type, name, struct_name)

static const struct setting_define test_inet_listener_defines[] = {
	DEF(SET_STR, name, struct test_inet_listener_settings),
	DEF(SET_STR, address, struct test_inet_listener_settings),
	DEF(SET_IN_PORT, port, struct test_inet_listener_settings),
	SETTING_DEFINE_LIST_END
};
static const struct test_inet_listener_settings test_inet_listener_defaults = {
	.name = "",
	.address = "",
	.port = 0,
};
static const struct setting_parser_info test_inet_listener_info = {
	.module_name = "inet_listener",
	.defines = test_inet_listener_defines,
	.defaults = &test_inet_listener_defaults,
	.struct_size = sizeof(struct test_inet_listener_settings),
	.type_offset = offsetof(struct test_inet_listener_settings, name),
};

static const struct setting_define test_unix_listener_defines[] = {
	DEF(SET_STR, path, struct test_unix_listener_settings),
	DEF(SET_UINT_OCT, mode, struct test_unix_listener_settings),
	DEF(SET_STR, user, struct test_unix_listener_settings),
	DEF(SET_STR, group, struct test_unix_listener_settings),
	SETTING_DEFINE_LIST_END
};
static const struct test_unix_listener_settings test_unix_listener_defaults = {
	.path = "",
	.mode = 0600,
	.user = "",
	.group = "",
};
static const struct setting_parser_info test_unix_listener_info = {
	.module_name = "unix_listener",
	.defines = test_unix_listener_defines,
	.defaults = &test_unix_listener_defaults,
	.struct_size = sizeof(struct test_unix_listener_settings),
	.type_offset = offsetof(struct test_unix_listener_settings, path),
};

static bool test_service_check(void *_set, pool_t pool ATTR_UNUSED,
			       const char **error_r)
{
	struct test_service_settings *set = _set;

	if (set->process_limit != 0 &&
	    set->process_limit < set->process_min_avail) {
		*error_r = "process_min_avail is higher than process_limit";
		return false;
	}
	return true;
}

static const struct setting_define test_service_defines[] = {
	DEF(SET_STR, name, struct test_service_settings),
	DEF(SET_STR, executable, struct test_service_settings),
	DEF(SET_STR, user, struct test_service_settings),
	DEF(SET_STR, chroot, struct test_service_settings),
	DEF(SET_UINT, process_limit, struct test_service_settings),
	DEF(SET_UINT, client_limit, struct test_service_settings),
	DEF(SET_UINT, process_min_avail, struct test_service_settings),
	SETTING_DEFINE_DEFLIST(inet_listeners, "inet_listener",
			       struct test_service_settings,
			       &test_inet_listener_info),
	SETTING_DEFINE_DEFLIST(unix_listeners, "unix_listener",
			       struct test_service_settings,
			       &test_unix_listener_info),
	SETTING_DEFINE_LIST_END
};
static const struct test_service_settings test_service_defaults = {
	.name = "",
	.executable = "",
	.user = "",
	.chroot = "",
	.process_limit = 0,
	.client_limit = 0,
	.process_min_avail = 0,
};
static const struct setting_parser_info test_service_info = {
	.module_name = "service",
	.defines = test_service_defines,
	.defaults = &test_service_defaults,
	.struct_size = sizeof(struct test_service_settings),
	.type_offset = offsetof(struct test_service_settings, name),
	.check_func = test_service_check,
};

static bool test_master_check(void *_set, pool_t pool ATTR_UNUSED,
			      const char **error_r)
{
	struct test_master_settings *set = _set;

	if (set->default_process_limit == 0) {
		*error_r = "default_process_limit must not be 0";
		return false;
	}
	return true;
}

static const struct setting_define test_master_defines[] = {
	DEF(SET_STR, base_dir, struct test_master_settings),
	DEF(SET_STR, state_dir, struct test_master_settings),
	DEF(SET_STR, protocols, struct test_master_settings),
	DEF(SET_STR, listen, struct test_master_settings),
	DEF(SET_STR, log_path, struct test_master_settings),
	DEF(SET_STR, info_log_path, struct test_master_settings),
	DEF(SET_STR, debug_log_path, struct test_master_settings),
	DEF(SET_STR, default_login_user, struct test_master_settings),
	DEF(SET_STR, default_internal_user, struct test_master_settings),
	DEF(SET_UINT, default_process_limit, struct test_master_settings),
	DEF(SET_UINT, default_client_limit, struct test_master_settings),
	DEF(SET_UINT, first_valid_uid, struct test_master_settings),
	SETTING_DEFINE_DEFLIST(services, "service",
			       struct test_master_settings,
			       &test_service_info),
	SETTING_DEFINE_LIST_END
};
static const struct test_master_settings test_master_defaults = {
	.base_dir = "/var/run/cove",
	.state_dir = "/var/lib/cove",
	.protocols = "imap lmtp",
	.listen = "*, ::",
	.log_path = "syslog",
	.info_log_path = "",
	.debug_log_path = "",
	.default_login_user = "covenull",
	.default_internal_user = "cove",
	.default_process_limit = 100,
	.default_client_limit = 1000,
	.first_valid_uid = 500,
};
const struct setting_parser_info test_master_info = {
	.module_name = "master",
	.defines = test_master_defines,
	.defaults = &test_master_defaults,
	.struct_size = sizeof(struct test_master_settings),
	.type_offset = SIZE_MAX,
	.check_func = test_master_check,
};

static const struct setting_define test_db_defines[] = {
	DEF(SET_STR, driver, struct test_db_settings),
	DEF(SET_STR, args, struct test_db_settings),
	SETTING_DEFINE_LIST_END
};
static const struct test_db_settings test_db_defaults = {
	.driver = "",
	.args = "",
};
static const struct setting_parser_info test_db_info = {
	.module_name = "db",
	.defines = test_db_defines,
	.defaults = &test_db_defaults,
	.struct_size = sizeof(struct test_db_settings),
	.type_offset = SIZE_MAX,
};

static const struct setting_define test_auth_defines[] = {
	DEF(SET_BOOL, disable_plaintext_auth, struct test_auth_settings),
	DEF(SET_STR, auth_mechanisms, struct test_auth_settings),
	DEF(SET_STR, auth_username_format, struct test_auth_settings),
	DEF(SET_TIME, auth_failure_delay, struct test_auth_settings),
	DEF(SET_BOOL, auth_verbose, struct test_auth_settings),
	DEF(SET_BOOL, auth_debug, struct test_auth_settings),
	SETTING_DEFINE_DEFLIST(passdbs, "passdb", struct test_auth_settings,
			       &test_db_info),
	SETTING_DEFINE_DEFLIST(userdbs, "userdb", struct test_auth_settings,
			       &test_db_info),
	SETTING_DEFINE_LIST_END
};
static const struct test_auth_settings test_auth_defaults = {
	.disable_plaintext_auth = true,
	.auth_mechanisms = "plain",
	.auth_username_format = "%Lu",
	.auth_failure_delay = 2,
	.auth_verbose = false,
	.auth_debug = false,
};
const struct setting_parser_info test_auth_info = {
	.module_name = "auth",
	.defines = test_auth_defines,
	.defaults = &test_auth_defaults,
	.struct_size = sizeof(struct test_auth_settings),
	.type_offset = SIZE_MAX,
};

static const struct setting_define test_mailbox_defines[] = {
	SETTING_DEFINE_KEY(SET_ENUM, "auto", autocreate,
			   struct test_mailbox_settings),
	DEF(SET_STR, special_use, struct test_mailbox_settings),
	SETTING_DEFINE_LIST_END
};
static const struct test_mailbox_settings test_mailbox_defaults = {
	.name = "",
	.autocreate = "no:create:subscribe",
	.special_use = "",
};
static const struct setting_parser_info test_mailbox_info = {
	.module_name = "mailbox",
	.defines = test_mailbox_defines,
	.defaults = &test_mailbox_defaults,
	.struct_size = sizeof(struct test_mailbox_settings),
	.type_offset = offsetof(struct test_mailbox_settings, name),
};

static const struct setting_define test_namespace_defines[] = {
	DEF(SET_STR, separator, struct test_namespace_settings),
	DEF(SET_STR, prefix, struct test_namespace_settings),
	DEF(SET_BOOL, inbox, struct test_namespace_settings),
	SETTING_DEFINE_DEFLIST(mailboxes, "mailbox",
			       struct test_namespace_settings,
			       &test_mailbox_info),
	SETTING_DEFINE_LIST_END
};
static const struct test_namespace_settings test_namespace_defaults = {
	.name = "",
	.separator = "",
	.prefix = "",
	.inbox = false,
};
static const struct setting_parser_info test_namespace_info = {
	.module_name = "namespace",
	.defines = test_namespace_defines,
	.defaults = &test_namespace_defaults,
	.struct_size = sizeof(struct test_namespace_settings),
	.type_offset = offsetof(struct test_namespace_settings, name),
};

static const struct setting_define test_mail_defines[] = {
	DEF(SET_STR, mail_location, struct test_mail_settings),
	DEF(SET_STR, mail_uid, struct test_mail_settings),
	DEF(SET_STR, mail_gid, struct test_mail_settings),
	DEF(SET_STR, mail_privileged_group, struct test_mail_settings),
	DEF(SET_UINT, first_valid_uid, struct test_mail_settings),
	DEF(SET_UINT, last_valid_uid, struct test_mail_settings),
	DEF(SET_ENUM, mail_fsync, struct test_mail_settings),
	DEF(SET_BOOL, mail_debug, struct test_mail_settings),
	DEF(SET_SIZE, imap_max_line_length, struct test_mail_settings),
	DEF(SET_STR, recipient_delimiter, struct test_mail_settings),
	DEF(SET_BOOL, lda_mailbox_autocreate, struct test_mail_settings),
	DEF(SET_STR, postmaster_address, struct test_mail_settings),
	DEF(SET_ENUM, ssl, struct test_mail_settings),
	DEF(SET_STR, ssl_cert, struct test_mail_settings),
	DEF(SET_TIME_MSECS, test_timeout_msecs, struct test_mail_settings),
	{ SET_STRLIST, "plugin",
	  offsetof(struct test_mail_settings, plugin_envs), NULL },
	SETTING_DEFINE_DEFLIST(namespaces, "namespace",
			       struct test_mail_settings,
			       &test_namespace_info),
	SETTING_DEFINE_LIST_END
};
static const struct test_mail_settings test_mail_defaults = {
	.mail_location = "",
	.mail_uid = "",
	.mail_gid = "",
	.mail_privileged_group = "",
	.first_valid_uid = 500,
	.last_valid_uid = 0,
	.mail_fsync = "optimized:always:never",
	.mail_debug = false,
	.imap_max_line_length = 64 * 1024,
	.recipient_delimiter = "+",
	.lda_mailbox_autocreate = false,
	.postmaster_address = "postmaster@%d",
	.ssl = "yes:no:required",
	.ssl_cert = "",
	.test_timeout_msecs = 1500,
};
const struct setting_parser_info test_mail_info = {
	.module_name = "mail",
	.defines = test_mail_defines,
	.defaults = &test_mail_defaults,
	.struct_size = sizeof(struct test_mail_settings),
	.type_offset = SIZE_MAX,
};

const struct setting_parser_info *const test_roots[] = {
	&test_master_info, &test_auth_info, &test_mail_info, NULL
};

static char *test_dir = NULL;

void test_settings_run(const char *name, void (*func)(pool_t pool))
{
	pool_t pool = pool_alloconly_create("test settings", 4096);

	test_begin(name);
	test_settings_dir_init();
	T_BEGIN {
		func(pool);
	} T_END;
	test_settings_dir_deinit();
	pool_unref(&pool);
	test_end();
}

void test_settings_dir_init(void)
{
	char template[] = "/tmp/test-lib-settings.XXXXXX";

	if (mkdtemp(template) == NULL)
		i_fatal("mkdtemp(%s) failed: %m", template);
	test_dir = i_strdup(template);
}

static int test_settings_unlink(const char *path,
				const struct stat *st ATTR_UNUSED,
				int type, struct FTW *ftw ATTR_UNUSED)
{
	if ((type == FTW_DP ? rmdir(path) : unlink(path)) < 0)
		i_error("unlink(%s) failed: %m", path);
	return 0;
}

void test_settings_dir_deinit(void)
{
	if (nftw(test_dir, test_settings_unlink, 16, FTW_DEPTH | FTW_PHYS) < 0)
		i_error("nftw(%s) failed: %m", test_dir);
	i_free(test_dir);
}

const char *test_settings_dir(void)
{
	return test_dir;
}

const char *test_settings_write(const char *name, const char *content)
{
	const char *path = t_strdup_printf("%s/%s", test_dir, name);
	const char *slash = strrchr(path, '/');
	int fd;

	if (mkdir_parents(t_strndup(path, slash - path), 0700) < 0)
		i_fatal("mkdir_parents(%s) failed: %m", path);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd == -1)
		i_fatal("open(%s) failed: %m", path);
	if (write_full(fd, content, strlen(content)) < 0)
		i_fatal("write(%s) failed: %m", path);
	if (close(fd) < 0)
		i_fatal("close(%s) failed: %m", path);
	return path;
}

int test_settings_parse(pool_t pool, const char *protocol,
			enum settings_parser_flags flags, const char *content,
			struct settings_parser **parser_r,
			const char **error_r)
{
	const char *path = test_settings_write("test.conf", content);

	*parser_r = settings_parser_init(pool, test_roots, protocol, flags);
	return settings_parser_read_file(*parser_r, path, error_r);
}

const char *test_settings_expand(const char *template)
{
	string_t *str = t_str_new(256);
	const char *p;

	while ((p = strstr(template, "%s")) != NULL) {
		str_append_n(str, template, p - template);
		str_append(str, test_dir);
		template = p + 2;
	}
	str_append(str, template);
	return str_c(str);
}
