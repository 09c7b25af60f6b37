/* Copyright (c) Cove authors. See AUTHORS. */

/* SEARCH and UID SEARCH (RFC 3501 6.4.4), with the ESEARCH result
   options of RFC 4731 (SEARCH RETURN (MIN MAX ALL COUNT)).

   The messages are judged by imap-search-match.c.

   The mailbox is searched in batches: after IMAP_SEARCH_BATCH_COST the
   command yields to the ioloop and continues from the output callback,
   so one large SEARCH does not stall the process's other clients. */

#include "lib.h"
#include "array.h"
#include "str.h"
#include "mail-storage.h"
#include "charset-utf8.h"
#include "imap-quote.h"
#include "imap-search-args.h"
#include "imap-search-match.h"
#include "imap-search.h"
#include "imap-search-update.h"
#include "imap-condstore.h"

#include <strings.h>

/* Work done per run before yielding: 1 per message looked at, plus
   IMAP_SEARCH_READ_COST per message read. */
#define IMAP_SEARCH_BATCH_COST 20000

struct imap_search_context {
	/* The command; NULL once a CONTEXT=SEARCH update outlives it. */
	struct client_command_context *cmd;
	struct client *client;
	struct mailbox *box;
	/* The context, the keys and the result are allocated from it. */
	pool_t pool;
	struct imap_search_arg *root;
	/* RETURN options; 0 for a plain (RFC 3501) SEARCH. */
	enum imap_search_return return_options;
	struct imap_search_match *match;

	uint32_t next_seq;
	/* The matching sequence numbers (or UIDs), ascending. */
	ARRAY_TYPE(seq_range) result;
	uint32_t result_count;
	/* The keys have MODSEQ: the reply has the result's highest
	   modseq (RFC 7162 3.1.5). */
	bool want_modseq;
	uint64_t highest_modseq;
};

/* Appends num, greater than all numbers in ranges, to ranges. */
static void imap_search_range_append(ARRAY_TYPE(seq_range) *ranges,
				     uint32_t num)
{
	struct seq_range *last;
	struct seq_range range = { num, num };

	if (array_count(ranges) > 0) {
		last = array_idx_modifiable(ranges, array_count(ranges) - 1);
		if (last->seq2 + 1 == num) {
			last->seq2 = num;
			return;
		}
	}
	array_push_back(ranges, &range);
}

static void imap_search_add_result(struct imap_search_context *ctx,
				   uint32_t num)
{
	ctx->result_count++;
	imap_search_range_append(&ctx->result, num);
}

int imap_search_message(struct imap_search_context *ctx, uint32_t seq,
			unsigned int *cost_r, const char **error_r)
{
	return imap_search_match_message(ctx->match, seq, cost_r, error_r);
}

int imap_search_parse_return(const struct imap_arg *list,
			     enum imap_search_return *options_r,
			     const char **error_r)
{
	static const char *const names[] = {
		"MIN", "MAX", "ALL", "COUNT", "SAVE", "UPDATE"
	};
	const char *name;
	unsigned int i;

	for (; !imap_arg_is_eol(list); list++) {
		if (!imap_arg_get_atom(list, &name))
			name = "";
		for (i = 0; i < N_ELEMENTS(names); i++) {
			if (strcasecmp(name, names[i]) == 0)
				break;
		}
		if (i == N_ELEMENTS(names)) {
			*error_r = "Unknown RETURN option";
			return -1;
		}
		*options_r |= 1 << i;
	}
	/* RFC 4731 3.1: an empty list means ALL */
	if (*options_r == 0)
		*options_r = IMAP_SEARCH_RETURN_ALL;
	return 0;
}

/* Converts the strings of the text keys from the command's CHARSET to
   UTF-8 (NULL: US-ASCII, which is handled as UTF-8). */
static void imap_search_args_to_utf8(pool_t pool, const char *charset,
				     struct imap_search_arg *arg)
{
	string_t *str;

	for (; arg != NULL; arg = arg->next) {
		imap_search_args_to_utf8(pool, charset, arg->children);
		if (arg->type != IMAP_SEARCH_ARG_HEADER &&
		    arg->type != IMAP_SEARCH_ARG_BODY &&
		    arg->type != IMAP_SEARCH_ARG_TEXT)
			continue;
		T_BEGIN {
			str = t_str_new(strlen(arg->str) * 2 + 1);
			(void)charset_to_utf8_str(charset,
				(const unsigned char *)arg->str,
				strlen(arg->str), str);
			arg->str = p_strdup(pool, str_c(str));
		} T_END;
	}
}

