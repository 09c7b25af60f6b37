/* Copyright (c) Cove authors. See AUTHORS. */

/* The auth settings table and the auth service's defaults. Linked into
   the master (libauth-settings.la) to validate the config, so nothing
   here may depend on the daemon's code. */

#include "lib.h"
#include "auth-settings.h"

#undef DEF
#define DEF(type, name) SETTING_DEFINE(type, name, struct auth_db_settings)

static const struct setting_define auth_db_setting_defines[] = {
	DEF(SET_STR, name),
	DEF(SET_STR, driver),
	DEF(SET_STR, args),
	DEF(SET_STR, default_fields),
	DEF(SET_STR, override_fields),
	SETTING_DEFINE_LIST_END
};

static const struct auth_db_settings auth_db_default_settings = {
	.name = "",
	.driver = "",
	.args = "",
	.default_fields = "",
	.override_fields = "",
};

static bool auth_db_settings_check(void *_set, pool_t pool ATTR_UNUSED,
				   const char **error_r)
{
	struct auth_db_settings *set = _set;

	if (set->driver[0] == '\0') {
		*error_r = "passdb/userdb section is missing driver";
		return false;
	}
	return true;
}

const struct setting_parser_info auth_db_setting_parser_info = {
	.module_name = "auth-db",
	.defines = auth_db_setting_defines,
	.defaults = &auth_db_default_settings,
	.struct_size = sizeof(struct auth_db_settings),
	.type_offset = offsetof(struct auth_db_settings, name),
	.check_func = auth_db_settings_check,
};

#undef DEF
#define DEF(type, name) SETTING_DEFINE(type, name, struct auth_settings)

static const struct setting_define auth_setting_defines[] = {
	DEF(SET_STR, auth_mechanisms),
	DEF(SET_STR, auth_username_format),
	DEF(SET_STR, auth_default_realm),
	DEF(SET_STR, auth_realms),
	DEF(SET_TIME, auth_failure_delay),
	DEF(SET_SIZE, auth_cache_size),
	DEF(SET_TIME, auth_cache_ttl),
	DEF(SET_TIME, auth_cache_negative_ttl),
	DEF(SET_BOOL, auth_verbose),
	DEF(SET_BOOL, auth_debug),
	DEF(SET_BOOL, disable_plaintext_auth),
	DEF(SET_BOOL, auth_ssl_require_client_cert),
	DEF(SET_BOOL, auth_ssl_username_from_cert),
	SETTING_DEFINE_DEFLIST(passdbs, "passdb", struct auth_settings,
			       &auth_db_setting_parser_info),
	SETTING_DEFINE_DEFLIST(userdbs, "userdb", struct auth_settings,
			       &auth_db_setting_parser_info),
	SETTING_DEFINE_LIST_END
};

static const struct auth_settings auth_default_settings = {
	.auth_mechanisms = "plain",
	.auth_username_format = "%Lu",
	.auth_default_realm = "",
	.auth_realms = "",
	.auth_failure_delay = 2,
	.auth_cache_size = 0,
	.auth_cache_ttl = 60 * 60,
	.auth_cache_negative_ttl = 60 * 60,
	.auth_verbose = false,
	.auth_debug = false,
	.disable_plaintext_auth = true,
	.auth_ssl_require_client_cert = false,
	.auth_ssl_username_from_cert = false,
};

static bool auth_settings_check(void *_set, pool_t pool ATTR_UNUSED,
				const char **error_r)
{
	struct auth_settings *set = _set;

	if (t_strsplit_spaces(set->auth_mechanisms, " ,")[0] == NULL) {
		*error_r = "auth_mechanisms is empty";
		return false;
	}
	if (set->auth_cache_size > SIZE_MAX / 2) {
		*error_r = "auth_cache_size is too large";
		return false;
	}
	if (set->auth_failure_delay > 60) {
		*error_r = "auth_failure_delay must be at most 60 secs";
		return false;
	}
	return true;
}

const struct setting_parser_info auth_setting_parser_info = {
	.module_name = "auth",
	.defines = auth_setting_defines,
	.defaults = &auth_default_settings,
	.struct_size = sizeof(struct auth_settings),
	.type_offset = SIZE_MAX,
	.check_func = auth_settings_check,
};

static const struct service_listener_defaults auth_listener_defaults[] = {
	{ .kind = "unix", .name = "login/login", .mode = 0666,
	  .user = "$default_login_user" },
	{ .kind = "unix", .name = "auth-master", .mode = 0600 },
	{ .kind = "unix", .name = "auth-userdb", .mode = 0666 },
	{ .kind = "unix", .name = "auth-client", .mode = 0600 },
	{ .kind = NULL }
};

const struct service_defaults auth_service_defaults = {
	.name = "auth",
	.executable = "auth",
	.type = SERVICE_TYPE_LISTEN,
	.user = "$default_internal_user",
	.chroot = "",
	.process_limit = 1,
	/* 0: default_client_limit */
	.client_limit = 0,
	.listeners = auth_listener_defaults,
};
