/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef IMAP_BODYSTRUCTURE_H
#define IMAP_BODYSTRUCTURE_H

/* BODY and BODYSTRUCTURE (RFC 3501 7.4.2). While a message is parsed,
   imap_bodystructure_parse_block() keeps in each part's context the
   header fields these need (and the envelope of every message/rfc822
   part's message); imap_bodystructure_write() then writes the
   parenthesized structure from the part tree. */

#include "str.h"

struct message_block;
struct message_part;
struct imap_envelope;

/* Collects from one parser block; call it for every block in order.
   Part data is allocated from pool (the part tree's pool). */
void imap_bodystructure_parse_block(pool_t pool,
				    const struct message_block *block);
/* The envelope collected for a message-level part: the root or the
   child of a message/rfc822 part (all NIL if it had no header). */
const struct imap_envelope *
imap_bodystructure_get_envelope(const struct message_part *part);
/* Appends BODYSTRUCTURE (extended) or BODY (not extended) of part. */
void imap_bodystructure_write(const struct message_part *part,
			      string_t *dest, bool extended);

#endif
