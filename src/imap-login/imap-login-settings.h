/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef IMAP_LOGIN_SETTINGS_H
#define IMAP_LOGIN_SETTINGS_H

/* Settings of the IMAP login process (Dovecot's names and defaults) and
   how the master runs it. */

#include "settings-parser.h"
#include "service-defaults.h"

struct imap_login_settings {
	/* Pre-login CAPABILITY override: "" = the built-in list, "+X Y" =
	   the built-in list plus X Y, anything else replaces the built-in
	   list. AUTH= and LOGINDISABLED are added in any case. */
	const char *imap_capability;
};

extern const struct setting_parser_info imap_login_setting_parser_info;
extern const struct service_defaults imap_login_service_defaults;

#endif
