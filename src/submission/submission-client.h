/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef SUBMISSION_CLIENT_H
#define SUBMISSION_CLIENT_H

/* One authenticated submission connection (RFC 6409): reads SMTP command
   lines and the message after DATA, and relays each transaction to
   submission_relay_host. A transaction has its own relay connection,
   opened at MAIL and closed after DATA, RSET or an error, so a relay
   that fails mid-way only fails that transaction (4.4.0) and the client
   keeps its message. Relaying blocks the worker, which serves this one
   client only. */

#include "mail-worker-client.h"

struct login_handoff;
struct mail_user;
struct smtp_client;
struct smtp_data_reader;
struct smtp_chunk_reader;
struct smtp_command_parser;
struct submission_settings;

struct client {
	/* First member: the shared part, with the streams. */
	struct mail_worker_client worker;
	const struct submission_settings *set;
	struct smtp_command_parser *parser;
	/* The running command's memory (its parsed arguments). */
	pool_t cmd_pool;

	/* The relay connection of the transaction after a MAIL the relay
	   accepted, else NULL. */
	struct smtp_client *relay;
	unsigned int rcpt_count;
	/* Reading the message after DATA while not NULL. */
	struct smtp_data_reader *data_reader;
	/* The BDAT chunks of the transaction (RFC 3030). */
	struct smtp_chunk_reader *chunk_reader;
	/* The message so far (DATA or BDAT chunks). */
	buffer_t *data;
	/* A BDAT chunk is being read; the reply for a refused one. */
	const char *chunk_refusal;
	bool chunk_pending, chunk_last;
	bool bdat_started;

	unsigned int messages_count;
	unsigned int bad_counter;
	bool quit;
};

/* The worker's client_start (see mail-worker.h): says "235" and starts
   reading commands. set: struct submission_settings. */
struct mail_worker_client *
submission_client_start(int fd, const void *set, struct mail_user *user,
			const struct login_handoff *handoff);

/* Sends one reply: "code enhanced_code text" (enhanced_code may be
   NULL). */
void submission_client_reply(struct client *client, unsigned int code,
			     const char *enhanced_code, const char *text);
/* Sends a reply as received from the relay (lines with CRLFs). */
void submission_client_send_raw(struct client *client, const char *text);
/* Starts reading the message after a "354". */
void submission_client_data_begin(struct client *client);
/* Starts reading a BDAT chunk of size bytes; refusal (a static "503"
   text) drops it and is the reply, else it is added to the message. */
void submission_client_bdat_begin(struct client *client, uoff_t size,
				  bool last, const char *refusal);
/* Ends the transaction: closes the relay connection (QUIT) and drops
   the message read so far. */
void submission_client_reset(struct client *client);
/* The host name for replies and the relay's EHLO. */
const char *submission_client_hostname(void);

#endif
