/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef IMAP_STATUS_H
#define IMAP_STATUS_H

/* STATUS (RFC 3501 6.3.10), shared with LIST-STATUS (RFC 5819). */

#include "imap-client.h"

struct mailbox_status;

enum imap_status_items {
	IMAP_STATUS_MESSAGES	= 0x01,
	IMAP_STATUS_RECENT	= 0x02,
	IMAP_STATUS_UIDNEXT	= 0x04,
	IMAP_STATUS_UIDVALIDITY	= 0x08,
	IMAP_STATUS_UNSEEN	= 0x10,
	/* RFC 7162 3.1.9: 0 for a mailbox without mod-sequences */
	IMAP_STATUS_HIGHESTMODSEQ = 0x20,
};

/* Parses the list of status items. Returns false with error_r (for a BAD
   reply) on an unknown item or an empty list. */
bool imap_status_parse_items(const struct imap_arg *list,
			     enum imap_status_items *items_r,
			     const char **error_r);
/* Sends "* STATUS name (...)" for vname. The selected mailbox answers
   from the session's view, so that the counts agree with what the
   client was told. Returns 1 sent, 0 the mailbox does not exist, -1
   error. */
int imap_status_send(struct client *client, const char *vname,
		     enum imap_status_items items, const char **error_r);
/* Sends "* STATUS name (...)" with the items of status. */
void imap_status_send_values(struct client *client, const char *vname,
			     const struct mailbox_status *status,
			     enum imap_status_items items);

#endif
