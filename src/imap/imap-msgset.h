/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef IMAP_MSGSET_H
#define IMAP_MSGSET_H

/* Turning a command's sequence set into sequence numbers of the
   selected mailbox. */

#include "imap-seqset.h"

struct client;

/* Parses str as sequence numbers, or as UIDs if uid is true, into the
   sorted sequence ranges seqs_r (created by the caller) of the client's
   selected mailbox. Sequence numbers outside 1..count are an error,
   except that a set with "*" is empty in an empty mailbox; UIDs that do
   not exist are left out, so the result may be empty. "$" is the saved
   search result (SEARCHRES), without the messages expunged since.
   Returns 0, or -1 with error_r. */
int imap_msgset_parse(struct client *client, bool uid, const char *str,
		      ARRAY_TYPE(seq_range) *seqs_r, const char **error_r);

#endif
