/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef POP3_LOGIN_SETTINGS_H
#define POP3_LOGIN_SETTINGS_H

/* How the master runs the POP3 login process. pop3-login has no settings
   of its own: the login_* settings (src/login) cover it. */

#include "service-defaults.h"

extern const struct service_defaults pop3_login_service_defaults;

#endif
