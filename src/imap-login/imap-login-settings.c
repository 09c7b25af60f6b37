/* Copyright (c) Cove authors. See AUTHORS. */
/* The imap-login settings table and service defaults, read by imap-login
   and by the master. */

#include "lib.h"
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

const struct service_defaults imap_login_service_defaults = {
	.name = "imap-login",
	.protocol = "imap",
	.executable = "imap-login",
	.type = SERVICE_TYPE_LISTEN,
	.user = "$default_login_user",
	.chroot = "login",
	/* 0: default_process_limit and default_client_limit */
	.process_limit = 0,
	.client_limit = 0,
	.process_min_avail = 1,
	.listeners = imap_login_listeners,
};
