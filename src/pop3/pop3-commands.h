/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef POP3_COMMANDS_H
#define POP3_COMMANDS_H

/* The TRANSACTION state commands (RFC 1939 5, RFC 2449 5). */

struct client;

/* Runs one command line's command name with its arguments (the rest of
   the line after the first space, "" if none). Returns 0 if it
   succeeded, -1 if the client got an -ERR (counted as a bad command). */
int client_command_execute(struct client *client, const char *name,
			   const char *args);
#endif
