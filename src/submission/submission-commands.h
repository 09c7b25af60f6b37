/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef SUBMISSION_COMMANDS_H
#define SUBMISSION_COMMANDS_H

struct client;

/* Runs one command (name upper-cased). Returns 0, or -1 for a bad
   command (counts toward the limit). */
int submission_command_execute(struct client *client, const char *name,
			       const char *args);
/* The message after DATA has been read into client->data (too_big: over
   submission_max_mail_size): relays it and replies. */
void submission_command_data_finish(struct client *client, bool too_big);

#endif
