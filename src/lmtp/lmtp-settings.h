/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef LMTP_SETTINGS_H
#define LMTP_SETTINGS_H

/* Settings of the lmtp service (Dovecot's names and defaults, plus Cove's
   limits on what a client may send). */

#include "settings-parser.h"
#include "service-defaults.h"

/* Longest command line accepted (RFC 5321 4.5.3.1.4 asks for 512). */
#define LMTP_MAX_LINE_LENGTH 4096

struct lmtp_settings {
	/* Characters that separate user and detail ("user+box"). */
	const char *recipient_delimiter;
	/* Save into the mailbox named by the detail, when it exists. */
	bool lmtp_save_to_detail_mailbox;
	/* Cove: largest message accepted (SIZE is advertised with it);
	   0 means unlimited. */
	uoff_t lmtp_max_message_size;
	/* Cove: most RCPT commands accepted per transaction. */
	unsigned int lmtp_max_recipients;
	/* Cove: seconds without input after which a client is
	   disconnected (RFC 5321 4.5.3.2.7). */
	unsigned int lmtp_client_idle_timeout;
};

extern const struct setting_parser_info lmtp_setting_parser_info;
extern const struct service_defaults lmtp_service_defaults;

#endif
