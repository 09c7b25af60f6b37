/* Copyright (c) Cove authors. See AUTHORS. */

/* STATUS (RFC 3501 6.3.10) and the STATUS lines of LIST-STATUS. */

#include "lib.h"
#include "str.h"
#include "imap-commands.h"
#include "imap-cmd-mailbox.h"
#include "imap-condstore.h"
#include "imap-status.h"

#include <strings.h>

static const struct {
	const char *name;
	enum imap_status_items item;
} imap_status_item_names[] = {
	{ "MESSAGES", IMAP_STATUS_MESSAGES },
	{ "RECENT", IMAP_STATUS_RECENT },
	{ "UIDNEXT", IMAP_STATUS_UIDNEXT },
	{ "UIDVALIDITY", IMAP_STATUS_UIDVALIDITY },
	{ "UNSEEN", IMAP_STATUS_UNSEEN },
	{ "HIGHESTMODSEQ", IMAP_STATUS_HIGHESTMODSEQ },
};

static enum imap_status_items imap_status_item_find(const char *name)
{
	for (unsigned int i = 0; i < N_ELEMENTS(imap_status_item_names); i++) {
		if (strcasecmp(imap_status_item_names[i].name, name) == 0)
			return imap_status_item_names[i].item;
	}
	return 0;
}

bool imap_status_parse_items(const struct imap_arg *list,
			     enum imap_status_items *items_r,
			     const char **error_r)
{
	enum imap_status_items item;
	const char *name;

	*items_r = 0;
	if (imap_arg_is_eol(list)) {
		*error_r = "Empty status list.";
		return false;
	}
	for (; !imap_arg_is_eol(list); list++) {
		if (!imap_arg_get_atom(list, &name) ||
		    (item = imap_status_item_find(name)) == 0) {
			*error_r = "Invalid status item.";
			return false;
		}
		*items_r |= item;
	}
	return true;
}

static void imap_status_append(string_t *str,
			       const struct mailbox_status *status,
			       enum imap_status_items items)
{
	const uint64_t values[] = {
		status->messages, status->recent, status->uidnext,
		status->uidvalidity, status->unseen, status->highest_modseq,
	};
	size_t start = str_len(str);

	for (unsigned int i = 0; i < N_ELEMENTS(imap_status_item_names); i++) {
		if ((items & imap_status_item_names[i].item) == 0)
			continue;
		if (str_len(str) > start)
			str_append_c(str, ' ');
		str_printfa(str, "%s %llu", imap_status_item_names[i].name,
			    (unsigned long long)values[i]);
	}
}

int imap_status_send(struct client *client, const char *vname,
		     enum imap_status_items items, const char **error_r)
{
	struct mailbox_status status;
	int ret;

	if (imap_mailbox_is_selected(client, vname)) {
		/* the view as the client knows it: no sync */
		mailbox_get_status(client->mailbox, &status);
	} else {
		ret = mailbox_get_status_by_name(client->worker.user, vname,
						 &status, error_r);
		if (ret <= 0)
			return ret;
	}
	imap_status_send_values(client, vname, &status, items);
	return 1;
}

void imap_status_send_values(struct client *client, const char *vname,
			     const struct mailbox_status *status,
			     enum imap_status_items items)
{
	string_t *str = t_str_new(128);

	str_append(str, "* STATUS ");
	imap_mailbox_append_name(str, vname);
	str_append(str, " (");
	imap_status_append(str, status, items);
	str_append_c(str, ')');
	client_send_line(client, str_c(str));
}

bool cmd_status(struct client_command_context *cmd)
{
	enum imap_status_items items;
	const struct imap_arg *list;
	const char *vname, *error;
	int ret;

	if (imap_arg_is_eol(&cmd->args[0]) ||
	    !imap_arg_get_list(&cmd->args[1], &list) ||
	    !imap_arg_is_eol(&cmd->args[2])) {
		client_cmd_bad(cmd, "Invalid arguments.");
		return true;
	}
	if (!imap_status_parse_items(list, &items, &error)) {
		client_cmd_bad(cmd, error);
		return true;
	}
	/* RFC 7162 3.1: a CONDSTORE enabling command */
	if ((items & IMAP_STATUS_HIGHESTMODSEQ) != 0)
		imap_condstore_turn_on(cmd->client);
	if (!imap_mailbox_arg_get(cmd, &cmd->args[0], &vname))
		return true;
	ret = imap_status_send(cmd->client, vname, items, &error);
	if (ret < 0)
		client_cmd_storage_error(cmd, error);
	else if (ret == 0)
		imap_mailbox_reply_nonexistent(cmd, vname);
	else
		client_cmd_reply(cmd, "OK Status completed.");
	return true;
}
