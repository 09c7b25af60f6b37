/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef LMTP_LOCAL_H
#define LMTP_LOCAL_H

/* Delivery of a received message into the recipients' mailboxes. */

struct client;
struct smtp_spool;

/* Delivers the spooled message to every recipient of the client's
   transaction in RCPT order, sending one reply per recipient: 250 only
   after the storage has fsynced the message and moved it into place,
   451 on any failure (logged with the user and mailbox). */
void lmtp_local_deliver_all(struct client *client, struct smtp_spool *spool);

#endif