int imap_search_parse_return_prefix(struct client_command_context *cmd,
				    const struct imap_arg **args,
				    enum imap_search_return *options_r)
{
	const struct imap_arg *list;
	const char *word, *error;

	if (!imap_arg_get_atom(*args, &word) ||
	    strcasecmp(word, "RETURN") != 0)
		return 1;
	if (!imap_arg_get_list(&(*args)[1], &list)) {
		client_cmd_bad(cmd, "RETURN needs a list");
		return 0;
	}
	if (imap_search_parse_return(list, options_r, &error) < 0) {
		client_cmd_bad(cmd, error);
		return 0;
	}
	*args += 2;
	return 1;
}

/* RFC 5182 2.1: a SEARCH RETURN (SAVE) that fails with NO empties
   "$"; one rejected with BAD leaves it, as in Dovecot. */
static void imap_search_save_failed(struct imap_search_context *ctx)
{
	if ((ctx->return_options & IMAP_SEARCH_RETURN_SAVE) != 0)
		array_clear(&ctx->cmd->client->search_saved_uids);
}

/* Parses "[RETURN (...)] [CHARSET name] keys". Returns 1, or 0 with the
   tagged reply set. */
static int imap_search_parse(struct imap_search_context *ctx,
			     const struct imap_arg *args)
{
	if (imap_search_parse_return_prefix(ctx->cmd, &args,
					    &ctx->return_options) == 0)
		return 0;
	return imap_search_parse_criteria(ctx, args, false);
}

/* Returns true if a key of args (or of their children) is MODSEQ. */
static bool imap_search_args_have_modseq(const struct imap_search_arg *args)
{
	for (; args != NULL; args = args->next) {
		if (args->type == IMAP_SEARCH_ARG_MODSEQ ||
		    imap_search_args_have_modseq(args->children))
			return true;
	}
	return false;
}

int imap_search_parse_criteria(struct imap_search_context *ctx,
			       const struct imap_arg *args,
			       bool charset_required)
{
	struct client_command_context *cmd = ctx->cmd;
	const char *word, *error, *charset = NULL;
	uint32_t count = mailbox_get_count(ctx->box);
	uint32_t last_uid;

	if (!charset_required && imap_arg_get_atom(args, &word) &&
	    strcasecmp(word, "CHARSET") == 0) {
		charset_required = true;
		args++;
	}
	if (charset_required) {
		if (!imap_arg_get_astring(args, &word)) {
			client_cmd_bad(cmd, "CHARSET needs a name");
			return 0;
		}
		if (charset_to_utf8_str(word, (const unsigned char *)"", 0,
					t_str_new(1)) < 0) {
			imap_search_save_failed(ctx);
			client_cmd_reply(cmd,
				"NO [BADCHARSET (UTF-8 US-ASCII)] "
				"Unsupported charset");
			return 0;
		}
		charset = word;
		args++;
	}
	last_uid = count == 0 ? 0 : mailbox_get_record(ctx->box, count)->uid;
	if (imap_search_args_parse(ctx->pool, args, count, last_uid,
				   &ctx->root, &error) < 0) {
		client_cmd_bad(cmd, error);
		return 0;
	}
	ctx->want_modseq = imap_search_args_have_modseq(ctx->root);
	if (ctx->want_modseq) {
		if (!imap_condstore_check_modseqs(ctx->client, &error)) {
			client_cmd_bad(cmd, error);
			return 0;
		}
		imap_condstore_turn_on(ctx->client);
	}
	imap_search_args_to_utf8(ctx->pool, charset, ctx->root);
	ctx->match = imap_search_match_init(ctx->pool, ctx->box, ctx->root,
					    &ctx->client->search_saved_uids);
	return 1;
}

/* Appends the plain SEARCH reply's numbers. */
static void imap_search_append_all(string_t *str,
				   const ARRAY_TYPE(seq_range) *result)
{
	uint32_t num;

	array_foreach(result, range) {
		for (num = range->seq1; num <= range->seq2; num++) {
			str_printfa(str, " %u", num);
			if (num == (uint32_t)-1)
				break;
		}
	}
}

void imap_search_append_seqset(string_t *str,
			       const ARRAY_TYPE(seq_range) *ranges)
{
	array_foreach(ranges, range) {
		if (range != array_front(ranges))
			str_append_c(str, ',');
		str_printfa(str, "%u", range->seq1);
		if (range->seq2 != range->seq1)
			str_printfa(str, ":%u", range->seq2);
	}
}

