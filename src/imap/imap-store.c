/* Copyright (c) Cove authors. See AUTHORS. */

/* STORE and UID STORE (RFC 3501 6.4.6), with keywords, and CONDSTORE's
   UNCHANGEDSINCE modifier (RFC 7162 3.1.3): a message whose modseq is
   above it is left alone and reported in [MODIFIED set]. The changes get
   their modseqs in one commit after all messages are changed; then the
   FETCH replies are sent (with MODSEQ once CONDSTORE is on, and then
   only for messages whose modseq changed). */

#include "lib.h"
#include "array.h"
#include "str.h"
#include "mail-storage.h"
#include "imap-flags.h"
#include "imap-keywords.h"
#include "imap-msgset.h"
#include "imap-commands.h"
#include "imap-condstore.h"

#include <strings.h>

struct imap_store_request {
	enum modify_type modify;
	enum mail_flags flags;
	ARRAY_TYPE(const_string) keyword_names;
	uint32_t keywords;
	bool silent;
	/* UNCHANGEDSINCE given (it may be 0) */
	bool unchangedsince_set;
	uint64_t unchangedsince;
};

/* Per message of the set, as applied. */
struct imap_store_result {
	uint32_t seq;
	uint64_t old_modseq;
};

/* Parses "[+|-]FLAGS[.SILENT]". */
static int imap_store_parse_item(const char *item,
				 struct imap_store_request *req)
{
	req->modify = MODIFY_REPLACE;
	if (*item == '+' || *item == '-')
		req->modify = *item++ == '+' ? MODIFY_ADD : MODIFY_REMOVE;
	if (strcasecmp(item, "FLAGS.SILENT") == 0)
		req->silent = true;
	else if (strcasecmp(item, "FLAGS") != 0)
		return -1;
	return 0;
}

/* args: the item, then a flag list or flags up to the end. */
static int imap_store_parse(const struct imap_arg *args,
			    struct imap_store_request *req_r,
			    const char **error_r)
{
	const struct imap_arg *flags;
	const char *item;

	if (!imap_arg_get_atom(&args[0], &item) ||
	    imap_store_parse_item(item, req_r) < 0) {
		*error_r = "Invalid STORE item";
		return -1;
	}
	args++;
	if (imap_arg_is_eol(args)) {
		*error_r = "Missing flags";
		return -1;
	}
	if (imap_arg_get_list(args, &flags)) {
		if (!imap_arg_is_eol(&args[1])) {
			*error_r = "Unexpected arguments after flag list";
			return -1;
		}
		args = flags;
	}
	return imap_flags_parse(args, &req_r->flags, &req_r->keyword_names,
				error_r);
}

/* Parses "(UNCHANGEDSINCE n)" at args if there is a list. Returns 1
   parsed, 0 no list, -1 invalid. */
static int imap_store_parse_modifiers(const struct imap_arg *args,
				      struct imap_store_request *req)
{
	const struct imap_arg *list;
	const char *name;

	if (!imap_arg_get_list(args, &list))
		return 0;
	for (; !imap_arg_is_eol(list); list += 2) {
		if (!imap_arg_get_atom(list, &name) ||
		    strcasecmp(name, "UNCHANGEDSINCE") != 0 ||
		    req->unchangedsince_set ||
		    !imap_condstore_parse_modseq(&list[1], true,
						 &req->unchangedsince))
			return -1;
		req->unchangedsince_set = true;
	}
	return 1;
}

static void imap_store_send_flags(struct client_command_context *cmd,
				  const struct imap_store_request *req,
				  const struct imap_store_result *result)
{
	struct client *client = cmd->client;
	const struct mail_record *rec;
	string_t *str = t_str_new(64);
	uint32_t seq = result->seq;

	rec = mailbox_get_record(client->mailbox, seq);
	if (client->condstore_enabled && rec->modseq == result->old_modseq)
		return;
	if (req->silent && !client->condstore_enabled)
		return;
	str_printfa(str, "* %u FETCH (", seq);
	if (cmd->uid || client->qresync_enabled)
		str_printfa(str, "UID %u ", rec->uid);
	if (client->condstore_enabled) {
		imap_condstore_append_modseq(str, rec);
		if (!req->silent)
			str_append_c(str, ' ');
	}
	if (!req->silent) {
		str_append(str, "FLAGS ");
		imap_keywords_write_record(str, client->mailbox, seq);
	}
	str_append_c(str, ')');
	client_send_line(client, str_c(str));
}

/* Changes the flags of one message, unless UNCHANGEDSINCE forbids it:
   then adds its sequence number or UID to modified. Returns 1 changed,
   0 expunged, -1 error; *applied_r tells if it was tried. */
