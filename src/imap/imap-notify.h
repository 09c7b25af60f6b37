/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef IMAP_NOTIFY_H
#define IMAP_NOTIFY_H

/* NOTIFY (RFC 5465): which mailboxes other than the selected one the
   client wants untagged STATUS replies for, and the watches that find
   their changes. Changes are sent at the end of each command and at once
   while the client is in IDLE. The selected mailbox keeps its usual
   EXISTS/EXPUNGE/FETCH replies (imap-sync.c). */

#include "imap-client.h"
#include "imap-notify-events.h"

/* At most this many mailboxes are watched: each one holds an inotify
   instance (the kernel's default per-user limit is 128). A NOTIFY SET
   that names more gets "* OK [NOTIFICATIONOVERFLOW]" and watches none
   (RFC 5465: as after NOTIFY NONE). */
#define IMAP_NOTIFY_MAX_MAILBOXES 100

/* Sends STATUS for the watched mailboxes that changed (not for the
   selected one). Called at command ends. */
void imap_notify_flush(struct client *client);
/* Stops watching and frees the client's NOTIFY state (NOTIFY NONE,
   logout). */
void imap_notify_deinit(struct client *client);

#endif
