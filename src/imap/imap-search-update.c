/* Copyright (c) Cove authors. See AUTHORS. */

/* CONTEXT=SEARCH updates (RFC 5267 2.2, 4). Each update search keeps
   one entry per message of the mailbox as the client knows it: its UID,
   its flags and keywords when last judged, and whether it matched.
   Message text never changes, so only new messages and messages whose
   flags or keywords differ from the entry are judged again. Without
   PARTIAL results the position in ADDTO and REMOVEFROM is 0, as in
   Dovecot. */

#include "lib.h"
#include "array.h"
#include "str.h"
#include "mail-storage.h"
#include "imap-quote.h"
#include "imap-commands.h"
#include "imap-search.h"
#include "imap-search-update.h"

struct imap_search_update_msg {
	uint32_t uid;
	enum mail_flags flags;
	uint32_t keywords;
	bool match;
};

struct imap_search_update {
	pool_t pool;
	struct imap_search_context *ctx;
	const char *tag;
	bool uid;
	ARRAY(struct imap_search_update_msg) msgs;
};

bool imap_search_update_add(struct client *client, const char *tag, bool uid,
			    struct imap_search_context *ctx, pool_t pool,
			    const ARRAY_TYPE(seq_range) *uids)
{
	struct imap_search_update *update;
	struct imap_search_update_msg *msg;
	const struct mail_record *rec;
	uint32_t seq, count = mailbox_get_count(client->mailbox);

	if (array_count(&client->search_updates) >= IMAP_SEARCH_UPDATE_MAX)
		return false;
	update = p_new(pool, struct imap_search_update, 1);
	update->pool = pool;
	update->ctx = ctx;
	update->tag = p_strdup(pool, tag);
	update->uid = uid;
	i_array_init(&update->msgs, count + 16);
	for (seq = 1; seq <= count; seq++) {
		rec = mailbox_get_record_flags(client->mailbox, seq);
		msg = array_append_space(&update->msgs);
		msg->uid = rec->uid;
		msg->flags = rec->flags;
		msg->keywords = rec->keywords;
		msg->match = imap_seqset_contains(uids, rec->uid);
	}
	array_push_back(&client->search_updates, &update);
	return true;
}

static void imap_search_update_free(struct imap_search_update *update)
{
	pool_t pool = update->pool;

	array_free(&update->msgs);
	pool_unref(&pool);
}

/* Sends "ADDTO" or "REMOVEFROM" with the numbers in ranges. */
static void imap_search_update_send(struct client *client,
				    const struct imap_search_update *update,
				    const char *what,
				    const ARRAY_TYPE(seq_range) *ranges)
{
	string_t *str = t_str_new(128);

	str_append(str, "* ESEARCH (TAG ");
	imap_append_string(str, update->tag);
	str_append_c(str, ')');
	if (update->uid)
		str_append(str, " UID");
	str_printfa(str, " %s (0 ", what);
	imap_search_append_seqset(str, ranges);
	str_append_c(str, ')');
	client_send_line(client, str_c(str));
}

void imap_search_update_expunge(struct client *client, uint32_t seq)
{
	struct imap_search_update *update;
	ARRAY_TYPE(seq_range) range;
	struct seq_range *r;

	array_foreach(&client->search_updates, updatep) {
		update = *updatep;
		if (seq > array_count(&update->msgs))
			continue;
		if (array_idx(&update->msgs, seq - 1)->match) T_BEGIN {
			t_array_init(&range, 1);
			r = array_append_space(&range);
			r->seq1 = r->seq2 = update->uid ?
				array_idx(&update->msgs, seq - 1)->uid : seq;
			imap_search_update_send(client, update, "REMOVEFROM",
						&range);
		} T_END;
		array_delete(&update->msgs, seq - 1, 1);
	}
}

