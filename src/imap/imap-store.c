/* Copyright (c) Cove authors. See AUTHORS. */

/* STORE and UID STORE (RFC 3501 6.4.6), with keywords. */

#include "lib.h"
#include "array.h"
#include "str.h"
#include "mail-storage.h"
#include "imap-flags.h"
#include "imap-keywords.h"
#include "imap-msgset.h"
#include "imap-commands.h"

#include <strings.h>

struct imap_store_request {
	enum modify_type modify;
	enum mail_flags flags;
	ARRAY_TYPE(const_string) keyword_names;
	uint32_t keywords;
	bool silent;
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

static void imap_store_send_flags(struct client_command_context *cmd,
				  uint32_t seq)
{
	const struct mail_record *rec;
	string_t *str = t_str_new(64);

	rec = mailbox_get_record(cmd->client->mailbox, seq);
	str_printfa(str, "* %u FETCH (", seq);
	if (cmd->uid)
		str_printfa(str, "UID %u ", rec->uid);
	str_append(str, "FLAGS ");
	imap_keywords_write_record(str, cmd->client->mailbox, seq);
	str_append_c(str, ')');
	client_send_line(cmd->client, str_c(str));
}

/* Returns -1 on storage error, else 1 if all messages still existed. */
static int imap_store_apply(struct client_command_context *cmd,
			    const ARRAY_TYPE(seq_range) *seqs,
			    const struct imap_store_request *req,
			    const char **error_r)
{
	struct mailbox *box = cmd->client->mailbox;
	uint32_t seq;
	int ret, result = 1;

	array_foreach(seqs, range) {
		for (seq = range->seq1; seq <= range->seq2; seq++) {
			ret = mailbox_update_flags_keywords(box, seq,
				req->modify, req->flags, req->keywords,
				error_r);
			if (ret < 0)
				return -1;
			if (ret == 0)
				result = 0;
			else if (!req->silent)
				imap_store_send_flags(cmd, seq);
		}
	}
	return result;
}

bool cmd_store(struct client_command_context *cmd)
{
	struct imap_store_request req = { 0 };
	ARRAY_TYPE(seq_range) seqs;
	const char *set = NULL, *error;
	int ret;

	t_array_init(&seqs, 8);
	t_array_init(&req.keyword_names, 8);
	if (!imap_arg_get_atom(&cmd->args[0], &set) ||
	    imap_msgset_parse(cmd->client, cmd->uid, set, &seqs,
			      &error) < 0 ||
	    imap_store_parse(&cmd->args[1], &req, &error) < 0) {
		client_cmd_bad(cmd, set == NULL ? "Invalid arguments." : error);
		return true;
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
	ret = imap_store_apply(cmd, &seqs, &req, &error);
	if (ret < 0) {
		client_cmd_storage_error(cmd, error);
	} else if (ret == 0) {
		client_cmd_reply(cmd, "NO [EXPUNGEISSUED] Some of the "
				 "requested messages no longer exist.");
	} else {
		client_cmd_reply(cmd, "OK Store completed.");
	}
	return true;
}
