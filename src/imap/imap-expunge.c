/* Copyright (c) Cove authors. See AUTHORS. */

/* EXPUNGE (RFC 3501 6.4.3). */

#include "lib.h"
#include "mail-storage.h"
#include "imap-sync.h"
#include "imap-commands.h"

bool cmd_expunge(struct client_command_context *cmd)
{
	struct client *client = cmd->client;
	const char *error;

	if (!imap_arg_is_eol(cmd->args)) {
		client_cmd_bad(cmd, "Unexpected arguments.");
		return true;
	}
	if (mailbox_is_readonly(client->mailbox)) {
		client_cmd_reply(cmd, "NO Mailbox is read-only.");
		return true;
	}
	if (imap_sync_expunge_deleted(client, &error) < 0)
		client_cmd_storage_error(cmd, error);
	else
		client_cmd_reply(cmd, "OK Expunge completed.");
	return true;
}
