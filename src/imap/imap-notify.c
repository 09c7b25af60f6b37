/* Copyright (c) Cove authors. See AUTHORS. */

/* NOTIFY (RFC 5465). NOTIFY SET resolves its filters (inboxes,
   personal, subscribed, subtree, mailboxes) into a list of mailboxes at
   once; a mailbox named by several groups gets the events of the last
   one. Each mailbox with events is opened save-only (no view is read)
   just to be watched with mailbox_notify_changes(); when it changes, its
   status is read again and an untagged STATUS with the items the events
   imply is sent if one of them differs from what the client was last
   told. Mailboxes created after NOTIFY SET are not watched, and the
   MailboxName and SubscriptionChange events are accepted but never
   reported. The selected filter's events are checked, not acted on: the
   selected mailbox is synced as without NOTIFY. */

#include "lib.h"
#include "array.h"
#include "str.h"
#include "ostream.h"
#include "mail-storage.h"
#include "imap-commands.h"
#include "imap-cmd-mailbox.h"
#include "imap-status.h"
#include "imap-notify.h"

#include <strings.h>

struct imap_notify_mailbox {
	struct imap_notify *notify;
	/* From notify->pool. */
	const char *vname;
	enum imap_notify_event events;
	/* Opened save-only, only to be watched; NULL if not watched. */
	struct mailbox *box;
	/* The values as last told to the client (or as of NOTIFY SET). */
	struct mailbox_status status;
	bool changed;
};

struct imap_notify {
	struct client *client;
	pool_t pool;
	ARRAY(struct imap_notify_mailbox *) mailboxes;
	/* NOTIFY SET named more than IMAP_NOTIFY_MAX_MAILBOXES. */
	bool overflow;
};

/* The STATUS items that show the changes events ask for. */
static enum imap_status_items
imap_notify_status_items(enum imap_notify_event events)
{
	enum imap_status_items items = 0;

	if ((events & IMAP_NOTIFY_EVENT_MESSAGE_EXPUNGE) != 0)
		items |= IMAP_STATUS_MESSAGES;
	if ((events & IMAP_NOTIFY_EVENT_MESSAGE_NEW) != 0) {
		items |= IMAP_STATUS_MESSAGES | IMAP_STATUS_UIDNEXT |
			IMAP_STATUS_UIDVALIDITY;
	}
	if ((events & IMAP_NOTIFY_EVENT_FLAG_CHANGE) != 0)
		items |= IMAP_STATUS_UIDVALIDITY | IMAP_STATUS_HIGHESTMODSEQ;
	return items;
}

static bool imap_notify_status_differs(const struct mailbox_status *old,
				       const struct mailbox_status *new,
				       enum imap_status_items items)
{
	if ((items & IMAP_STATUS_MESSAGES) != 0 &&
	    old->messages != new->messages)
		return true;
	if ((items & IMAP_STATUS_UIDNEXT) != 0 && old->uidnext != new->uidnext)
		return true;
	if ((items & IMAP_STATUS_UIDVALIDITY) != 0 &&
	    old->uidvalidity != new->uidvalidity)
		return true;
	return (items & IMAP_STATUS_HIGHESTMODSEQ) != 0 &&
		old->highest_modseq != new->highest_modseq;
}

static bool imap_notify_client_is_idling(const struct client *client)
{
	return client->cmd != NULL && client->cmd->command != NULL &&
		client->cmd->command->func == cmd_idle;
}

static void imap_notify_mailbox_changed(struct imap_notify_mailbox *nbox)
{
	struct client *client = nbox->notify->client;

	nbox->changed = true;
	if (!imap_notify_client_is_idling(client) ||
	    client->worker.disconnected)
		return;
	o_stream_cork(client->worker.output);
	imap_notify_flush(client);
	mail_worker_client_uncork(&client->worker);
}

static void imap_notify_mailbox_flush(struct client *client,
				      struct imap_notify_mailbox *nbox)
{
	enum imap_status_items items = imap_notify_status_items(nbox->events);
	struct mailbox_status status;
	const char *error;
	int ret;

