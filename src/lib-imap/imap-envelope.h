/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef IMAP_ENVELOPE_H
#define IMAP_ENVELOPE_H

/* ENVELOPE (RFC 3501 7.4.2): collected from a message's header fields,
   written as the parenthesized list FETCH returns. Strings are the raw
   header values (encoded-words are not decoded), written quoted or as
   literals; addresses are parsed into (name adl mailbox host) lists. */

#include "str.h"

struct message_header_line;

/* Addresses in one address field beyond this are left out. */
#define IMAP_ENVELOPE_MAX_ADDRESSES 1000

enum imap_envelope_field {
	IMAP_ENVELOPE_DATE,
	IMAP_ENVELOPE_SUBJECT,
	IMAP_ENVELOPE_FROM,
	IMAP_ENVELOPE_SENDER,
	IMAP_ENVELOPE_REPLY_TO,
	IMAP_ENVELOPE_TO,
	IMAP_ENVELOPE_CC,
	IMAP_ENVELOPE_BCC,
	IMAP_ENVELOPE_IN_REPLY_TO,
	IMAP_ENVELOPE_MESSAGE_ID,

	IMAP_ENVELOPE_FIELD_COUNT
};

struct imap_envelope {
	/* The first value of each field, NULL if missing. */
	const char *values[IMAP_ENVELOPE_FIELD_COUNT];
};

/* Takes hdr into env if it is an envelope field: the first Date,
   Subject, In-Reply-To and Message-ID count, and the addresses of every
   From, Sender, Reply-To, To, Cc and Bcc field. Values are copied to
   pool. */
void imap_envelope_add_header(struct imap_envelope *env, pool_t pool,
			      const struct message_header_line *hdr);
/* Appends the envelope list "(date subject from ...)". Sender and
   Reply-To default to From (RFC 3501 7.4.2). */
void imap_envelope_write(const struct imap_envelope *env, string_t *dest);

#endif
