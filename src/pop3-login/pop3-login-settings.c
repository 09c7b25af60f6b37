/* Copyright (c) Cove authors. See AUTHORS. */
/* The pop3-login service defaults, read by the master. */

#include "lib.h"
#include "login-settings.h"
#include "pop3-login-settings.h"

/* pop3s (port 995) comes with TLS support. */
static const struct service_listener_defaults pop3_login_listeners[] = {
	{ .kind = "inet", .name = "pop3", .address = NULL, .port = 110 },
	{ .kind = NULL }
};

const struct service_defaults pop3_login_service_defaults =
	LOGIN_SERVICE_DEFAULTS("pop3", pop3_login_listeners);
