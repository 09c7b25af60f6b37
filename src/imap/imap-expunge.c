/* Copyright (c) Cove authors. See AUTHORS. */

/* EXPUNGE (RFC 3501 6.4.3) and UID EXPUNGE (RFC 4315 2.1). */

#include "lib.h"
#include "mail-storage.h"
#include "imap-msgset.h"
#include "imap-sync.h"
#include "imap-commands.h"

/* UID EXPUNGE: marks the \Deleted messages among the UIDs of set.
   Returns 0, or -1 with error_r. */
static int imap_expunge_mark_uids(struct client *client, const char *set,
				  bool *marked, const char **error_r)
{
	struct mailbox *box = client->mailbox;
	ARRAY_TYPE(seq_range) seqs;
	uint32_t seq;

	t_array_init(&seqs, 8);
	if (imap_msgset_parse(client, true, set, &seqs, error_r) < 0)
		return -1;
	array_foreach(&seqs, range) {
		for (seq = range->seq1; seq <= range->seq2; seq++) {
			marked[seq - 1] = (mailbox_get_record(box, seq)->flags &
					   MAIL_DELETED) != 0;
		}
	}
	return 0;
}

bool cmd_expunge(struct client_command_context *cmd)
{
	struct client *client = cmd->client;
	const char *set = NULL, *error;
	bool *marked = NULL;
	int ret;

	if (cmd->uid && !imap_arg_get_atom(cmd->args, &set)) {
		client_cmd_bad(cmd, "Invalid arguments.");
		return true;
	}
	if (!imap_arg_is_eol(&cmd->args[set == NULL ? 0 : 1])) {
		client_cmd_bad(cmd, "Unexpected arguments.");
		return true;
	}
	if (set != NULL) {
		marked = t_new(bool, mailbox_get_count(client->mailbox) + 1);
		if (imap_expunge_mark_uids(client, set, marked,
					   &error) < 0) {
			client_cmd_bad(cmd, error);
			return true;
		}
	}
	if (mailbox_is_readonly(client->mailbox)) {
		client_cmd_reply(cmd, "NO Mailbox is read-only.");
		return true;
	}
	if (marked != NULL)
		ret = imap_sync_expunge_marked(client, marked, &error);
	else
		ret = imap_sync_expunge_deleted(client, &error);
	if (ret < 0)
		client_cmd_storage_error(cmd, error);
	else
		client_cmd_reply(cmd, "OK Expunge completed.");
	return true;
}
