/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef IMAP_CATENATE_H
#define IMAP_CATENATE_H

/* CATENATE (RFC 4469): APPEND of a message built from TEXT literals and
   URLs of parts of messages in the user's own mailboxes. */

#include "str.h"

struct client;
struct imap_arg;

/* Appends the message that the catenate list (TEXT literal / URL string
   pairs, ending with EOL) makes to dest. The data of URLs is in CRLF
   form; the message is bounded by max_size. Returns 0; -1 with the NO
   reply's text in error_r ("[BADURL url] ..." for a URL that does not
   resolve, "[TOOBIG] ..."); -2 with the BAD reply's text for bad
   syntax. dest must not be on the data stack: each URL is resolved in
   a frame of its own. */
int imap_catenate_build(struct client *client, const struct imap_arg *list,
			uoff_t max_size, string_t *dest,
			const char **error_r);

#endif