	nbox->changed = false;
	ret = mailbox_get_status_by_name(client->worker.user, nbox->vname,
					 &status, &error);
	if (ret < 0)
		i_error("NOTIFY: %s: %s", nbox->vname, error);
	if (ret <= 0 ||
	    !imap_notify_status_differs(&nbox->status, &status, items))
		return;
	nbox->status = status;
	/* the selected mailbox gets EXISTS etc. instead */
	if (!imap_mailbox_is_selected(client, nbox->vname))
		imap_status_send_values(client, nbox->vname, &status, items);
}

void imap_notify_flush(struct client *client)
{
	if (client->notify == NULL)
		return;
	array_foreach(&client->notify->mailboxes, nboxp) {
		if ((*nboxp)->changed) T_BEGIN {
			imap_notify_mailbox_flush(client, *nboxp);
		} T_END;
	}
}

static void imap_notify_destroy(struct imap_notify **_notify)
{
	struct imap_notify *notify = *_notify;
	/* notify itself is allocated from the pool */
	pool_t pool = notify->pool;

	*_notify = NULL;
	array_foreach_modifiable(&notify->mailboxes, nboxp) {
		if ((*nboxp)->box != NULL)
			mailbox_close(&(*nboxp)->box);
	}
	pool_unref(&pool);
}

void imap_notify_deinit(struct client *client)
{
	if (client->notify != NULL)
		imap_notify_destroy(&client->notify);
}

static struct imap_notify *imap_notify_create(struct client *client)
{
	struct imap_notify *notify;
	pool_t pool;

	pool = pool_alloconly_create("imap notify", 1024);
	notify = p_new(pool, struct imap_notify, 1);
	notify->client = client;
	notify->pool = pool;
	p_array_init(&notify->mailboxes, pool, 8);
	return notify;
}

/* Sets vname's events: a later event group replaces an earlier one's. */
static void imap_notify_add(struct imap_notify *notify, const char *vname,
			    enum imap_notify_event events)
{
	struct imap_notify_mailbox *nbox;

	if (strcasecmp(vname, "INBOX") == 0)
		vname = "INBOX";
	array_foreach(&notify->mailboxes, nboxp) {
		if (strcmp((*nboxp)->vname, vname) == 0) {
			(*nboxp)->events = events;
			return;
		}
	}
	if (array_count(&notify->mailboxes) >= IMAP_NOTIFY_MAX_MAILBOXES) {
		notify->overflow = true;
		return;
	}
	nbox = p_new(notify->pool, struct imap_notify_mailbox, 1);
	nbox->notify = notify;
	nbox->vname = p_strdup(notify->pool, vname);
	nbox->events = events;
	array_push_back(&notify->mailboxes, &nbox);
}

/* Adds the selectable mailboxes that patterns match; with subtree, only
   those that are subtree or below it. Returns 0 or -1 with error_r. */
static int imap_notify_add_listed(struct imap_notify *notify,
				  const char *const *patterns,
				  enum mailbox_list_iter_flags flags,
				  const char *subtree,
				  enum imap_notify_event events,
				  const char **error_r)
{
	struct mail_user *user = notify->client->worker.user;
	char sep = mailbox_list_get_separator(user);
	size_t len = subtree == NULL ? 0 : strlen(subtree);
	struct mailbox_list_iter *iter;
	const struct mailbox_info *info;

	iter = mailbox_list_iter_init(user, patterns, flags);
	while ((info = mailbox_list_iter_next(iter)) != NULL &&
	       !notify->overflow) {
		if ((info->flags & (MAILBOX_INFO_NOSELECT |
				    MAILBOX_INFO_NONEXISTENT)) != 0)
			continue;
		if (subtree != NULL && strcmp(info->vname, subtree) != 0 &&
		    (strncmp(info->vname, subtree, len) != 0 ||
		     info->vname[len] != sep))
			continue;
		imap_notify_add(notify, info->vname, events);
	}
	return mailbox_list_iter_deinit(&iter, error_r);
}

