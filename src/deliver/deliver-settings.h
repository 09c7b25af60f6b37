/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef DELIVER_SETTINGS_H
#define DELIVER_SETTINGS_H

/* Settings of cove-deliver (Dovecot's LDA names; the message size limit
   is lmtp's setting, read here too). */

#include "settings-parser.h"

struct deliver_settings {
	/* Create the -m mailbox when it does not exist. */
	bool lda_mailbox_autocreate;
	/* The lmtp setting of that name (one value for both, set in every
	   module that defines it): largest message accepted; 0 means
	   unlimited. */
	uoff_t lmtp_max_message_size;
};

extern const struct setting_parser_info deliver_setting_parser_info;

#endif
