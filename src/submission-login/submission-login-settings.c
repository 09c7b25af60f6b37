/* Copyright (c) Cove authors. See AUTHORS. */
/* The submission-login service defaults, read by the master. */

#include "lib.h"
#include "login-settings.h"
#include "submission-login-settings.h"

/* submissions (port 465) comes with TLS support. */
static const struct service_listener_defaults submission_login_listeners[] = {
	{ .kind = "inet", .name = "submission", .address = NULL, .port = 587 },
	{ .kind = NULL }
};

const struct service_defaults submission_login_service_defaults =
	LOGIN_SERVICE_DEFAULTS("submission", submission_login_listeners);
