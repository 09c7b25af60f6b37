/* Copyright (c) Cove authors. See AUTHORS. */
/* The imap-login settings table and service defaults, read by imap-login
   and by the master. */

#include "lib.h"
#include "login-settings.h"
#include "imap-login-settings.h"

static const struct setting_define imap_login_setting_defines[] = {
	SETTING_DEFINE(SET_STR, imap_capability, struct imap_login_settings),
	SETTING_DEFINE_LIST_END
};

static const struct imap_login_settings imap_login_default_settings = {
	.imap_capability = "",
};

const struct setting_parser_info imap_login_setting_parser_info = {
	.module_name = "imap-login",
	.defines = imap_login_setting_defines,
	.defaults = &imap_login_default_settings,
	.struct_size = sizeof(struct imap_login_settings),
	.type_offset = SIZE_MAX,
};

/* imaps (port 993) comes with TLS support. */
static const struct service_listener_defaults imap_login_listeners[] = {
	{ .kind = "inet", .name = "imap", .address = NULL, .port = 143 },
	{ .kind = NULL }
};

const struct service_defaults imap_login_service_defaults =
	LOGIN_SERVICE_DEFAULTS("imap", imap_login_listeners);
