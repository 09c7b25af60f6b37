/* Copyright (c) Cove authors. See AUTHORS. */

/* SEARCH and UID SEARCH (RFC 3501 6.4.4), with the ESEARCH result
   options of RFC 4731 (SEARCH RETURN (MIN MAX ALL COUNT)).

   Each message is first judged on what its record holds (flags,
   keywords, UID, size, INTERNALDATE) with three-valued logic: keys that
   need the message's text are "unknown". Only if the result is still
   unknown is the message read, once, through message_decode_text(),
   which feeds every header field and text body chunk to the matchers of
   all content keys at the same time; then the tree is evaluated again.

   The mailbox is searched in batches: after IMAP_SEARCH_BATCH_COST the
   command yields to the ioloop and continues from the output callback,
   so one large SEARCH does not stall the process's other clients. */

#include "lib.h"
#include "array.h"
#include "str.h"
#include "istream.h"
#include "mail-storage.h"
#include "charset-utf8.h"
#include "message-address.h"
#include "message-date.h"
#include "message-decoder.h"
#include "message-search.h"
#include "imap-quote.h"
#include "imap-search-args.h"
#include "imap-search.h"
#include "imap-search-update.h"

#include <strings.h>

/* Work done per run before yielding: 1 per message looked at, plus
   IMAP_SEARCH_READ_COST per message read. */
#define IMAP_SEARCH_BATCH_COST 20000
#define IMAP_SEARCH_READ_COST 100
/* Addresses of one header field that address searches look at. */
#define IMAP_SEARCH_MAX_ADDRESSES 10000

/* Header fields holding address lists: searched in their normalised
   form "Name <mailbox@domain>, group: a@b;" with comments dropped. */
static const char *const imap_search_address_headers[] = {
	"From", "To", "Cc", "Bcc", "Sender", "Reply-To",
	"Resent-From", "Resent-To", "Resent-Cc", "Resent-Bcc",
	"Resent-Sender",
};

/* Evaluation state of a key: -1 unknown, 0 no match, 1 match. */
struct imap_search_leaf {
	int result;
	/* HEADER, BODY, TEXT */
	struct message_search *search;
	/* KEYWORD: the keyword's bit, 0 if the mailbox has no such
	   keyword */
	uint32_t keyword;
};

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
	/* Keys that need the message text (HEADER, BODY, TEXT, SENT*). */
	ARRAY(struct imap_search_arg *) content_args;

	uint32_t next_seq;
	/* The matching sequence numbers (or UIDs), ascending. */
	ARRAY_TYPE(seq_range) result;
	uint32_t result_count;

	/* The message being read: the Date: header of its own header. */
	bool have_date;
	time_t sent_date;
	/* Freed after each message read. */
	pool_t msg_pool;
};

static int imap_search_eval(struct imap_search_context *ctx,
			    const struct imap_search_arg *arg, uint32_t seq);

static int imap_search_eval_children(struct imap_search_context *ctx,
				     const struct imap_search_arg *arg,
				     uint32_t seq)
{
	/* AND stops at the first 0, OR at the first 1 */
	int stop = arg->type == IMAP_SEARCH_ARG_AND ? 0 : 1;
	int ret = !stop, child_ret;
	const struct imap_search_arg *child;

	for (child = arg->children; child != NULL; child = child->next) {
		child_ret = imap_search_eval(ctx, child, seq);
		if (child_ret == stop)
			return stop;
		if (child_ret < 0)
			ret = -1;
	}
	return ret;
}

/* The start (00:00 UTC) of the day that t falls on in the server's
   local time zone. */
static time_t imap_search_local_day(time_t t)
{
	struct tm tm;

	if (localtime_r(&t, &tm) == NULL)
		return t;
	return message_date_utc_mktime(tm.tm_year + 1900, tm.tm_mon + 1,
				       tm.tm_mday, 0, 0, 0);
}

