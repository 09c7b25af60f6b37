/* Copyright (c) Cove authors. See AUTHORS. */

/* CREATE, DELETE, RENAME, SUBSCRIBE, UNSUBSCRIBE (RFC 3501 6.3.3-6.3.7)
   and the mailbox name helpers of imap-cmd-mailbox.h. */

#include "lib.h"
#include "str.h"
#include "imap-quote.h"
#include "imap-utf7.h"
#include "imap-commands.h"
#include "imap-cmd-mailbox.h"

#include <strings.h>

bool imap_mailbox_arg_get(struct client_command_context *cmd,
			  const struct imap_arg *arg, const char **vname_r)
{
	const char *name;
	string_t *str;

	if (!imap_arg_get_astring(arg, &name)) {
		client_cmd_bad(cmd, "Invalid arguments.");
		return false;
	}
	str = t_str_new(strlen(name) + 16);
	if (imap_utf7_to_utf8(name, str) < 0) {
		client_cmd_reply(cmd, "NO Mailbox name is not valid mUTF-7");
		return false;
	}
	*vname_r = str_c(str);
	return true;
}

void imap_mailbox_append_name(string_t *dest, const char *vname)
{
	string_t *str = t_str_new(strlen(vname) + 16);

	/* lib-storage gives only valid UTF-8; should a damaged name slip
	   through, it is sent as it is rather than not at all */
	if (imap_utf8_to_utf7(vname, str) < 0)
		imap_append_astring(dest, vname);
	else
		imap_append_astring(dest, str_c(str));
}

const char *imap_mailbox_printable(const char *vname)
{
	string_t *str = t_str_new(strlen(vname) + 16);
	char *p;

	if (imap_utf8_to_utf7(vname, str) < 0)
		return "?";
	for (p = str_c_modifiable(str); *p != '\0'; p++) {
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	}
	return str_c(str);
}

void imap_mailbox_reply_nonexistent(struct client_command_context *cmd,
				    const char *vname)
{
	client_cmd_reply(cmd, t_strconcat(
		"NO [NONEXISTENT] Mailbox doesn't exist: ",
		imap_mailbox_printable(vname), NULL));
}

void imap_mailbox_reply_error(struct client_command_context *cmd,
			      enum mail_error error_code, const char *error)
{
	switch (error_code) {
	case MAIL_ERROR_NONE:
	case MAIL_ERROR_TEMP:
		client_cmd_storage_error(cmd, error);
		return;
	case MAIL_ERROR_NOTFOUND:
		client_cmd_reply(cmd, t_strconcat("NO [NONEXISTENT] ",
						  error, NULL));
		return;
	case MAIL_ERROR_EXISTS:
		client_cmd_reply(cmd, t_strconcat("NO [ALREADYEXISTS] ",
						  error, NULL));
		return;
	case MAIL_ERROR_PARAMS:
		client_cmd_reply(cmd, t_strconcat("NO [CANNOT] ", error, NULL));
		return;
	}
	i_unreached();
}

bool imap_mailbox_is_selected(struct client *client, const char *vname)
{
	const char *selected;

	if (client->mailbox == NULL)
		return false;
	selected = mailbox_get_vname(client->mailbox);
	return strcmp(selected, vname) == 0 ||
		(strcmp(selected, "INBOX") == 0 &&
		 strcasecmp(vname, "INBOX") == 0);
}

/* Returns true if the selected mailbox is vname or below it. */
static bool imap_mailbox_is_below(struct client *client, const char *vname)
{
	char sep = mailbox_list_get_separator(client->worker.user);
	size_t len = strlen(vname);
	const char *selected;

	if (client->mailbox == NULL)
		return false;
	selected = mailbox_get_vname(client->mailbox);
	return strncmp(selected, vname, len) == 0 &&
		(selected[len] == '\0' || selected[len] == sep);
}

/* Ends the session after the tagged reply: its selected mailbox is gone
   (Dovecot does the same). */
