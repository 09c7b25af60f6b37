/* Copyright (c) Cove authors. See AUTHORS. */

/* Building the ENVELOPE of a message. */

#include "lib.h"
#include "str.h"
#include "message-address.h"
#include "message-parser.h"
#include "imap-quote.h"
#include "imap-envelope.h"

#include <strings.h>

/* Repeated address fields are joined up to about this size. */
#define IMAP_ENVELOPE_MAX_JOINED (64 * 1024)

static const char *const imap_envelope_names[IMAP_ENVELOPE_FIELD_COUNT] = {
	[IMAP_ENVELOPE_DATE] = "Date",
	[IMAP_ENVELOPE_SUBJECT] = "Subject",
	[IMAP_ENVELOPE_FROM] = "From",
	[IMAP_ENVELOPE_SENDER] = "Sender",
	[IMAP_ENVELOPE_REPLY_TO] = "Reply-To",
	[IMAP_ENVELOPE_TO] = "To",
	[IMAP_ENVELOPE_CC] = "Cc",
	[IMAP_ENVELOPE_BCC] = "Bcc",
	[IMAP_ENVELOPE_IN_REPLY_TO] = "In-Reply-To",
	[IMAP_ENVELOPE_MESSAGE_ID] = "Message-ID",
};

static bool imap_envelope_is_address(unsigned int field)
{
	return field >= IMAP_ENVELOPE_FROM && field <= IMAP_ENVELOPE_BCC;
}

void imap_envelope_add_header(struct imap_envelope *env, pool_t pool,
			      const struct message_header_line *hdr)
{
	unsigned int i;

	for (i = 0; i < IMAP_ENVELOPE_FIELD_COUNT; i++) {
		if (strcasecmp(hdr->name, imap_envelope_names[i]) != 0)
			continue;
		if (env->values[i] == NULL) {
			env->values[i] = p_strdup(pool, hdr->value);
		} else if (imap_envelope_is_address(i) &&
			   strlen(env->values[i]) < IMAP_ENVELOPE_MAX_JOINED) {
			/* every From (To, ...) field counts, as in Dovecot */
			env->values[i] = p_strconcat(pool, env->values[i],
						     ", ", hdr->value, NULL);
		}
		return;
	}
}

static void imap_envelope_write_addresses(string_t *dest, const char *value)
{
	const struct message_address *addr;
	pool_t pool;

	if (value == NULL) {
		str_append(dest, "NIL");
		return;
	}
	pool = pool_alloconly_create("envelope addresses", 1024);
	addr = message_address_parse(pool, (const unsigned char *)value,
				     strlen(value),
				     IMAP_ENVELOPE_MAX_ADDRESSES);
	if (addr == NULL) {
		str_append(dest, "NIL");
		pool_unref(&pool);
		return;
	}
	str_append_c(dest, '(');
	for (; addr != NULL; addr = addr->next) {
		str_append_c(dest, '(');
		imap_append_nstring(dest, addr->name);
		str_append_c(dest, ' ');
		imap_append_nstring(dest, addr->route);
		str_append_c(dest, ' ');
		imap_append_nstring(dest, addr->mailbox);
		str_append_c(dest, ' ');
		imap_append_nstring(dest, addr->domain);
		str_append_c(dest, ')');
	}
	str_append_c(dest, ')');
	pool_unref(&pool);
}

void imap_envelope_write(const struct imap_envelope *env, string_t *dest)
{
	const char *value;
	unsigned int i;

	str_append_c(dest, '(');
	for (i = 0; i < IMAP_ENVELOPE_FIELD_COUNT; i++) {
		value = env->values[i];
		if (i > 0)
			str_append_c(dest, ' ');
		switch (i) {
		case IMAP_ENVELOPE_SENDER:
		case IMAP_ENVELOPE_REPLY_TO:
			if (value == NULL)
				value = env->values[IMAP_ENVELOPE_FROM];
			/* fall through */
		case IMAP_ENVELOPE_FROM:
		case IMAP_ENVELOPE_TO:
		case IMAP_ENVELOPE_CC:
		case IMAP_ENVELOPE_BCC:
			imap_envelope_write_addresses(dest, value);
			break;
		default:
			imap_append_nstring(dest, value);
			break;
		}
	}
	str_append_c(dest, ')');
}
