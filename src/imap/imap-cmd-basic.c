/* Copyright (c) Cove authors. See AUTHORS. */

/* Commands valid in any state (RFC 3501 6.1), ID (RFC 2971), CHECK
   (6.4.1) and UNSELECT (RFC 3691). The mailbox sync that reports
   changes runs after every command, so NOOP and CHECK need no code of
   their own for it. */

#include "lib.h"
#include "imap-id.h"
#include "imap-commands.h"

static bool cmd_has_no_args(struct client_command_context *cmd)
{
	if (imap_arg_is_eol(cmd->args))
		return true;
	client_cmd_bad(cmd, "Unexpected arguments.");
	return false;
}

bool cmd_capability(struct client_command_context *cmd)
{
	if (!cmd_has_no_args(cmd))
		return true;
	client_send_line(cmd->client, t_strconcat(
		"* CAPABILITY ", client_get_capability(cmd->client), NULL));
	client_cmd_reply(cmd, "OK Capability completed.");
	return true;
}

bool cmd_noop(struct client_command_context *cmd)
{
	if (cmd_has_no_args(cmd))
		client_cmd_reply(cmd, "OK NOOP completed.");
	return true;
}

bool cmd_check(struct client_command_context *cmd)
{
	if (cmd_has_no_args(cmd))
		client_cmd_reply(cmd, "OK Check completed.");
	return true;
}

bool cmd_logout(struct client_command_context *cmd)
{
	if (!cmd_has_no_args(cmd))
		return true;
	client_send_line(cmd->client, "* BYE Logging out");
	client_close_mailbox(cmd->client);
	cmd->client->logout = true;
	client_cmd_reply(cmd, "OK Logout completed.");
	return true;
}

bool cmd_id(struct client_command_context *cmd)
{
	const char *log, *error;

	if (imap_id_parse_args(cmd->args, &log, &error) < 0) {
		client_cmd_bad(cmd, error);
		return true;
	}
	if (log[0] != '\0')
		i_info("ID sent: %s", log);
	client_send_line(cmd->client, IMAP_ID_REPLY);
	client_cmd_reply(cmd, "OK ID completed.");
	return true;
}

bool cmd_unselect(struct client_command_context *cmd)
{
	if (!cmd_has_no_args(cmd))
		return true;
	client_close_mailbox(cmd->client);
	client_cmd_reply(cmd, "OK Unselect completed.");
	return true;
}
