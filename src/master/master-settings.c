/* Copyright (c) Cove authors. See AUTHORS. */

/* Settings tables of the `service` sections and their listeners. */

#include "lib.h"
#include "array.h"
#include "master-settings.h"

#undef DEF
#define DEF(type, name) \
	SETTING_DEFINE(type, name, struct inet_listener_settings)

static const struct setting_define inet_listener_setting_defines[] = {
	DEF(SET_STR, address),
	DEF(SET_UINT, port),
	DEF(SET_BOOL, ssl),
	DEF(SET_BOOL, reuse_port),
	DEF(SET_BOOL, haproxy),
	SETTING_DEFINE_LIST_END
};

static const struct inet_listener_settings inet_listener_default_settings = {
	.name = "",
	.address = "",
	.port = MASTER_SETTING_UNSET,
};

static bool inet_listener_settings_check(void *_set, pool_t pool ATTR_UNUSED,
					 const char **error_r)
{
	struct inet_listener_settings *set = _set;

	if (set->port != MASTER_SETTING_UNSET && set->port > 65535) {
		*error_r = t_strdup_printf(
			"inet_listener %s: port %u is not in 0..65535",
			set->name, set->port);
		return false;
	}
	return true;
}

static const struct setting_parser_info inet_listener_setting_parser_info = {
	.module_name = "inet_listener",
	.defines = inet_listener_setting_defines,
	.defaults = &inet_listener_default_settings,
	.struct_size = sizeof(struct inet_listener_settings),
	.type_offset = offsetof(struct inet_listener_settings, name),
	.check_func = inet_listener_settings_check,
};

#undef DEF
#define DEF(type, name) \
	SETTING_DEFINE(type, name, struct unix_listener_settings)

static const struct setting_define unix_listener_setting_defines[] = {
	DEF(SET_UINT_OCT, mode),
	DEF(SET_STR, user),
	DEF(SET_STR, group),
	SETTING_DEFINE_LIST_END
};

static const struct unix_listener_settings unix_listener_default_settings = {
	.path = "",
	.mode = MASTER_SETTING_UNSET,
	.user = "",
	.group = "",
};

static const struct setting_parser_info unix_listener_setting_parser_info = {
	.module_name = "unix_listener",
	.defines = unix_listener_setting_defines,
	.defaults = &unix_listener_default_settings,
	.struct_size = sizeof(struct unix_listener_settings),
	.type_offset = offsetof(struct unix_listener_settings, path),
};

#undef DEF
#define DEF(type, name) SETTING_DEFINE(type, name, struct service_settings)

static const struct setting_define service_setting_defines[] = {
	DEF(SET_STR, protocol),
	DEF(SET_STR, executable),
	DEF(SET_STR, user),
	DEF(SET_STR, group),
	DEF(SET_STR, chroot),
	DEF(SET_UINT, process_limit),
	DEF(SET_UINT, client_limit),
	DEF(SET_UINT, process_min_avail),
	SETTING_DEFINE_DEFLIST(inet_listeners, "inet_listener",
			       struct service_settings,
			       &inet_listener_setting_parser_info),
	SETTING_DEFINE_DEFLIST(unix_listeners, "unix_listener",
			       struct service_settings,
			       &unix_listener_setting_parser_info),
	SETTING_DEFINE_LIST_END
};

static const struct service_settings service_default_settings = {
	.name = "",
	.protocol = "",
	.executable = "",
	.user = "",
	.group = "",
	.chroot = "",
	.process_limit = MASTER_SETTING_UNSET,
	.client_limit = MASTER_SETTING_UNSET,
	.process_min_avail = MASTER_SETTING_UNSET,
};

static const struct setting_parser_info service_setting_parser_info = {
	.module_name = "service",
	.defines = service_setting_defines,
	.defaults = &service_default_settings,
	.struct_size = sizeof(struct service_settings),
	.type_offset = offsetof(struct service_settings, name),
};

#undef DEF
static const struct setting_define master_setting_defines[] = {
	SETTING_DEFINE_DEFLIST(services, "service", struct master_settings,
			       &service_setting_parser_info),
	SETTING_DEFINE_LIST_END
};

static const struct master_settings master_default_settings = {
	.services = { { NULL, 0 } },
};

const struct setting_parser_info master_setting_parser_info = {
	.module_name = "master",
	.defines = master_setting_defines,
	.defaults = &master_default_settings,
	.struct_size = sizeof(struct master_settings),
	.type_offset = SIZE_MAX,
};
