/* Copyright (c) Cove authors. See AUTHORS. */

/* The settings every Cove process shares, with Dovecot's names and
   defaults. */

#include "lib.h"
#include "master-service-settings.h"

#include <limits.h>

#undef DEF
#define DEF(type, name) SETTING_DEFINE(type, name, struct master_service_settings)

static const struct setting_define master_service_setting_defines[] = {
	DEF(SET_STR, base_dir),
	DEF(SET_STR, state_dir),
	DEF(SET_STR, log_path),
	DEF(SET_STR, protocols),
	DEF(SET_STR, listen),
	DEF(SET_STR, default_login_user),
	DEF(SET_STR, default_internal_user),
	DEF(SET_STR, hostname),
	DEF(SET_STR, postmaster_address),
	DEF(SET_UINT, default_process_limit),
	DEF(SET_UINT, default_client_limit),
	DEF(SET_UINT, mail_max_userip_connections),
	SETTING_DEFINE_LIST_END
};

static const struct master_service_settings master_service_default_settings = {
	.base_dir = PKG_RUNDIR,
	.state_dir = PKG_STATEDIR,
	.log_path = "syslog",
	.protocols = "imap pop3 lmtp",
	.listen = "*, ::",
	.default_login_user = "covenull",
	.default_internal_user = "cove",
	.hostname = "",
	.postmaster_address = "",
	.default_process_limit = 100,
	.default_client_limit = 1000,
	.mail_max_userip_connections = 10,
};

static bool
master_service_settings_check(void *_set, pool_t pool ATTR_UNUSED,
			      const char **error_r)
{
	struct master_service_settings *set = _set;

	if (set->base_dir[0] != '/') {
		*error_r = t_strdup_printf(
			"base_dir must be an absolute path: %s", set->base_dir);
		return false;
	}
	if (set->default_process_limit == 0) {
		*error_r = "default_process_limit must be at least 1";
		return false;
	}
	if (set->default_client_limit == 0) {
		*error_r = "default_client_limit must be at least 1";
		return false;
	}
	return true;
}

const struct setting_parser_info master_service_setting_parser_info = {
	.module_name = "master-service",
	.defines = master_service_setting_defines,
	.defaults = &master_service_default_settings,
	.struct_size = sizeof(struct master_service_settings),
	.type_offset = SIZE_MAX,
	.check_func = master_service_settings_check,
};

const char *
master_service_settings_get_hostname(const struct master_service_settings *set)
{
	char name[HOST_NAME_MAX + 1];

	if (set->hostname[0] != '\0')
		return set->hostname;
	if (gethostname(name, sizeof(name)) < 0)
		return "localhost";
	name[sizeof(name) - 1] = '\0';
	return t_strdup(name);
}
