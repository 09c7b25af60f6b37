/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef MAIL_WORKER_CLIENT_H
#define MAIL_WORKER_CLIENT_H

/* The connection part that the post-login workers' clients (imap, pop3)
   share: the logged-in user, the socket and its streams, the input loop
   (output corked per batch of commands, a temporary frame per command),
   the inactivity timeout, pausing input while a command continues from the
   output stream's flush callback, and the disconnect. Each protocol's
   client embeds struct mail_worker_client as its first member and fills
   in a struct mail_worker_client_def with its own parts. */

#include "net.h"

struct mail_user;
struct mail_worker_client;

struct mail_worker_client_def {
	/* Start of the last reply before disconnecting: "* BYE", "-ERR";
	   the reply is "<bye_prefix> <reason>." */
	const char *bye_prefix;
	/* Optional: the last reply for reason when the protocol words it
	   otherwise (SMTP's "421 4.4.2 <hostname> <reason>"). */
	const char *(*get_bye_line)(struct mail_worker_client *client,
				    const char *reason);
	/* Goodbye and log reason for a too long input line. */
	const char *line_too_long;

	/* Reads and runs one command. Returns false when more input is
	   needed. */
	bool (*read_command)(struct mail_worker_client *client);
	/* Continues the command that called mail_worker_client_continue().
	   Returns true when it has finished. */
	bool (*output_more)(struct mail_worker_client *client);
	/* Optional: statistics appended to the "Disconnected" log line. */
	const char *(*get_log_stats)(struct mail_worker_client *client);
	/* Frees the protocol's client. */
	void (*destroy)(struct mail_worker_client *client);
};

struct mail_worker_client {
	const struct mail_worker_client_def *def;
	struct mail_user *user;
	int fd;
	struct io *io;
	struct istream *input;
	struct ostream *output;
	/* The client's address, for the log. */
	struct ip_addr remote_ip;
	/* Disconnects a client that sends nothing for idle_timeout_secs
	   (output that a command is still sending restarts it too); NULL
	   while paused. */
	struct timeout *to_idle;
	unsigned int idle_timeout_secs;
	time_t last_input;
	/* A command continues from the output callback: input is not read
	   meanwhile. */
	bool output_continues;
	bool disconnected;
};

/* Takes ownership of fd and user (of a client at remote_ip); input lines
   are at most max_line_length. A client that sends nothing for
   idle_timeout_secs is told "Disconnected for inactivity" and
   disconnected. */
void mail_worker_client_init(struct mail_worker_client *client,
			     const struct mail_worker_client_def *def,
			     int fd, struct mail_user *user,
			     const struct ip_addr *remote_ip,
			     size_t max_line_length,
			     unsigned int idle_timeout_secs);
/* Deinits the user and closes the connection; the caller frees the
   client afterwards. */
void mail_worker_client_deinit(struct mail_worker_client *client);

/* Continues the connection on fd (a filter's end, e.g. COMPRESS): the
   old fd is closed and its streams destroyed, pending output and
   buffered input dropped (take them first). */
void mail_worker_client_replace_fd(struct mail_worker_client *client,
				   int fd);

/* Starts reading input and runs the commands already buffered. */
void mail_worker_client_start_input(struct mail_worker_client *client);
/* Stops reading input until def->output_more() says the command has
   finished. */
void mail_worker_client_continue(struct mail_worker_client *client);
/* Stops the inactivity timeout while the client may stay silent for as
   long as it likes (IMAP IDLE, whose keep-alives notice a dead
   connection); resume starts it afresh. Resuming a disconnected client
   does nothing. */
void mail_worker_client_idle_timeout_pause(struct mail_worker_client *client);
void mail_worker_client_idle_timeout_resume(struct mail_worker_client *client);
/* Flushes corked output; a failed write disconnects the client. */
void mail_worker_client_uncork(struct mail_worker_client *client);

/* Sends one line; CRLF is appended. */
void mail_worker_client_send_line(struct mail_worker_client *client,
				  const char *line);
/* Logs reason, stops reading, and ends the process's service loop. Safe
   to call more than once. */
void mail_worker_client_disconnect(struct mail_worker_client *client,
				   const char *reason);
/* Sends the protocol's last reply for reason ("<bye_prefix> <reason>."
   or def->get_bye_line()) without disconnecting. */
void mail_worker_client_send_bye(struct mail_worker_client *client,
				 const char *reason);
/* Sends the last reply for reason and disconnects with reason. */
void mail_worker_client_bye(struct mail_worker_client *client,
			    const char *reason);

#endif
