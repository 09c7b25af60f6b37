/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef IMAP_KEYWORDS_H
#define IMAP_KEYWORDS_H

/* A mailbox's keywords as the client sees them: FETCH FLAGS of a
   message, the FLAGS and PERMANENTFLAGS lists (RFC 3501 7.2.6, 7.1), and
   the untagged update when the list grows. */

#include "array.h"
#include "str.h"

struct client;
struct mailbox;

/* Appends the flags of message seq of box: "(\Seen $Label1)". */
void imap_keywords_write_record(string_t *dest, struct mailbox *box,
				uint32_t seq);
/* Appends the FLAGS list of box (system flags and keywords); with
   permanent (PERMANENTFLAGS) also "\*" while box has room for more
   keywords. */
void imap_keywords_write_mailbox(string_t *dest, struct mailbox *box,
				 bool permanent);
/* Sends "* FLAGS (...)" and "* OK [PERMANENTFLAGS (...)]" for the
   selected mailbox if its keyword list changed since the client was last
   told, or always if force is true (SELECT). */
void imap_keywords_send(struct client *client, bool force);
/* Maps names to box's keyword mask, adding new ones. Returns 1 with
   keywords_r, 0 with error_r (a reply for the client: the mailbox has no
   room for more keywords), -1 with error_r (a storage error to log). */
int imap_keywords_lookup(struct mailbox *box,
			 const ARRAY_TYPE(const_string) *names,
			 uint32_t *keywords_r, const char **error_r);

#endif
