/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef SUBMISSION_LOGIN_COMMANDS_H
#define SUBMISSION_LOGIN_COMMANDS_H

struct submission_client;

/* Runs one command line (without its line end). */
void submission_login_commands_run(struct submission_client *client,
				   const char *line);

#endif