/* Compares day (a day's start) with arg's date for BEFORE/ON/SINCE. */
static int imap_search_cmp_day(enum imap_search_arg_type type, time_t day,
			       time_t date)
{
	switch (type) {
	case IMAP_SEARCH_ARG_BEFORE:
	case IMAP_SEARCH_ARG_SENTBEFORE:
		return day < date;
	case IMAP_SEARCH_ARG_ON:
	case IMAP_SEARCH_ARG_SENTON:
		return day == date;
	default:
		return day >= date;
	}
}

static int imap_search_eval(struct imap_search_context *ctx,
			    const struct imap_search_arg *arg, uint32_t seq)
{
	const struct mail_record *rec = mailbox_get_record(ctx->box, seq);
	const struct imap_search_leaf *leaf = arg->context;
	int ret;

	switch (arg->type) {
	case IMAP_SEARCH_ARG_AND:
	case IMAP_SEARCH_ARG_OR:
		return imap_search_eval_children(ctx, arg, seq);
	case IMAP_SEARCH_ARG_NOT:
		ret = imap_search_eval(ctx, arg->children, seq);
		return ret < 0 ? -1 : !ret;
	case IMAP_SEARCH_ARG_ALL:
		return 1;
	case IMAP_SEARCH_ARG_SEQSET:
		return imap_seqset_contains(&arg->seqset, seq);
	case IMAP_SEARCH_ARG_UIDSET:
		return imap_seqset_contains(&arg->seqset, rec->uid);
	case IMAP_SEARCH_ARG_SAVED:
		return imap_seqset_contains(&ctx->client->search_saved_uids,
					    rec->uid);
	case IMAP_SEARCH_ARG_FLAGS:
		return (rec->flags & arg->flags) == arg->flags;
	case IMAP_SEARCH_ARG_KEYWORD:
		return (rec->keywords & leaf->keyword) != 0;
	case IMAP_SEARCH_ARG_LARGER:
		return rec->virtual_size > arg->size;
	case IMAP_SEARCH_ARG_SMALLER:
		return rec->virtual_size < arg->size;
	case IMAP_SEARCH_ARG_BEFORE:
	case IMAP_SEARCH_ARG_ON:
	case IMAP_SEARCH_ARG_SINCE:
		return imap_search_cmp_day(arg->type,
			imap_search_local_day(rec->received_date), arg->date);
	default:
		return leaf->result;
	}
}

/* Sets the result of the SENT* keys from the Date: header read. */
static void imap_search_eval_sent(struct imap_search_context *ctx,
				  struct imap_search_arg *arg)
{
	struct imap_search_leaf *leaf = arg->context;
	/* as Dovecot does, a message without a valid Date: counts as sent
	   on 1-Jan-1970 */
	time_t sent = ctx->have_date ? ctx->sent_date : 0;
	time_t day;

	day = sent - (sent % 86400 + 86400) % 86400;
	leaf->result = imap_search_cmp_day(arg->type, day, arg->date);
}

static bool imap_search_is_address_header(const char *name)
{
	unsigned int i;

	for (i = 0; i < N_ELEMENTS(imap_search_address_headers); i++) {
		if (strcasecmp(name, imap_search_address_headers[i]) == 0)
			return true;
	}
	return false;
}

/* Appends a display name, as a quoted-string if it is not a phrase of
   atoms (RFC 5322 3.2.3; '.' is allowed as in obs-phrase). */
static void imap_search_append_name(string_t *str, const char *name)
{
	const char *p;

	if (name[strcspn(name, "()<>[]:;@\\,\"")] == '\0') {
		str_append(str, name);
		return;
	}
	str_append_c(str, '"');
	for (p = name; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\')
			str_append_c(str, '\\');
		str_append_c(str, *p);
	}
	str_append_c(str, '"');
}

/* Writes the address list in data in its normalised form (temporary
   frame). */