/* Reads the one-or-more-mailbox argument as vnames (from the temporary
   frame). Returns false with the reply set. */
static bool imap_notify_parse_names(struct client_command_context *cmd,
				    const struct imap_arg *arg,
				    ARRAY_TYPE(const_string) *names)
{
	const struct imap_arg *list;
	const char *vname;

	t_array_init(names, 4);
	if (!imap_arg_get_list(arg, &list)) {
		if (!imap_mailbox_arg_get(cmd, arg, &vname))
			return false;
		array_push_back(names, &vname);
		return true;
	}
	if (imap_arg_is_eol(list)) {
		client_cmd_bad(cmd, "Empty mailbox list.");
		return false;
	}
	for (; !imap_arg_is_eol(list); list++) {
		if (!imap_mailbox_arg_get(cmd, list, &vname))
			return false;
		array_push_back(names, &vname);
	}
	return true;
}

/* Adds the mailboxes of filter with events. Returns false with the
   reply set. */
static bool
imap_notify_add_filter(struct client_command_context *cmd,
		       struct imap_notify *notify, const char *filter,
		       const ARRAY_TYPE(const_string) *names,
		       enum imap_notify_event events)
{
	static const char *const all[] = { "*", NULL };
	const char *error;
	int ret = 0;

	if (strcasecmp(filter, "inboxes") == 0)
		imap_notify_add(notify, "INBOX", events);
	else if (strcasecmp(filter, "personal") == 0) {
		ret = imap_notify_add_listed(notify, all, 0, NULL, events,
					     &error);
	} else if (strcasecmp(filter, "subscribed") == 0) {
		ret = imap_notify_add_listed(
			notify, all, MAILBOX_LIST_ITER_SELECT_SUBSCRIBED,
			NULL, events, &error);
	} else if (strcasecmp(filter, "subtree") == 0) {
		char sep = mailbox_list_get_separator(
			cmd->client->worker.user);

		array_foreach(names, vnamep) {
			const char *patterns[] = {
				*vnamep,
				t_strdup_printf("%s%c*", *vnamep, sep),
				NULL
			};
			ret = imap_notify_add_listed(notify, patterns, 0,
						     *vnamep, events, &error);
			if (ret < 0)
				break;
		}
	} else {
		array_foreach(names, vnamep)
			imap_notify_add(notify, *vnamep, events);
	}
	if (ret < 0) {
		client_cmd_storage_error(cmd, error);
		return false;
	}
	return true;
}

/* Parses one event group and adds its mailboxes. Returns false with the
   reply set. */
static bool imap_notify_parse_group(struct client_command_context *cmd,
				    struct imap_notify *notify,
				    const struct imap_arg *arg)
{
	ARRAY_TYPE(const_string) names = { 0 };
	enum imap_notify_event events;
	const struct imap_arg *list;
	const char *filter, *error;
	bool selected = false;
	int ret;

	if (!imap_arg_get_list(arg, &list) ||
	    !imap_arg_get_atom(list, &filter)) {
		client_cmd_bad(cmd, "Invalid event group.");
		return false;
	}
	list++;
	if (strcasecmp(filter, "selected") == 0 ||
	    strcasecmp(filter, "selected-delayed") == 0)
		selected = true;
	else if (strcasecmp(filter, "subtree") == 0 ||
		 strcasecmp(filter, "mailboxes") == 0) {
		if (imap_arg_is_eol(list)) {
			client_cmd_bad(cmd, "Missing mailboxes.");
			return false;
		}
		if (!imap_notify_parse_names(cmd, list, &names))
			return false;
		list++;
	} else if (strcasecmp(filter, "inboxes") != 0 &&
		   strcasecmp(filter, "personal") != 0 &&
		   strcasecmp(filter, "subscribed") != 0) {
		client_cmd_bad(cmd, "Unknown filter.");
		return false;
	}
	ret = imap_notify_events_parse(list, selected, &events, &error);
	if (ret > 0 && !imap_arg_is_eol(&list[1])) {
		error = "Unexpected arguments after events.";
		ret = -1;
	}
	if (ret < 0) {
		client_cmd_bad(cmd, error);
		return false;
	}
	if (ret == 0) {
		client_cmd_reply(cmd, t_strdup_printf(
			"NO [BADEVENT (%s)] Unsupported event.",
			imap_notify_events_supported()));
		return false;
	}
	return selected ||
		imap_notify_add_filter(cmd, notify, filter, &names, events);
}

