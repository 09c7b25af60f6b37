/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef LMTP_COMMANDS_H
#define LMTP_COMMANDS_H

/* The LMTP command set (RFC 2033, RFC 5321 4.1.1). */

struct client;
struct smtp_command;

/* Runs one parsed command; it appends its reply to the client's output.
   Returns false if the command is unknown (after replying 500). */
bool lmtp_command_execute(struct client *client,
			  const struct smtp_command *cmd);

#endif