static string_t *imap_search_addresses(pool_t pool, const unsigned char *data,
				       size_t size)
{
	const struct message_address *addr;
	string_t *str = t_str_new(size + 16);
	const char *sep = "";

	addr = message_address_parse(pool, data, size,
				     IMAP_SEARCH_MAX_ADDRESSES);
	for (; addr != NULL; addr = addr->next) {
		if (addr->mailbox == NULL) {
			/* end of group */
			str_append_c(str, ';');
			sep = ", ";
			continue;
		}
		str_append(str, sep);
		if (addr->domain == NULL) {
			str_printfa(str, "%s:", addr->mailbox);
			sep = " ";
			continue;
		}
		if (addr->name != NULL) {
			imap_search_append_name(str, addr->name);
			str_append(str, " <");
		}
		str_printfa(str, "%s@%s", addr->mailbox, addr->domain);
		if (addr->name != NULL)
			str_append_c(str, '>');
		sep = ", ";
	}
	return str;
}

/* Matches a HEADER key against a top-level header field. */
static int imap_search_header_arg(struct imap_search_context *ctx,
				  struct imap_search_leaf *leaf,
				  const struct message_text_block *block)
{
	string_t *addresses;

	if (!imap_search_is_address_header(block->hdr_name))
		return message_search_is_in(leaf->search, block->data,
					    block->size);
	addresses = imap_search_addresses(ctx->msg_pool, block->data,
					  block->size);
	return message_search_is_in(leaf->search, str_data(addresses),
				    str_len(addresses));
}

/* A header field of the message (or of a MIME part) was read. */
static void imap_search_header(struct imap_search_context *ctx,
			       const struct message_text_block *block)
{
	struct imap_search_arg *arg;
	struct imap_search_leaf *leaf;
	bool top = block->top_level;
	int tz;

	if (top && !ctx->have_date &&
	    strcasecmp(block->hdr_name, "Date") == 0) {
		if (message_date_parse(block->data, block->size,
				       &ctx->sent_date, &tz) > 0) {
			/* the day as written in the header's own zone */
			ctx->sent_date += tz * 60;
			ctx->have_date = true;
		}
	}
	array_foreach(&ctx->content_args, argp) {
		arg = *argp;
		leaf = arg->context;
		if (leaf->result > 0)
			continue;
		if (arg->type == IMAP_SEARCH_ARG_HEADER && top &&
		    strcasecmp(arg->hdr_name, block->hdr_name) == 0) {
			leaf->result = imap_search_header_arg(ctx, leaf,
							      block);
		} else if (arg->type == IMAP_SEARCH_ARG_TEXT) {
			message_search_reset(leaf->search);
			message_search_more(leaf->search,
				(const void *)block->hdr_name,
				strlen(block->hdr_name));
			message_search_more(leaf->search,
				(const void *)": ", 2);
			message_search_more(leaf->search, block->data,
					    block->size);
			leaf->result = message_search_has_matched(leaf->search);
		}
	}
}

/* A chunk of a text part's body was read. */
static void imap_search_body(struct imap_search_context *ctx,
			     const struct message_text_block *block)
{
	struct imap_search_arg *arg;
	struct imap_search_leaf *leaf;

	array_foreach(&ctx->content_args, argp) {
		arg = *argp;
		leaf = arg->context;
		if (leaf->result > 0 || (arg->type != IMAP_SEARCH_ARG_BODY &&
					 arg->type != IMAP_SEARCH_ARG_TEXT))
			continue;
		/* matches do not span parts */
		if (block->part_start)
			message_search_reset(leaf->search);
		message_search_more(leaf->search, block->data, block->size);
		leaf->result = message_search_has_matched(leaf->search);
	}
}

static void imap_search_text_block(const struct message_text_block *block,
				   void *context)
{
	struct imap_search_context *ctx = context;

	if (block->type == MESSAGE_TEXT_HEADER)
		imap_search_header(ctx, block);
	else
		imap_search_body(ctx, block);
}

/* Reads message seq and sets the results of all content keys. Returns
   1, 0 if the message was expunged meanwhile, -1 on error. */