/* Opens and watches the mailboxes with events and reads their status;
   forgets those that do not exist. */
static void imap_notify_watch(struct imap_notify *notify)
{
	struct mail_user *user = notify->client->worker.user;
	struct imap_notify_mailbox *nbox;
	const char *error;
	unsigned int i = 0;
	int ret;

	while (i < array_count(&notify->mailboxes)) {
		nbox = array_idx_elem(&notify->mailboxes, i);
		ret = nbox->events == 0 ? 0 :
			mailbox_open(user, nbox->vname, MAILBOX_FLAG_SAVEONLY,
				     &nbox->box, &error);
		if (ret > 0) {
			ret = mailbox_get_status_by_name(user, nbox->vname,
							 &nbox->status,
							 &error);
		}
		if (ret < 0)
			i_error("NOTIFY: %s: %s", nbox->vname, error);
		if (ret <= 0) {
			if (nbox->box != NULL)
				mailbox_close(&nbox->box);
			array_delete(&notify->mailboxes, i, 1);
			continue;
		}
		mailbox_notify_changes(nbox->box, imap_notify_mailbox_changed,
				       nbox);
		i++;
	}
}

/* NOTIFY SET STATUS: the STATUS of each watched mailbox. */
static void imap_notify_send_initial(struct imap_notify *notify)
{
	struct client *client = notify->client;
	enum imap_status_items items;

	array_foreach(&notify->mailboxes, nboxp) {
		const struct imap_notify_mailbox *nbox = *nboxp;

		items = imap_notify_status_items(nbox->events);
		if (items != 0 &&
		    !imap_mailbox_is_selected(client, nbox->vname)) {
			imap_status_send_values(client, nbox->vname,
						&nbox->status, items);
		}
	}
}

static bool cmd_notify_set(struct client_command_context *cmd,
			   const struct imap_arg *args)
{
	struct client *client = cmd->client;
	struct imap_notify *notify;
	const char *word;
	bool status = false;

	if (imap_arg_get_atom(args, &word) && strcasecmp(word, "STATUS") == 0) {
		status = true;
		args++;
	}
	if (imap_arg_is_eol(args)) {
		client_cmd_bad(cmd, "Missing event groups.");
		return true;
	}
	notify = imap_notify_create(client);
	for (; !imap_arg_is_eol(args); args++) {
		if (!imap_notify_parse_group(cmd, notify, args)) {
			imap_notify_destroy(&notify);
			return true;
		}
	}
	imap_notify_deinit(client);
	if (notify->overflow) {
		imap_notify_destroy(&notify);
		client_send_line(client, t_strdup_printf(
			"* OK [NOTIFICATIONOVERFLOW] More than %u mailboxes: "
			"notifications are off", IMAP_NOTIFY_MAX_MAILBOXES));
	} else {
		imap_notify_watch(notify);
		if (status)
			imap_notify_send_initial(notify);
		client->notify = notify;
	}
	client_cmd_reply(cmd, "OK NOTIFY completed.");
	return true;
}

bool cmd_notify(struct client_command_context *cmd)
{
	const char *word;

	if (!imap_arg_get_atom(cmd->args, &word)) {
		client_cmd_bad(cmd, "Invalid arguments.");
		return true;
	}
	if (strcasecmp(word, "SET") == 0)
		return cmd_notify_set(cmd, &cmd->args[1]);
	if (strcasecmp(word, "NONE") != 0 || !imap_arg_is_eol(&cmd->args[1])) {
		client_cmd_bad(cmd, "Invalid arguments.");
		return true;
	}
	imap_notify_deinit(cmd->client);
	client_cmd_reply(cmd, "OK NOTIFY completed.");
	return true;
}