static int imap_store_apply_one(struct client_command_context *cmd,
				const struct imap_store_request *req,
				uint32_t seq,
				struct imap_condstore_set *modified,
				bool *applied_r, const char **error_r)
{
	struct mailbox *box = cmd->client->mailbox;
	const struct mail_record *rec = mailbox_get_record_flags(box, seq);

	*applied_r = !req->unchangedsince_set ||
		rec->modseq <= req->unchangedsince;
	if (!*applied_r) {
		imap_condstore_set_add(modified, cmd->uid ? rec->uid : seq);
		return 1;
	}
	return mailbox_update_flags_keywords(box, seq, req->modify,
					     req->flags, req->keywords,
					     error_r);
}

/* Returns -1 on storage error, else 1 if all messages still existed.
   modified gets the messages UNCHANGEDSINCE kept. */
static int imap_store_apply(struct client_command_context *cmd,
			    const ARRAY_TYPE(seq_range) *seqs,
			    const struct imap_store_request *req,
			    struct imap_condstore_set *modified,
			    const char **error_r)
{
	struct mailbox *box = cmd->client->mailbox;
	ARRAY(struct imap_store_result) results;
	struct imap_store_result *result;
	uint32_t seq;
	bool applied;
	int ret, status = 1;

	t_array_init(&results, 32);
	array_foreach(seqs, range) {
		for (seq = range->seq1; seq <= range->seq2; seq++) {
			uint64_t old_modseq =
				mailbox_get_record_flags(box, seq)->modseq;

			ret = imap_store_apply_one(cmd, req, seq, modified,
						   &applied, error_r);
			if (ret < 0)
				return -1;
			if (ret == 0) {
				status = 0;
			} else if (applied) {
				result = array_append_space(&results);
				result->seq = seq;
				result->old_modseq = old_modseq;
			}
		}
	}
	if (mailbox_flags_commit(box, error_r) < 0)
		return -1;
	array_foreach(&results, res)
		imap_store_send_flags(cmd, req, res);
	return status;
}

bool cmd_store(struct client_command_context *cmd)
{
	struct imap_store_request req = { 0 };
	struct imap_condstore_set modified;
	ARRAY_TYPE(seq_range) seqs;
	const char *set = NULL, *error;
	string_t *modified_str;
	int ret, mods;

	t_array_init(&seqs, 8);
	t_array_init(&req.keyword_names, 8);
	if (!imap_arg_get_atom(&cmd->args[0], &set) ||
	    imap_msgset_parse(cmd->client, cmd->uid, set, &seqs,
			      &error) < 0) {
		client_cmd_bad(cmd, set == NULL ? "Invalid arguments." : error);
		return true;
	}
	mods = imap_store_parse_modifiers(&cmd->args[1], &req);
	if (mods < 0) {
		client_cmd_bad(cmd, "Invalid modseq");
		return true;
	}
	if (imap_store_parse(&cmd->args[1 + mods], &req, &error) < 0) {
		client_cmd_bad(cmd, error);
		return true;
	}
	/* RFC 7162 3.1: UNCHANGEDSINCE enables CONDSTORE */
	if (req.unchangedsince_set) {
		if (!imap_condstore_check_modseqs(cmd->client, &error)) {
			client_cmd_bad(cmd, error);
			return true;
		}
		imap_condstore_turn_on(cmd->client);
	}
	if (mailbox_is_readonly(cmd->client->mailbox)) {
		client_cmd_reply(cmd, "NO Mailbox is read-only.");
		return true;
	}
	ret = imap_keywords_lookup(cmd->client->mailbox, &req.keyword_names,
				   &req.keywords, &error);
	if (ret <= 0) {
		if (ret < 0)
			client_cmd_storage_error(cmd, error);
		else
			client_cmd_reply(cmd, t_strconcat("NO ", error, ".",
							  NULL));
		return true;
	}
	/* new keywords are in FLAGS before any FETCH shows them */
	imap_keywords_send(cmd->client, false);
	modified_str = t_str_new(64);
	imap_condstore_set_init(&modified, modified_str);
	ret = imap_store_apply(cmd, &seqs, &req, &modified, &error);
	if (ret < 0) {
		client_cmd_storage_error(cmd, error);
	} else if (imap_condstore_set_finish(&modified)) {
		client_cmd_reply(cmd, t_strdup_printf(
			"OK [MODIFIED %s] Conditional store failed.",
			str_c(modified_str)));
	} else if (ret == 0) {
		client_cmd_reply(cmd, "NO [EXPUNGEISSUED] Some of the "
				 "requested messages no longer exist.");
	} else {
		client_cmd_reply(cmd, "OK Store completed.");
	}
	return true;
}