static int imap_search_read_message(struct imap_search_context *ctx,
				    uint32_t seq, const char **error_r)
{
	struct imap_search_arg *arg;
	struct imap_search_leaf *leaf;
	struct istream *input;
	int ret;

	ret = mailbox_open_mail_stream(ctx->box, seq, &input, error_r);
	if (ret <= 0)
		return ret;
	array_foreach(&ctx->content_args, argp) {
		arg = *argp;
		leaf = arg->context;
		leaf->result = 0;
		if (leaf->search != NULL)
			message_search_reset(leaf->search);
	}
	ctx->have_date = false;
	ctx->msg_pool = pool_alloconly_create("search message", 1024);
	ret = message_decode_text(input, imap_search_text_block, ctx,
				  error_r);
	pool_unref(&ctx->msg_pool);
	i_stream_destroy(&input);
	if (ret < 0)
		return -1;
	array_foreach(&ctx->content_args, argp) {
		arg = *argp;
		if (arg->type >= IMAP_SEARCH_ARG_SENTBEFORE &&
		    arg->type <= IMAP_SEARCH_ARG_SENTSINCE)
			imap_search_eval_sent(ctx, arg);
	}
	return 1;
}

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
	struct imap_search_leaf *leaf;
	int ret;

	*cost_r = 1;
	array_foreach(&ctx->content_args, argp) {
		leaf = (*argp)->context;
		leaf->result = -1;
	}
	ret = imap_search_eval(ctx, ctx->root, seq);
	if (ret >= 0)
		return ret;
	*cost_r += IMAP_SEARCH_READ_COST;
	ret = imap_search_read_message(ctx, seq, error_r);
	if (ret <= 0)
		return ret;
	ret = imap_search_eval(ctx, ctx->root, seq);
	i_assert(ret >= 0);
	return ret;
}

/* Returns the bit of the mailbox's keyword name, 0 if it has none. */
static uint32_t imap_search_keyword_bit(struct mailbox *box, const char *name)
{
	const char *const *names;
	unsigned int i, count;

	names = mailbox_get_keywords(box, &count);
	for (i = 0; i < count; i++) {
		if (names[i] != NULL && strcasecmp(names[i], name) == 0)
			return 1U << i;
	}
	return 0;
}

/* Gives every key that needs it its evaluation state. */
static void imap_search_init_args(struct imap_search_context *ctx,
				  struct imap_search_arg *arg)
{
	pool_t pool = ctx->pool;
	struct imap_search_leaf *leaf;

	for (; arg != NULL; arg = arg->next) {
		imap_search_init_args(ctx, arg->children);
		leaf = p_new(pool, struct imap_search_leaf, 1);
		arg->context = leaf;
		switch (arg->type) {
		case IMAP_SEARCH_ARG_KEYWORD:
			leaf->keyword = imap_search_keyword_bit(ctx->box,
								arg->str);
			break;
		case IMAP_SEARCH_ARG_HEADER:
		case IMAP_SEARCH_ARG_BODY:
		case IMAP_SEARCH_ARG_TEXT:
			leaf->search = message_search_init(pool, arg->str);
			array_push_back(&ctx->content_args, &arg);
			break;
		case IMAP_SEARCH_ARG_SENTBEFORE:
		case IMAP_SEARCH_ARG_SENTON:
		case IMAP_SEARCH_ARG_SENTSINCE:
			array_push_back(&ctx->content_args, &arg);
			break;
		default:
			break;
		}
	}
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
	imap_search_args_to_utf8(ctx->pool, charset, ctx->root);
	imap_search_init_args(ctx, ctx->root);
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

static int imap_search_match(void *context, uint32_t seq,
			     unsigned int *cost_r ATTR_UNUSED,
			     const char **error_r ATTR_UNUSED)
{
	struct imap_search_context *ctx = context;

	imap_search_add_result(ctx, !ctx->cmd->uid ? seq :
			       mailbox_get_record(ctx->box, seq)->uid);
	return 0;
}

/* Searches the next batch of messages. Returns true when done. */
static bool imap_search_continue(struct client_command_context *cmd)
{
	struct imap_search_context *ctx = cmd->context;
	int ret;

	ret = imap_search_run_batch(ctx, imap_search_match, ctx);
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
	p_array_init(&ctx->content_args, pool, 8);
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
