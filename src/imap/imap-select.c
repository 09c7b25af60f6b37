/* Copyright (c) Cove authors. See AUTHORS. */

/* SELECT, EXAMINE (RFC 3501 6.3.1-2), with the CONDSTORE and QRESYNC
   parameters (RFC 7162 3.1.8, 3.2.5), and CLOSE (6.4.2). */

#include "lib.h"
#include "str.h"
#include "mail-storage.h"
#include "imap-keywords.h"
#include "imap-sync.h"
#include "imap-commands.h"
#include "imap-condstore.h"
#include "imap-cmd-mailbox.h"

static void cmd_select_send_status(struct client *client)
{
	struct mailbox_status status;

	imap_keywords_send(client, true);
	imap_sync_send_counts(client, true);
	mailbox_get_status(client->mailbox, &status);
	if (status.first_unseen_seq != 0) {
		client_send_line(client, t_strdup_printf(
			"* OK [UNSEEN %u] First unseen.",
			status.first_unseen_seq));
	}
	client_send_line(client, t_strdup_printf(
		"* OK [UIDVALIDITY %u] UIDs valid", status.uidvalidity));
	client_send_line(client, t_strdup_printf(
		"* OK [UIDNEXT %u] Predicted next UID", status.uidnext));
}

static bool cmd_select_full(struct client_command_context *cmd,
			    bool examine)
{
	struct client *client = cmd->client;
	struct imap_condstore_select sel;
	const char *name, *error;
	bool readonly;
	int ret;

	if (imap_arg_is_eol(&cmd->args[0])) {
		client_cmd_bad(cmd, "Invalid arguments.");
		return true;
	}
	if (!imap_mailbox_arg_get(cmd, &cmd->args[0], &name))
		return true;
	/* RFC 3501 6.3.1: the old mailbox is deselected even if the new
	   one cannot be selected; RFC 7162 3.2.11: QRESYNC clients are
	   told so */
	if (client->mailbox != NULL && client->qresync_enabled) {
		client_send_line(client,
				 "* OK [CLOSED] Previous mailbox closed.");
	}
	client_close_mailbox(client);
	if (imap_condstore_select_parse(client, &cmd->args[1], &sel,
					&error) < 0) {
		client_cmd_bad(cmd, error);
		return true;
	}
	if (sel.condstore)
		client->condstore_enabled = true;
	ret = mailbox_open(client->worker.user, name,
			   examine ? MAILBOX_FLAG_READONLY : 0,
			   &client->mailbox, &error);
	if (ret < 0) {
		client_cmd_storage_error(cmd, error);
		return true;
	}
	if (ret == 0) {
		imap_mailbox_reply_nonexistent(cmd, name);
		return true;
	}
	client->state = CLIENT_STATE_SELECTED;
	readonly = mailbox_is_readonly(client->mailbox);
	cmd_select_send_status(client);
	imap_condstore_select_send(client, &sel);
	client_cmd_reply(cmd, t_strdup_printf("OK [%s] %s completed.",
		readonly ? "READ-ONLY" : "READ-WRITE",
		examine ? "Examine" : "Select"));
	return true;
}

bool cmd_select(struct client_command_context *cmd)
{
	return cmd_select_full(cmd, false);
}

bool cmd_examine(struct client_command_context *cmd)
{
	return cmd_select_full(cmd, true);
}

bool cmd_close(struct client_command_context *cmd)
{
	struct client *client = cmd->client;
	const char *error;

	if (!imap_arg_is_eol(cmd->args)) {
		client_cmd_bad(cmd, "Unexpected arguments.");
		return true;
	}
	/* RFC 3501 6.4.2: expunge silently, unless read-only */
	if (!mailbox_is_readonly(client->mailbox) &&
	    mailbox_expunge_deleted(client->mailbox, NULL, NULL,
				    &error) < 0) {
		i_error("CLOSE: Expunging mailbox %s failed: %s",
			mailbox_get_vname(client->mailbox), error);
	}
	client_close_mailbox(client);
	client_cmd_reply(cmd, "OK Close completed.");
	return true;
}
