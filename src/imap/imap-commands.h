/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef IMAP_COMMANDS_H
#define IMAP_COMMANDS_H

/* The IMAP command table and the command handlers (one file per group:
   imap-cmd-basic.c, imap-select.c, imap-fetch.c, imap-store.c,
   imap-expunge.c). A handler checks its arguments, sets the tagged reply
   with client_cmd_reply()/client_cmd_bad() and returns true, or sets
   cmd->func and returns false to continue when the output has drained. */

#include "imap-client.h"

enum imap_command_flags {
	/* Needs a selected mailbox. */
	IMAP_CMD_FLAG_SELECTED = 0x01,
	/* May be prefixed with UID. */
	IMAP_CMD_FLAG_UID = 0x02,
	/* RFC 3501 7.4.1: no EXPUNGE replies while answering FETCH, STORE
	   or SEARCH, so there is no sync after them (unless UID ...). */
	IMAP_CMD_FLAG_NO_EXPUNGES = 0x04,
};

struct imap_command {
	const char *name;
	client_command_func_t *func;
	enum imap_command_flags flags;
};

/* Finds a command by its upper-case name; NULL if unknown. */
const struct imap_command *imap_command_find(const char *name);
/* Runs a parsed command line. args are valid until the command ends. */
void client_command_run(struct client *client, const char *tag,
			const char *name, bool uid,
			const struct imap_arg *args);

bool cmd_capability(struct client_command_context *cmd);
bool cmd_compress(struct client_command_context *cmd);
bool cmd_cancelupdate(struct client_command_context *cmd);
bool cmd_noop(struct client_command_context *cmd);
bool cmd_logout(struct client_command_context *cmd);
bool cmd_check(struct client_command_context *cmd);
bool cmd_select(struct client_command_context *cmd);
bool cmd_examine(struct client_command_context *cmd);
bool cmd_close(struct client_command_context *cmd);
bool cmd_expunge(struct client_command_context *cmd);
bool cmd_fetch(struct client_command_context *cmd);
bool cmd_store(struct client_command_context *cmd);
bool cmd_search(struct client_command_context *cmd);
bool cmd_sort(struct client_command_context *cmd);
bool cmd_thread(struct client_command_context *cmd);
bool cmd_id(struct client_command_context *cmd);
bool cmd_enable(struct client_command_context *cmd);
bool cmd_idle(struct client_command_context *cmd);
bool cmd_unselect(struct client_command_context *cmd);
bool cmd_append(struct client_command_context *cmd);
bool cmd_copy(struct client_command_context *cmd);
bool cmd_move(struct client_command_context *cmd);
bool cmd_create(struct client_command_context *cmd);
bool cmd_delete(struct client_command_context *cmd);
bool cmd_rename(struct client_command_context *cmd);
bool cmd_subscribe(struct client_command_context *cmd);
bool cmd_unsubscribe(struct client_command_context *cmd);
bool cmd_list(struct client_command_context *cmd);
bool cmd_lsub(struct client_command_context *cmd);
bool cmd_namespace(struct client_command_context *cmd);
bool cmd_status(struct client_command_context *cmd);
bool cmd_notify(struct client_command_context *cmd);

#endif
