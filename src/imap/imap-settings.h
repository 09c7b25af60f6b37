/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef IMAP_SETTINGS_H
#define IMAP_SETTINGS_H

/* Settings of the post-login IMAP worker (Dovecot's names and defaults)
   and how the master runs it. */

#include "settings-parser.h"
#include "service-defaults.h"

struct imap_settings {
	/* Longest command line (literals excluded). */
	uoff_t imap_max_line_length;
	/* CAPABILITY override: "" = the built-in list, "+X Y" = the
	   built-in list plus X Y, anything else replaces it. */
	const char *imap_capability;
	/* Largest message APPEND accepts (Cove's; Dovecot has only quota
	   limits). The literal is held in memory while it is read. */
	uoff_t imap_max_append_size;
	/* Seconds between the "* OK Still here" keep-alives in IDLE. */
	unsigned int imap_idle_notify_interval;
	/* Cove: seconds without input after which a logged-in client is
	   disconnected (the autologout timer, RFC 3501 5.4); not counted
	   while the client is in IDLE. */
	unsigned int imap_client_idle_timeout;
};

extern const struct setting_parser_info imap_setting_parser_info;
extern const struct service_defaults imap_service_defaults;

#endif
