/* Copyright (c) Cove authors. See AUTHORS. */

/* Judging the messages of an open mailbox against a search key tree
   (imap-search-args.h): the part of SEARCH that needs no IMAP session,
   shared by the imap worker and coveadm.

   Each message is first judged on what its record holds (flags,
   keywords, UID, size, INTERNALDATE) with three-valued logic: keys that
   need the message's text are "unknown". Only if the result is still
   unknown is the message read, once, through message_decode_text(),
   which feeds every header field and text body chunk to the matchers of
   all content keys at the same time; then the tree is evaluated again. */

#include "lib.h"
#include "array.h"
#include "str.h"
#include "istream.h"
#include "mail-storage.h"
#include "message-address.h"
#include "message-date.h"
#include "message-decoder.h"
#include "message-search.h"
#include "imap-search-args.h"
#include "imap-search-match.h"

#include <strings.h>

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

struct imap_search_match {
	struct mailbox *box;
	/* The keys' evaluation state is allocated from it. */
	pool_t pool;
	struct imap_search_arg *root;
	/* "$" (RFC 5182); NULL: SAVED matches nothing */
	const ARRAY_TYPE(seq_range) *saved_uids;
	/* Keys that need the message text (HEADER, BODY, TEXT, SENT*). */
	ARRAY(struct imap_search_arg *) content_args;

	/* The message being read: the Date: header of its own header. */
	bool have_date;
	time_t sent_date;
	/* Freed after each message read. */
	pool_t msg_pool;
};

static int imap_search_eval(struct imap_search_match *ctx,
			    const struct imap_search_arg *arg, uint32_t seq);

static int imap_search_eval_children(struct imap_search_match *ctx,
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

static int imap_search_eval(struct imap_search_match *ctx,
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
		return ctx->saved_uids != NULL &&
			imap_seqset_contains(ctx->saved_uids, rec->uid);
	case IMAP_SEARCH_ARG_FLAGS:
		return (rec->flags & arg->flags) == arg->flags;
	case IMAP_SEARCH_ARG_KEYWORD:
		return (rec->keywords & leaf->keyword) != 0;
	case IMAP_SEARCH_ARG_LARGER:
		return rec->virtual_size > arg->size;
	case IMAP_SEARCH_ARG_SMALLER:
		return rec->virtual_size < arg->size;
	case IMAP_SEARCH_ARG_MODSEQ:
		return rec->modseq >= arg->modseq;
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
static void imap_search_eval_sent(struct imap_search_match *ctx,
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
static int imap_search_header_arg(struct imap_search_match *ctx,
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
static void imap_search_header(struct imap_search_match *ctx,
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
static void imap_search_body(struct imap_search_match *ctx,
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
	struct imap_search_match *ctx = context;

	if (block->type == MESSAGE_TEXT_HEADER)
		imap_search_header(ctx, block);
	else
		imap_search_body(ctx, block);
}

/* Reads message seq and sets the results of all content keys. Returns
   1, 0 if the message was expunged meanwhile, -1 on error. */
static int imap_search_read_message(struct imap_search_match *ctx,
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

int imap_search_match_message(struct imap_search_match *ctx, uint32_t seq,
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
static void imap_search_init_args(struct imap_search_match *ctx,
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

struct imap_search_match *
imap_search_match_init(pool_t pool, struct mailbox *box,
		       struct imap_search_arg *root,
		       const ARRAY_TYPE(seq_range) *saved_uids)
{
	struct imap_search_match *ctx;

	ctx = p_new(pool, struct imap_search_match, 1);
	ctx->box = box;
	ctx->pool = pool;
	ctx->root = root;
	ctx->saved_uids = saved_uids;
	p_array_init(&ctx->content_args, pool, 8);
	imap_search_init_args(ctx, root);
	return ctx;
}
