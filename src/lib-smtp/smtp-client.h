/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef SMTP_CLIENT_H
#define SMTP_CLIENT_H

/* A small blocking SMTP client (RFC 5321) for relaying: connect, send a
   command line, read its reply, send a message as DATA with dot-stuffing,
   with TLS (STARTTLS or SMTPS) and AUTH PLAIN when asked.
   Connecting is bounded by one timeout, each read and write after it by
   another, and a
   reply by SMTP_CLIENT_MAX_REPLY_LINES lines of SMTP_CLIENT_MAX_LINE_LENGTH
   bytes, so a misbehaving server can neither hang nor flood the caller. */

#include "net.h"

#define SMTP_CLIENT_MAX_LINE_LENGTH 2048
#define SMTP_CLIENT_MAX_REPLY_LINES 64

struct smtp_client;

struct smtp_client_reply {
	/* 200..599 */
	unsigned int code;
	/* The reply's lines with their codes and CRLFs, as received (control
	   characters replaced with spaces), ready to be passed on. */
	const char *text;
};

/* Connects to host (a name or an IP) and port within connect_secs;
   later reads and writes may take command_secs each. Returns 0, or -1
   with error_r. */
int smtp_client_connect(const char *host, in_port_t port,
			unsigned int connect_secs, unsigned int command_secs,
			struct smtp_client **client_r, const char **error_r);
/* Uses an already connected socket (takes ownership of fd). */
struct smtp_client *smtp_client_create_fd(int fd);
void smtp_client_destroy(struct smtp_client **client);

/* Reads one (possibly multi-line) reply; the text is allocated from the
   data stack. Returns 0, or -1 with error_r on a timeout, a disconnect or
   a malformed reply; the connection is unusable after -1. */
int smtp_client_read_reply(struct smtp_client *client,
			   struct smtp_client_reply *reply_r,
			   const char **error_r);
/* Sends line plus CRLF and reads the reply. Same returns. */
int smtp_client_command(struct smtp_client *client, const char *line,
			struct smtp_client_reply *reply_r,
			const char **error_r);
/* Sends an unstuffed message after a 354: bare LFs become CRLF, lines
   starting with "." get another, and the final "." line is added; then
   reads the reply. Same returns. */
int smtp_client_send_data(struct smtp_client *client,
			  const unsigned char *data, size_t size,
			  struct smtp_client_reply *reply_r,
			  const char **error_r);

/* Starts TLS on the connection: after the server's 220 to STARTTLS
   (RFC 3207), or at once after connecting for SMTPS (RFC 8314). With
   verify the server's certificate must chain to the system's CAs or to
   one in ca_file (a PEM path, may be "") and name host (a host name or an
   IP address). Refuses a server that sent anything past the 220. Returns
   0, or -1 with error_r; the connection is unusable after -1. */
int smtp_client_start_tls(struct smtp_client *client, const char *host,
			  const char *ca_file, bool verify,
			  const char **error_r);
/* AUTH PLAIN (RFC 4954, RFC 4616) with the initial response; the reply
   (235 on success) is returned as smtp_client_command() does. The
   credentials are wiped from the buffers used. */
int smtp_client_auth_plain(struct smtp_client *client, const char *user,
			   const char *password,
			   struct smtp_client_reply *reply_r,
			   const char **error_r);

/* Parses one reply line: its code, whether it is the last line of the
   reply (a space after the code, or nothing), and checks that it is
   "DDD", "DDD text" or "DDD-text" with a code of 200..599. Returns 0 or
   -1. */
int smtp_client_parse_reply_line(const char *line, unsigned int *code_r,
				 bool *last_r);

#endif
