/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef POP3_SETTINGS_H
#define POP3_SETTINGS_H

/* Settings of the post-login POP3 worker (Dovecot's names and defaults),
   how the master runs it, and the expansion of pop3_uidl_format. */

#include "str.h"
#include "settings-parser.h"
#include "service-defaults.h"

enum pop3_client_workarounds {
	/* Outlook cannot handle NUL bytes: send them as 0x80. */
	POP3_WORKAROUND_OUTLOOK_NO_NULS	= 0x01,
	/* Outlook Express and Netscape need the empty line that ends the
	   header even if the message has none. */
	POP3_WORKAROUND_OE_NS_EOH	= 0x02,
};

struct pop3_settings {
	/* UIDL of a message: %u = UID, %v = UIDVALIDITY, with var_expand's
	   modifiers ("%08Xu%08Xv": zero-padded lowercase hex). */
	const char *pop3_uidl_format;
	/* Space or comma separated workaround names. */
	const char *pop3_client_workarounds;
	/* RETR does not set \Seen. */
	bool pop3_no_flag_updates;
	/* default:expunge:flag; Cove only expunges. */
	const char *pop3_delete_type;
	const char *pop3_deleted_flag;
	/* One POP3 session per mailbox at a time. */
	bool pop3_lock_session;
	/* Cove: seconds without input after which a logged-in client is
	   disconnected (the autologout timer, RFC 1939 3). */
	unsigned int pop3_client_idle_timeout;

	/* Filled by the check function. */
	enum pop3_client_workarounds parsed_workarounds;
};

extern const struct setting_parser_info pop3_setting_parser_info;
extern const struct service_defaults pop3_service_defaults;

/* Appends the UIDL of a message with uid in a mailbox with uidvalidity,
   as format (pop3_uidl_format) says, to dest. Returns 0, or -1 with
   error_r if format is invalid (the settings check rejects those). */
int pop3_uidl_expand(string_t *dest, const char *format, uint32_t uid,
		     uint32_t uidvalidity, const char **error_r);
/* Parses a pop3_client_workarounds value. Returns 0, or -1 with error_r
   naming an unknown workaround. */
int pop3_workarounds_parse(const char *value,
			   enum pop3_client_workarounds *workarounds_r,
			   const char **error_r);

#endif
