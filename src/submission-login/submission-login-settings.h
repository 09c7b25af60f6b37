/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef SUBMISSION_LOGIN_SETTINGS_H
#define SUBMISSION_LOGIN_SETTINGS_H

/* How the master runs the submission login process. submission-login has
   no settings of its own: the login_* settings (src/login) cover it. */

#include "service-defaults.h"

extern const struct service_defaults submission_login_service_defaults;

#endif
