/* Copyright (c) Cove authors. See AUTHORS. */

/* The command table and running one command: lookup, state checks, and
   handing a command that continues over to the output callback. */

#include "lib.h"
#include "imap-commands.h"

static const struct imap_command imap_commands[] = {
	{ "APPEND", cmd_append, 0 },
	{ "CANCELUPDATE", cmd_cancelupdate, IMAP_CMD_FLAG_SELECTED },
	{ "CAPABILITY", cmd_capability, 0 },
	{ "CHECK", cmd_check, IMAP_CMD_FLAG_SELECTED },
	{ "CLOSE", cmd_close, IMAP_CMD_FLAG_SELECTED },
	{ "COMPRESS", cmd_compress, 0 },
	{ "COPY", cmd_copy, IMAP_CMD_FLAG_SELECTED | IMAP_CMD_FLAG_UID },
	{ "CREATE", cmd_create, 0 },
	{ "DELETE", cmd_delete, 0 },
	{ "ENABLE", cmd_enable, 0 },
	{ "EXAMINE", cmd_examine, 0 },
	{ "EXPUNGE", cmd_expunge, IMAP_CMD_FLAG_SELECTED | IMAP_CMD_FLAG_UID },
	{ "FETCH", cmd_fetch, IMAP_CMD_FLAG_SELECTED | IMAP_CMD_FLAG_UID |
		IMAP_CMD_FLAG_NO_EXPUNGES },
	{ "ID", cmd_id, 0 },
	{ "IDLE", cmd_idle, 0 },
	{ "LIST", cmd_list, 0 },
	{ "LOGOUT", cmd_logout, 0 },
	{ "LSUB", cmd_lsub, 0 },
	{ "MOVE", cmd_move, IMAP_CMD_FLAG_SELECTED | IMAP_CMD_FLAG_UID },
	{ "NAMESPACE", cmd_namespace, 0 },
	{ "NOOP", cmd_noop, 0 },
	{ "NOTIFY", cmd_notify, 0 },
	{ "RENAME", cmd_rename, 0 },
	{ "SEARCH", cmd_search, IMAP_CMD_FLAG_SELECTED | IMAP_CMD_FLAG_UID |
		IMAP_CMD_FLAG_NO_EXPUNGES },
	{ "SELECT", cmd_select, 0 },
	{ "SORT", cmd_sort, IMAP_CMD_FLAG_SELECTED | IMAP_CMD_FLAG_UID |
		IMAP_CMD_FLAG_NO_EXPUNGES },
	{ "STATUS", cmd_status, 0 },
	{ "STORE", cmd_store, IMAP_CMD_FLAG_SELECTED | IMAP_CMD_FLAG_UID |
		IMAP_CMD_FLAG_NO_EXPUNGES },
	{ "SUBSCRIBE", cmd_subscribe, 0 },
	{ "THREAD", cmd_thread, IMAP_CMD_FLAG_SELECTED | IMAP_CMD_FLAG_UID |
		IMAP_CMD_FLAG_NO_EXPUNGES },
	{ "UNSELECT", cmd_unselect, IMAP_CMD_FLAG_SELECTED },
	{ "UNSUBSCRIBE", cmd_unsubscribe, 0 },
};

const struct imap_command *imap_command_find(const char *name)
{
	unsigned int i;

	for (i = 0; i < N_ELEMENTS(imap_commands); i++) {
		if (strcmp(imap_commands[i].name, name) == 0)
			return &imap_commands[i];
	}
	return NULL;
}

/* Returns false (with a BAD reply set) if cmd cannot run now. */
static bool client_command_check(struct client_command_context *cmd)
{
	const struct imap_command *command = cmd->command;

	if (command == NULL ||
	    (cmd->uid && (command->flags & IMAP_CMD_FLAG_UID) == 0)) {
		client_cmd_bad(cmd, "Unknown command.");
		return false;
	}
	if ((command->flags & IMAP_CMD_FLAG_SELECTED) != 0 &&
	    cmd->client->state != CLIENT_STATE_SELECTED) {
		client_cmd_reply(cmd, "BAD No mailbox selected.");
		cmd->reply_bad = true;
		return false;
	}
	return true;
}

void client_command_run(struct client *client, const char *tag,
			const char *name, bool uid,
			const struct imap_arg *args)
{
	struct client_command_context *cmd;
	pool_t pool;

	pool = pool_alloconly_create("imap command", 1024);
	cmd = p_new(pool, struct client_command_context, 1);
	cmd->client = client;
	cmd->pool = pool;
	cmd->tag = p_strdup(pool, tag);
	cmd->name = p_strdup(pool, t_str_ucase(name));
	cmd->uid = uid;
	cmd->args = args;
	cmd->command = imap_command_find(cmd->name);

	if (!client_command_check(cmd) || cmd->command->func(cmd)) {
		client_command_finish(cmd);
		return;
	}
	client->cmd = cmd;
	/* a command reading input itself leaves input on */
	if (cmd->input != NULL)
		return;
	i_assert(cmd->func != NULL);
	mail_worker_client_continue(&client->worker);
}
