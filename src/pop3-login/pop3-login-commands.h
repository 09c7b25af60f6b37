/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef POP3_LOGIN_COMMANDS_H
#define POP3_LOGIN_COMMANDS_H

/* The POP3 commands of the AUTHORIZATION state. */

struct pop3_client;

/* Runs one command line (CRLF removed); it sends its own replies.
   Afterwards the client may be destroyed or busy authenticating. */
void pop3_login_commands_run(struct pop3_client *client, const char *line);

#endif
