/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef LMTP_CLIENT_H
#define LMTP_CLIENT_H

/* One LMTP connection (RFC 2033): reading pipelined commands, sending
   replies in order, the DATA and BDAT (RFC 3030) phases and the
   transaction state. */

#include "array.h"
#include "auth-master.h"

struct master_service_connection;
struct mail_storage_settings;
struct lmtp_settings;
struct smtp_address;

struct lmtp_recipient {
	/* The address as given in RCPT TO (detail included), encoded with
	   smtp_address_encode(). */
	const char *address_str;
	/* recipient_delimiter detail ("box" of "user+box"), or "" */
	const char *detail;
	/* userdb reply (username, uid, gid, home, mail) */
	struct auth_user_reply user;
};

/* The envelope of the current transaction, all from its pool. */
struct lmtp_transaction {
	pool_t pool;
	struct smtp_address *mail_from;
	ARRAY(struct lmtp_recipient *) rcpts;
	/* MAIL had SMTPUTF8: UTF-8 recipient addresses are accepted. */
	bool smtputf8;
	/* A BDAT chunk was accepted: DATA is no longer allowed. */
	bool bdat_started;
};

struct client {
	struct client *prev, *next;
	const struct lmtp_settings *set;
	const struct mail_storage_settings *mail_set;
	const char *hostname;
	/* base_dir/auth-master */
	const char *auth_socket_path;
	/* Random ID shown in replies and logs (from the heap). */
	char *session_id;
	/* "127.0.0.1" or "unix" (from the heap) */
	char *remote;
	bool unix_socket;
	/* The name the client gave in LHLO (for Received:), or NULL */
	char *lhlo_domain;

	int fd;
	struct istream *input;
	struct ostream *output;
	struct io *io;
	/* Disconnects the client after lmtp_client_idle_timeout without
	   input; last_input is when input last came. */
	struct timeout *to_idle;
	time_t last_input;
	/* Resumes reading after output backpressure. */
	struct timeout *to_resume;
	struct smtp_command_parser *parser;

	/* NULL until MAIL */
	struct lmtp_transaction *trans;
	/* Set while the DATA phase reads the message. */
	struct smtp_data_reader *data_reader;
	/* Set from the first BDAT until the transaction ends. */
	struct smtp_chunk_reader *chunk_reader;
	struct smtp_spool *spool;
	buffer_t *data_buf;
	/* Spooling failed: the reason, kept to log once DATA ends. */
	char *spool_error;
	/* Invalid or unknown commands in a row. */
	unsigned int bad_commands;

	bool quit:1;
	bool destroyed:1;
	/* A BDAT chunk is being read (and dropped, with chunk_discard). */
	bool chunk_reading:1;
	bool chunk_discard:1;
	bool chunk_last:1;
};

/* Takes over conn->fd and sends the greeting. */
struct client *client_create(const struct master_service_connection *conn,
			     const struct lmtp_settings *set,
			     const struct mail_storage_settings *mail_set,
			     const char *hostname,
			     const char *auth_socket_path);
/* Logs reason (if not NULL) and frees the client. */
void client_destroy(struct client *client, const char *reason);
/* Destroys every client (at shutdown). */
void clients_destroy_all(void);

/* Appends one reply line ("250 2.1.0 OK", without CRLF). */
void client_send_line(struct client *client, const char *fmt, ...)
	ATTR_FORMAT(2, 3);
/* Appends a multi-line reply, one line per element of the NULL-terminated
   lines (see smtp-reply.h). */
void client_send_reply_lines(struct client *client, unsigned int code,
			     const char *const *lines);

/* Starts a transaction for MAIL (the caller fills mail_from). */
struct lmtp_transaction *client_transaction_begin(struct client *client);
/* Forgets the envelope and any message data spooled for it (RSET, LHLO,
   end of DATA). */
void client_transaction_reset(struct client *client);

/* Switches to the DATA phase after the 354 reply. */
void client_data_begin(struct client *client);
/* Reads a BDAT chunk of size bytes next. With discard (the BDAT was
   rejected, its reply already sent) the bytes are read and dropped; else
   they are spooled, and after the LAST chunk every recipient gets its
   reply. */
void client_bdat_begin(struct client *client, uoff_t size, bool last,
		       bool discard);

#endif
