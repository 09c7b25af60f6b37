/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef IMAP_LOGIN_CLIENT_H
#define IMAP_LOGIN_CLIENT_H

/* The IMAP pre-login client: struct client (src/login) plus the command
   parser. Commands are in imap-login-commands.c. */

#include "client-common.h"

struct imap_client {
	struct client common;
	struct imap_parser *parser;
	/* Name of the command being read, after the tag (common.cmd_tag). */
	char *cmd_name;
	/* Input offset where the command being read began. */
	uoff_t cmd_start_offset;
};

extern const struct imap_login_settings *imap_login_set;
extern const struct client_vfuncs imap_client_vfuncs;

/* Sends line plus CRLF. */
void imap_client_send_line(struct imap_client *client, const char *line);
/* Sends "<tag> text" plus CRLF for the current command. */
void imap_client_send_tagline(struct imap_client *client, const char *text);
/* Tagged BAD reply that counts toward the bad-command limit (which may
   destroy the client). */
void imap_client_send_bad(struct imap_client *client, const char *text);
/* The capability list for this connection (temporary frame). */
const char *imap_client_get_capability(struct imap_client *client);
/* Forgets the current command: ready for the next one. */
void imap_client_command_finish(struct imap_client *client);

#endif
