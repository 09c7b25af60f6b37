/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef IMAP_LOGIN_COMMANDS_H
#define IMAP_LOGIN_COMMANDS_H

/* The IMAP commands of the not-authenticated state (RFC 3501 6.1, 6.2). */

struct imap_client;
struct imap_arg;

/* Runs a complete command (name as the client sent it, args ending with
   IMAP_ARG_EOL); it sends its own replies. Afterwards the client may be
   destroyed or busy authenticating. */
void imap_login_commands_run(struct imap_client *client, const char *name,
			     const struct imap_arg *args);

#endif
