/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef IMAP_SYNC_H
#define IMAP_SYNC_H

/* Bringing the selected mailbox up to date after a command and telling
   the client what changed: EXPUNGE, EXISTS, RECENT, FETCH (FLAGS). */

struct client;
struct client_command_context;

/* Syncs after cmd, unless cmd forbids EXPUNGE replies (non-UID FETCH
   and STORE). Failures are logged. */
void imap_sync_command(struct client_command_context *cmd);
/* Syncs the selected mailbox and sends what changed (IDLE). Failures are
   logged. */
void imap_sync_mailbox(struct client *client);
/* EXPUNGE command: removes the \Deleted messages and sends an EXPUNGE
   reply for each. Returns 0, or -1 with error_r. */
int imap_sync_expunge_deleted(struct client *client, const char **error_r);
/* UID EXPUNGE and MOVE: removes the messages whose marked[seq - 1] is
   true (one entry per message) and sends an EXPUNGE reply for each.
   Returns 0, or -1 with error_r. */
int imap_sync_expunge_marked(struct client *client, const bool *marked,
			     const char **error_r);
/* Sends EXISTS if the message count grew and RECENT if it changed since
   the client was last told; always both if force is true (SELECT). */
void imap_sync_send_counts(struct client *client, bool force);

#endif