static void imap_search_send_esearch(struct imap_search_context *ctx)
{
	enum imap_search_return opts = ctx->return_options;
	string_t *str = t_str_new(256);
	bool empty = ctx->result_count == 0;

	str_append(str, "* ESEARCH (TAG ");
	imap_append_string(str, ctx->cmd->tag);
	str_append_c(str, ')');
	if (ctx->cmd->uid)
		str_append(str, " UID");
	if ((opts & IMAP_SEARCH_RETURN_MIN) != 0 && !empty)
		str_printfa(str, " MIN %u", array_front(&ctx->result)->seq1);
	if ((opts & IMAP_SEARCH_RETURN_MAX) != 0 && !empty)
		str_printfa(str, " MAX %u", array_back(&ctx->result)->seq2);
	if ((opts & IMAP_SEARCH_RETURN_ALL) != 0 && !empty) {
		str_append(str, " ALL ");
		imap_search_append_seqset(str, &ctx->result);
	}
	if ((opts & IMAP_SEARCH_RETURN_COUNT) != 0)
		str_printfa(str, " COUNT %u", ctx->result_count);
	if (ctx->want_modseq && !empty) {
		str_printfa(str, " MODSEQ %llu",
			    (unsigned long long)ctx->highest_modseq);
	}
	client_send_line(ctx->cmd->client, str_c(str));
}

/* The UID of a result number. */
static uint32_t imap_search_result_uid(struct imap_search_context *ctx,
				       uint32_t num)
{
	return ctx->cmd->uid ? num : mailbox_get_record(ctx->box, num)->uid;
}

/* Appends the UIDs of the result to uids. */
static void imap_search_result_uids(struct imap_search_context *ctx,
				    ARRAY_TYPE(seq_range) *uids)
{
	uint32_t num;

	array_foreach(&ctx->result, range) {
		if (ctx->cmd->uid) {
			array_push_back(uids, range);
			continue;
		}
		for (num = range->seq1; num <= range->seq2; num++) {
			imap_search_range_append(uids,
				imap_search_result_uid(ctx, num));
		}
	}
}

/* SEARCHRES: the result becomes "$"; with MIN and/or MAX but neither
   ALL nor COUNT only those messages do (RFC 5182 2.1). */
static void imap_search_save(struct imap_search_context *ctx)
{
	ARRAY_TYPE(seq_range) *saved = &ctx->cmd->client->search_saved_uids;
	enum imap_search_return opts = ctx->return_options;
	uint32_t num, min_uid;

	array_clear(saved);
	if (ctx->result_count == 0)
		return;
	if ((opts & (IMAP_SEARCH_RETURN_ALL | IMAP_SEARCH_RETURN_COUNT)) == 0 &&
	    (opts & (IMAP_SEARCH_RETURN_MIN | IMAP_SEARCH_RETURN_MAX)) != 0) {
		min_uid = imap_search_result_uid(ctx,
			array_front(&ctx->result)->seq1);
		if ((opts & IMAP_SEARCH_RETURN_MIN) != 0)
			imap_search_range_append(saved, min_uid);
		num = imap_search_result_uid(ctx,
					     array_back(&ctx->result)->seq2);
		if ((opts & IMAP_SEARCH_RETURN_MAX) != 0 &&
		    (num != min_uid || array_count(saved) == 0))
			imap_search_range_append(saved, num);
		return;
	}
	imap_search_result_uids(ctx, saved);
}

static void imap_search_send_result(struct imap_search_context *ctx)
{
	string_t *str;

	if ((ctx->return_options & IMAP_SEARCH_RETURN_SAVE) != 0)
		imap_search_save(ctx);
	if (ctx->return_options == IMAP_SEARCH_RETURN_SAVE) {
		/* RFC 5182 2.1: SAVE alone returns no ESEARCH */
		return;
	}
	if (ctx->return_options != 0) {
		imap_search_send_esearch(ctx);
		return;
	}
	str = t_str_new(128 + ctx->result_count * 8);
	str_append(str, "* SEARCH");
	imap_search_append_all(str, &ctx->result);
	if (ctx->want_modseq && ctx->result_count > 0) {
		str_printfa(str, " (MODSEQ %llu)",
			    (unsigned long long)ctx->highest_modseq);
	}
	client_send_line(ctx->cmd->client, str_c(str));
}

