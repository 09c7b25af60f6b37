/* Copyright (c) Cove authors. See AUTHORS. */

/* THREAD and UID THREAD (RFC 5256) with the ORDEREDSUBJECT and
   REFERENCES algorithms (lib-mail's message-thread.h). The messages
   matching the search criteria are collected in batches, as SEARCH does,
   reading of each only the header fields that threading needs. */

#include "lib.h"
#include "array.h"
#include "str.h"
#include "mail-storage.h"
#include "message-date.h"
#include "message-thread.h"
#include "imap-search.h"
#include "imap-sort.h"

#include <strings.h>

/* What reading one message's header counts in the batch (imap-search.h). */
#define IMAP_THREAD_HEADER_COST 50

enum imap_thread_field {
	IMAP_THREAD_FIELD_SUBJECT,
	IMAP_THREAD_FIELD_MESSAGE_ID,
	IMAP_THREAD_FIELD_IN_REPLY_TO,
	IMAP_THREAD_FIELD_REFERENCES,
	IMAP_THREAD_FIELD_DATE,

	IMAP_THREAD_FIELD_COUNT
};

static const char *const imap_thread_fields[IMAP_THREAD_FIELD_COUNT] = {
	[IMAP_THREAD_FIELD_SUBJECT] = "Subject",
	[IMAP_THREAD_FIELD_MESSAGE_ID] = "Message-ID",
	[IMAP_THREAD_FIELD_IN_REPLY_TO] = "In-Reply-To",
	[IMAP_THREAD_FIELD_REFERENCES] = "References",
	[IMAP_THREAD_FIELD_DATE] = "Date",
};

struct imap_thread_context {
	struct client_command_context *cmd;
	struct mailbox *box;
	struct imap_search_context *search;
	bool references;

	ARRAY(struct message_thread_input) msgs;
};

static const char *imap_thread_dup(pool_t pool, const char *value)
{
	return value == NULL ? NULL : p_strdup(pool, value);
}

/* Reads the thread fields of message seq. Returns 1, 0 if it was
   expunged, -1 on error. */
static int imap_thread_add_msg(struct imap_thread_context *ctx, uint32_t seq,
			       const char **error_r)
{
	const struct mail_record *rec = mailbox_get_record(ctx->box, seq);
	const char *values[IMAP_THREAD_FIELD_COUNT];
	const char *date;
	struct message_thread_input msg;
	pool_t pool = ctx->cmd->pool;
	int tz, ret;

	ret = imap_sort_read_header_fields(ctx->box, seq, imap_thread_fields,
					   IMAP_THREAD_FIELD_COUNT, values,
					   error_r);
	if (ret <= 0)
		return ret;
	i_zero(&msg);
	msg.id = ctx->cmd->uid ? rec->uid : seq;
	date = values[IMAP_THREAD_FIELD_DATE];
	if (date == NULL ||
	    message_date_parse((const void *)date, strlen(date),
			       &msg.date, &tz) <= 0)
		msg.date = rec->received_date;
	msg.subject = imap_thread_dup(pool, values[IMAP_THREAD_FIELD_SUBJECT]);
	if (ctx->references) {
		msg.message_id = imap_thread_dup(pool,
			values[IMAP_THREAD_FIELD_MESSAGE_ID]);
		msg.in_reply_to = imap_thread_dup(pool,
			values[IMAP_THREAD_FIELD_IN_REPLY_TO]);
		msg.references = imap_thread_dup(pool,
			values[IMAP_THREAD_FIELD_REFERENCES]);
	}
	array_push_back(&ctx->msgs, &msg);
	return 1;
}

static void imap_thread_send_result(struct imap_thread_context *ctx)
{
	const struct message_thread_input *msgs;
	unsigned int count;
	string_t *str;

	msgs = array_get(&ctx->msgs, &count);
	str = t_str_new(128 + count * 8);
	str_append(str, "* THREAD ");
	if (ctx->references)
		message_thread_references(msgs, count, str);
	else
		message_thread_orderedsubject(msgs, count, str);
	client_send_line(ctx->cmd->client, str_c(str));
}

static int imap_thread_match(void *context, uint32_t seq,
			     unsigned int *cost_r, const char **error_r)
{
	*cost_r += IMAP_THREAD_HEADER_COST;
	return imap_thread_add_msg(context, seq, error_r);
}

/* Collects the next batch of messages. Returns true when done. */
static bool imap_thread_continue(struct client_command_context *cmd)
{
	struct imap_thread_context *ctx = cmd->context;
	int ret;

	ret = imap_search_run_batch(ctx->search, imap_thread_match, ctx);
	if (ret <= 0)
		return ret < 0;
	imap_thread_send_result(ctx);
	client_cmd_reply(cmd, cmd->uid ? "OK UID Thread completed." :
			 "OK Thread completed.");
	return true;
}

bool cmd_thread(struct client_command_context *cmd)
{
	struct imap_thread_context *ctx;
	const char *alg;

	ctx = p_new(cmd->pool, struct imap_thread_context, 1);
	ctx->cmd = cmd;
	ctx->box = cmd->client->mailbox;
	ctx->search = imap_search_context_create(cmd);
	p_array_init(&ctx->msgs, cmd->pool, 64);
	if (!imap_arg_get_atom(cmd->args, &alg)) {
		client_cmd_bad(cmd, "Missing threading algorithm");
		return true;
	}
	if (strcasecmp(alg, "REFERENCES") == 0)
		ctx->references = true;
	else if (strcasecmp(alg, "ORDEREDSUBJECT") != 0) {
		client_cmd_bad(cmd, "Unknown threading algorithm");
		return true;
	}
	if (imap_search_parse_criteria(ctx->search, cmd->args + 1, true) == 0)
		return true;
	cmd->context = ctx;
	if (imap_thread_continue(cmd))
		return true;
	cmd->func = imap_thread_continue;
	return false;
}
