/* Copyright (c) Cove authors. See AUTHORS. */
/* The pop3-login service defaults, read by the master. */

#include "lib.h"
#include "pop3-login-settings.h"

/* pop3s (port 995) comes with TLS support. */
static const struct service_listener_defaults pop3_login_listeners[] = {
	{ .kind = "inet", .name = "pop3", .address = NULL, .port = 110 },
	{ .kind = NULL }
};

const struct service_defaults pop3_login_service_defaults = {
	.name = "pop3-login",
	.protocol = "pop3",
	.executable = "pop3-login",
	.type = SERVICE_TYPE_LISTEN,
	.user = "$default_login_user",
	.chroot = "login",
	/* 0: default_process_limit and default_client_limit */
	.process_limit = 0,
	.client_limit = 0,
	.process_min_avail = 1,
	.listeners = pop3_login_listeners,
};