static void cmd_mailbox_disconnect(struct client *client, const char *why)
{
	client_close_mailbox(client);
	client_send_line(client, t_strdup_printf(
		"* BYE %s, have to disconnect.", why));
	client->logout = true;
}

/* Reads the single mailbox argument of cmd. */
static bool cmd_mailbox_get_arg(struct client_command_context *cmd,
				const char **vname_r)
{
	if (!imap_arg_is_eol(&cmd->args[0]) &&
	    imap_arg_is_eol(&cmd->args[1]))
		return imap_mailbox_arg_get(cmd, &cmd->args[0], vname_r);
	client_cmd_bad(cmd, "Invalid arguments.");
	return false;
}

bool cmd_create(struct client_command_context *cmd)
{
	enum mail_error error_code;
	const char *vname, *error;

	if (!cmd_mailbox_get_arg(cmd, &vname))
		return true;
	if (mailbox_create(cmd->client->worker.user, vname, &error_code,
			   &error) < 0)
		imap_mailbox_reply_error(cmd, error_code, error);
	else
		client_cmd_reply(cmd, "OK Create completed.");
	return true;
}

bool cmd_delete(struct client_command_context *cmd)
{
	struct client *client = cmd->client;
	enum mail_error error_code;
	const char *vname, *error;

	if (!cmd_mailbox_get_arg(cmd, &vname))
		return true;
	if (mailbox_delete(client->worker.user, vname, &error_code,
			   &error) < 0) {
		imap_mailbox_reply_error(cmd, error_code, error);
		return true;
	}
	client_cmd_reply(cmd, "OK Delete completed.");
	/* RFC 3501 6.3.4 leaves it open; the session's view is gone, so
	   as Dovecot the session ends */
	if (imap_mailbox_is_selected(client, vname))
		cmd_mailbox_disconnect(client, "Selected mailbox was deleted");
	return true;
}

bool cmd_rename(struct client_command_context *cmd)
{
	struct client *client = cmd->client;
	enum mail_error error_code;
	const char *old_vname, *new_vname, *error;

	if (imap_arg_is_eol(&cmd->args[0]) ||
	    imap_arg_is_eol(&cmd->args[1]) ||
	    !imap_arg_is_eol(&cmd->args[2])) {
		client_cmd_bad(cmd, "Invalid arguments.");
		return true;
	}
	if (!imap_mailbox_arg_get(cmd, &cmd->args[0], &old_vname) ||
	    !imap_mailbox_arg_get(cmd, &cmd->args[1], &new_vname))
		return true;
	if (mailbox_rename(client->worker.user, old_vname, new_vname,
			   &error_code, &error) < 0) {
		imap_mailbox_reply_error(cmd, error_code, error);
		return true;
	}
	client_cmd_reply(cmd, "OK Rename completed.");
	/* the selected mailbox (or a parent) moved away from under the
	   session's view; INBOX itself stays (only its messages leave,
	   which the next sync reports) */
	if (strcasecmp(old_vname, "INBOX") != 0 &&
	    imap_mailbox_is_below(client, old_vname))
		cmd_mailbox_disconnect(client, "Selected mailbox was renamed");
	return true;
}

static bool cmd_subscribe_full(struct client_command_context *cmd, bool set)
{
	enum mail_error error_code;
	const char *vname, *error;

	if (!cmd_mailbox_get_arg(cmd, &vname))
		return true;
	if (mailbox_list_set_subscribed(cmd->client->worker.user, vname, set,
					&error_code, &error) < 0)
		imap_mailbox_reply_error(cmd, error_code, error);
	else if (set)
		client_cmd_reply(cmd, "OK Subscribe completed.");
	else
		client_cmd_reply(cmd, "OK Unsubscribe completed.");
	return true;
}

bool cmd_subscribe(struct client_command_context *cmd)
{
	return cmd_subscribe_full(cmd, true);
}

bool cmd_unsubscribe(struct client_command_context *cmd)
{
	return cmd_subscribe_full(cmd, false);
}