/* Appends num, greater than all numbers in ranges, to ranges. */
static void imap_search_update_append(ARRAY_TYPE(seq_range) *ranges,
				      uint32_t num)
{
	struct seq_range *last, range = { num, num };

	if (array_count(ranges) > 0) {
		last = array_idx_modifiable(ranges, array_count(ranges) - 1);
		if (last->seq2 + 1 == num) {
			last->seq2 = num;
			return;
		}
	}
	array_push_back(ranges, &range);
}

/* Judges message seq again if it is new or its flags changed. Returns
   true if its match changed. */
static bool imap_search_update_message(struct client *client,
				       struct imap_search_update *update,
				       uint32_t seq)
{
	const struct mail_record *rec;
	struct imap_search_update_msg *msg;
	unsigned int cost;
	const char *error;
	int ret;

	rec = mailbox_get_record_flags(client->mailbox, seq);
	if (seq <= array_count(&update->msgs)) {
		msg = array_idx_modifiable(&update->msgs, seq - 1);
		if (msg->flags == rec->flags && msg->keywords == rec->keywords)
			return false;
	} else {
		msg = array_append_space(&update->msgs);
		msg->uid = rec->uid;
	}
	msg->flags = rec->flags;
	msg->keywords = rec->keywords;
	T_BEGIN {
		ret = imap_search_message(update->ctx, seq, &cost, &error);
		if (ret < 0) {
			i_error("Search update of message UID %u failed: %s",
				rec->uid, error);
		}
	} T_END;
	if ((ret > 0) == msg->match)
		return false;
	msg->match = ret > 0;
	return true;
}

static void imap_search_update_check_one(struct client *client,
					 struct imap_search_update *update)
{
	ARRAY_TYPE(seq_range) added, removed;
	uint32_t seq, count = client->messages_count;
	const struct imap_search_update_msg *msg;

	if (count > mailbox_get_count(client->mailbox))
		count = mailbox_get_count(client->mailbox);
	t_array_init(&added, 8);
	t_array_init(&removed, 8);
	for (seq = 1; seq <= count; seq++) {
		if (!imap_search_update_message(client, update, seq))
			continue;
		msg = array_idx(&update->msgs, seq - 1);
		imap_search_update_append(msg->match ? &added : &removed,
					  update->uid ? msg->uid : seq);
	}
	if (array_count(&removed) > 0) {
		imap_search_update_send(client, update, "REMOVEFROM",
					&removed);
	}
	if (array_count(&added) > 0)
		imap_search_update_send(client, update, "ADDTO", &added);
}

void imap_search_update_check(struct client *client)
{
	if (client->mailbox == NULL)
		return;
	array_foreach(&client->search_updates, updatep) T_BEGIN {
		imap_search_update_check_one(client, *updatep);
	} T_END;
}

void imap_search_update_clear(struct client *client)
{
	array_foreach(&client->search_updates, updatep)
		imap_search_update_free(*updatep);
	array_clear(&client->search_updates);
}

bool cmd_cancelupdate(struct client_command_context *cmd)
{
	struct client *client = cmd->client;
	struct imap_search_update *const *updates;
	const struct imap_arg *arg;
	const char *tag;
	unsigned int i, count;

	if (imap_arg_is_eol(cmd->args)) {
		client_cmd_bad(cmd, "Missing search tag");
		return true;
	}
	for (arg = cmd->args; !imap_arg_is_eol(arg); arg++) {
		if (!imap_arg_get_string(arg, &tag)) {
			client_cmd_bad(cmd, "Search tag must be a string");
			return true;
		}
		updates = array_get(&client->search_updates, &count);
		for (i = 0; i < count; i++) {
			if (strcmp(updates[i]->tag, tag) == 0)
				break;
		}
		if (i == count) {
			client_cmd_reply(cmd, "NO Unknown tag");
			return true;
		}
		imap_search_update_free(updates[i]);
		array_delete(&client->search_updates, i, 1);
	}
	client_cmd_reply(cmd, "OK Updates cancelled.");
	return true;
}
