/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef POP3_CLIENT_H
#define POP3_CLIENT_H

/* One logged-in POP3 connection in the TRANSACTION state (RFC 1939 5):
   reads command lines, runs one command at a time, writes the replies.
   The mailbox view is fixed at login; RETR/TOP data is streamed from the
   output stream's flush callback while input reading pauses. QUIT enters
   the UPDATE state: only then are the messages marked by DELE expunged. */

#include "pop3-mail-send.h"
#include "mail-worker-client.h"

struct login_handoff;
struct mail_user;
struct mailbox;
struct mailbox_session_lock;
struct pop3_settings;

struct client {
	/* First member: the shared part, with the streams. */
	struct mail_worker_client worker;
	struct timeout *to_lock_refresh;
	const struct pop3_settings *set;
	/* Input the login process read after the login command; lines are
	   taken from here before any from input. NULL when used up. */
	buffer_t *prefix;

	struct mailbox *mailbox;
	struct mailbox_session_lock *lock;
	uint32_t uidvalidity;
	/* The view at login: messages 1..count, never synced again. */
	uint32_t messages_count;
	/* Per message (index = number - 1): CRLF size, DELE mark, RETR
	   done (for \Seen at the end). */
	uoff_t *sizes;
	bool *deleted;
	bool *seen_pending;
	uint32_t deleted_count;
	uoff_t total_size, deleted_size;

	/* RETR/TOP in progress (input is not read meanwhile) while
	   send.input is not NULL. */
	struct pop3_mail_send send;

	/* For the log line at the end. */
	unsigned int retr_count, top_count;
	unsigned int bad_counter;
	bool quit;
};

/* The worker's client_start (see mail-worker.h): takes ownership of fd
   and user, opens INBOX (locking it with pop3_lock_session), says
   "+OK Logged in." and starts reading commands, first the pipelined
   input after the login command (handoff->input); on failure tells the
   client why and disconnects. set: struct pop3_settings. */
struct mail_worker_client *
client_start(int fd, const void *set, struct mail_user *user,
	     const struct login_handoff *handoff);
/* See mail_worker_client_disconnect(). */
void client_disconnect(struct client *client, const char *reason);

/* RETR sets \Seen as one batch, when the session ends: sets it on the
   retrieved messages that are not marked deleted. Called once. */
void client_update_seen(struct client *client);

/* Sends one line; CRLF is appended. */
void client_send_line(struct client *client, const char *line);
/* Logs error and sends "-ERR [SYS/TEMP] ..." without the details. */
void client_send_storage_error(struct client *client, const char *error);
/* Starts sending a message (RETR, TOP) that continues from the output
   callback when it does not fit in the output buffer at once. */
void client_send_mail(struct client *client, struct istream *input,
		      bool top, uoff_t top_lines);

#endif