/* CONTEXT=SEARCH: hands ctx and its pool over to imap-search-update.c,
   or tells the client that it has too many update searches. */
static void imap_search_keep_updating(struct imap_search_context *ctx)
{
	struct client_command_context *cmd = ctx->cmd;
	ARRAY_TYPE(seq_range) uids;
	string_t *str;

	t_array_init(&uids, 16);
	imap_search_result_uids(ctx, &uids);
	ctx->cmd = NULL;
	if (imap_search_update_add(cmd->client, cmd->tag, cmd->uid, ctx,
				   ctx->pool, &uids)) {
		cmd->context = NULL;
		return;
	}
	ctx->cmd = cmd;
	str = t_str_new(128);
	str_append(str, "* NO [NOUPDATE ");
	imap_append_string(str, cmd->tag);
	str_append(str, "] Too many search updates");
	client_send_line(cmd->client, str_c(str));
}

int imap_search_run_batch(struct imap_search_context *ctx,
			  imap_search_match_func_t *match, void *context)
{
	uint32_t count = mailbox_get_count(ctx->box);
	unsigned int cost, total_cost = 0;
	const char *error;
	int ret;

	for (; ctx->next_seq <= count; ctx->next_seq++) {
		if (total_cost >= IMAP_SEARCH_BATCH_COST)
			return 0;
		T_BEGIN {
			ret = imap_search_message(ctx, ctx->next_seq, &cost,
						  &error);
			if (ret > 0) {
				ret = match(context, ctx->next_seq, &cost,
					    &error);
			}
			if (ret < 0) {
				client_cmd_storage_error(ctx->cmd,
					t_strdup_printf(
						"Reading message %u failed: %s",
						ctx->next_seq, error));
			}
		} T_END;
		if (ret < 0)
			return -1;
		total_cost += cost;
	}
	return 1;
}

static int imap_search_add_match(void *context, uint32_t seq,
			     unsigned int *cost_r ATTR_UNUSED,
			     const char **error_r ATTR_UNUSED)
{
	struct imap_search_context *ctx = context;

	if (ctx->want_modseq) {
		ctx->highest_modseq = I_MAX(ctx->highest_modseq,
			mailbox_get_record_flags(ctx->box, seq)->modseq);
	}
	imap_search_add_result(ctx, !ctx->cmd->uid ? seq :
			       mailbox_get_record(ctx->box, seq)->uid);
	return 0;
}

/* Searches the next batch of messages. Returns true when done. */
static bool imap_search_continue(struct client_command_context *cmd)
{
	struct imap_search_context *ctx = cmd->context;
	int ret;

	ret = imap_search_run_batch(ctx, imap_search_add_match, ctx);
	if (ret == 0)
		return false;
	if (ret < 0) {
		imap_search_save_failed(ctx);
		return true;
	}
	imap_search_send_result(ctx);
	if ((ctx->return_options & IMAP_SEARCH_RETURN_UPDATE) != 0)
		imap_search_keep_updating(ctx);
	client_cmd_reply(cmd, cmd->uid ? "OK UID Search completed." :
			 "OK Search completed.");
	return true;
}

static struct imap_search_context *
imap_search_context_create_pool(struct client_command_context *cmd,
				pool_t pool)
{
	struct imap_search_context *ctx;

	ctx = p_new(pool, struct imap_search_context, 1);
	ctx->cmd = cmd;
	ctx->client = cmd->client;
	ctx->box = cmd->client->mailbox;
	ctx->pool = pool;
	ctx->next_seq = 1;
	p_array_init(&ctx->result, pool, 64);
	return ctx;
}

struct imap_search_context *
imap_search_context_create(struct client_command_context *cmd)
{
	return imap_search_context_create_pool(cmd, cmd->pool);
}

static void imap_search_deinit(struct client_command_context *cmd)
{
	struct imap_search_context *ctx = cmd->context;
	pool_t pool;

	if (ctx != NULL) {
		pool = ctx->pool;
		pool_unref(&pool);
	}
}

bool cmd_search(struct client_command_context *cmd)
{
	struct imap_search_context *ctx;

	/* its own pool: with RETURN (UPDATE) the search outlives cmd */
	ctx = imap_search_context_create_pool(cmd,
		pool_alloconly_create("search", 4096));
	cmd->context = ctx;
	cmd->deinit = imap_search_deinit;
	if (imap_search_parse(ctx, cmd->args) == 0)
		return true;
	if (imap_search_continue(cmd))
		return true;
	cmd->func = imap_search_continue;
	return false;
}
