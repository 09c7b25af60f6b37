/* Copyright (c) Cove authors. See AUTHORS. */

/* SORT and UID SORT (RFC 5256 3) with every RFC 5256 key plus
   DISPLAYFROM and DISPLAYTO (RFC 5957), and ESORT's RETURN options
   (RFC 5267 3).

   The messages matching the search criteria (imap-search.h) are
   collected in batches, like SEARCH does, and the sort keys of each are
   computed once: from its record, and when a key needs it from its
   header, which is read once and only up to its end. Then the array is
   sorted with qsort(); messages whose keys are all equal stay in
   mailbox order (RFC 5256 3). */

#include "lib.h"
#include "array.h"
#include "str.h"
#include "istream.h"
#include "mail-storage.h"
#include "message-address.h"
#include "message-date.h"
#include "message-header-decode.h"
#include "message-subject.h"
#include "imap-quote.h"
#include "imap-search.h"
#include "imap-sort.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* What reading one message's header counts in the batch (imap-search.h). */
#define IMAP_SORT_HEADER_COST 50

enum imap_sort_key {
	IMAP_SORT_ARRIVAL,
	IMAP_SORT_CC,
	IMAP_SORT_DATE,
	IMAP_SORT_FROM,
	IMAP_SORT_SIZE,
	IMAP_SORT_SUBJECT,
	IMAP_SORT_TO,
	IMAP_SORT_DISPLAYFROM,
	IMAP_SORT_DISPLAYTO,

	IMAP_SORT_KEY_COUNT
};

static const char *const imap_sort_key_names[IMAP_SORT_KEY_COUNT] = {
	[IMAP_SORT_ARRIVAL] = "ARRIVAL",
	[IMAP_SORT_CC] = "CC",
	[IMAP_SORT_DATE] = "DATE",
	[IMAP_SORT_FROM] = "FROM",
	[IMAP_SORT_SIZE] = "SIZE",
	[IMAP_SORT_SUBJECT] = "SUBJECT",
	[IMAP_SORT_TO] = "TO",
	[IMAP_SORT_DISPLAYFROM] = "DISPLAYFROM",
	[IMAP_SORT_DISPLAYTO] = "DISPLAYTO",
};

/* The header fields a key is computed from (NULL: the record). */
static const char *const imap_sort_key_headers[IMAP_SORT_KEY_COUNT] = {
	[IMAP_SORT_CC] = "Cc",
	[IMAP_SORT_DATE] = "Date",
	[IMAP_SORT_FROM] = "From",
	[IMAP_SORT_SUBJECT] = "Subject",
	[IMAP_SORT_TO] = "To",
	[IMAP_SORT_DISPLAYFROM] = "From",
	[IMAP_SORT_DISPLAYTO] = "To",
};

struct imap_sort_program {
	unsigned int count;
	enum imap_sort_key keys[IMAP_SORT_MAX_KEYS];
	bool reverse[IMAP_SORT_MAX_KEYS];
};

struct imap_sort_msg {
	const struct imap_sort_program *program;
	uint32_t seq;
	uint32_t uid;
	time_t arrival;
	time_t date;
	uoff_t size;
	/* The string keys (upper-cased for i;ascii-casemap), by key; NULL
	   for keys not in the program. */
	const char *strs[IMAP_SORT_KEY_COUNT];
};

struct imap_sort_context {
	struct client_command_context *cmd;
	struct mailbox *box;
	struct imap_search_context *search;
	struct imap_sort_program program;
	enum imap_search_return return_options;
	/* By key: the header fields the program's keys need. */
	const char *header_names[IMAP_SORT_KEY_COUNT];
	bool need_header;

	ARRAY(struct imap_sort_msg) msgs;
};

static int imap_sort_cmp_key(const struct imap_sort_msg *m1,
			     const struct imap_sort_msg *m2,
			     enum imap_sort_key key)
{
	switch (key) {
	case IMAP_SORT_ARRIVAL:
		return m1->arrival < m2->arrival ? -1 :
			m1->arrival > m2->arrival;
	case IMAP_SORT_DATE:
		return m1->date < m2->date ? -1 : m1->date > m2->date;
	case IMAP_SORT_SIZE:
		return m1->size < m2->size ? -1 : m1->size > m2->size;
	default:
		return strcmp(m1->strs[key], m2->strs[key]);
	}
}

static int imap_sort_msg_cmp(const struct imap_sort_msg *m1,
			     const struct imap_sort_msg *m2)
{
	const struct imap_sort_program *prog = m1->program;
	unsigned int i;
	int ret;

	for (i = 0; i < prog->count; i++) {
		ret = imap_sort_cmp_key(m1, m2, prog->keys[i]);
		if (ret != 0)
			return prog->reverse[i] ? -ret : ret;
	}
	return m1->seq < m2->seq ? -1 : m1->seq > m2->seq;
}

/* Parses the sort criteria list. Returns 0, or -1 with error_r. */
static int imap_sort_parse_program(const struct imap_arg *list,
				   struct imap_sort_program *prog,
				   const char **error_r)
{
	const char *name;
	bool reverse = false;
	unsigned int i;

	for (; !imap_arg_is_eol(list); list++) {
		if (!imap_arg_get_atom(list, &name)) {
			*error_r = "Invalid sort key";
			return -1;
		}
		if (strcasecmp(name, "REVERSE") == 0) {
			if (reverse) {
				*error_r = "REVERSE given twice";
				return -1;
			}
			reverse = true;
			continue;
		}
		for (i = 0; i < IMAP_SORT_KEY_COUNT; i++) {
			if (strcasecmp(name, imap_sort_key_names[i]) == 0)
				break;
		}
		if (i == IMAP_SORT_KEY_COUNT) {
			*error_r = t_strdup_printf("Unknown sort key: %s",
						   name);
			return -1;
		}
		if (prog->count == IMAP_SORT_MAX_KEYS) {
			*error_r = "Too many sort keys";
			return -1;
		}
		prog->keys[prog->count] = i;
		prog->reverse[prog->count] = reverse;
		prog->count++;
		reverse = false;
	}
	if (reverse || prog->count == 0) {
		*error_r = reverse ? "REVERSE without a sort key" :
			"Empty sort criteria";
		return -1;
	}
	return 0;
}

/* Upper-cases ASCII letters of str in place (i;ascii-casemap). */
static char *imap_sort_ucase(char *str)
{
	char *p;

	for (p = str; *p != '\0'; p++) {
		if (*p >= 'a' && *p <= 'z')
			*p -= 'a' - 'A';
	}
	return str;
}

/* The string key of key from the header field value (NULL if missing),
   allocated from pool; addresses are parsed in tmp_pool. */
static const char *
imap_sort_get_str(pool_t pool, pool_t tmp_pool, enum imap_sort_key key,
		  const char *value)
{
	const struct message_address *addr;
	string_t *str;

	if (value == NULL)
		return "";
	str = t_str_new(128);
	if (key == IMAP_SORT_SUBJECT) {
		(void)message_subject_get_base((const void *)value,
					       strlen(value), str);
		return p_strdup(pool, str_c(str));
	}
	/* the first address; a group's start gives the group's name */
	addr = message_address_parse(tmp_pool, (const void *)value,
				     strlen(value), 1);
	if (addr == NULL || addr->mailbox == NULL)
		return "";
	if (key != IMAP_SORT_DISPLAYFROM && key != IMAP_SORT_DISPLAYTO)
		return imap_sort_ucase(p_strdup(pool, addr->mailbox));
	/* RFC 5957: the display name, or the addr-spec without one */
	if (addr->name != NULL && addr->name[0] != '\0') {
		message_header_decode_utf8((const void *)addr->name,
					   strlen(addr->name), str);
	}
	if (str_len(str) == 0) {
		str_append(str, addr->mailbox);
		if (addr->domain != NULL)
			str_printfa(str, "@%s", addr->domain);
	}
	return imap_sort_ucase(p_strdup(pool, str_c(str)));
}

int imap_sort_read_header_fields(struct mailbox *box, uint32_t seq,
				 const char *const *names, unsigned int count,
				 const char **values_r, const char **error_r)
{
	struct istream *input;
	string_t *field = NULL, **fields;
	const char *line, *colon, *name;
	size_t total = 0, name_len;
	unsigned int i;
	int ret;

	ret = mailbox_open_mail_stream(box, seq, &input, error_r);
	if (ret <= 0)
		return ret;
	fields = t_new(string_t *, count);
	while ((line = i_stream_read_next_line(input)) != NULL) {
		total += strlen(line) + 1;
		if (line[0] == '\0' || total > IMAP_SORT_MAX_HEADER_SIZE)
			break;
		if (line[0] == ' ' || line[0] == '\t') {
			/* a continuation of the field being kept */
			if (field != NULL)
				str_append(field, line);
			continue;
		}
		field = NULL;
		colon = strchr(line, ':');
		if (colon == NULL)
			continue;
		name_len = colon - line;
		while (name_len > 0 && (line[name_len - 1] == ' ' ||
					line[name_len - 1] == '\t'))
			name_len--;
		name = t_strndup(line, name_len);
		for (i = 0; i < count; i++) {
			if (names[i] == NULL || fields[i] != NULL ||
			    strcasecmp(name, names[i]) != 0)
				continue;
			if (field == NULL) {
				field = t_str_new(128);
				str_append(field, colon + 1);
			}
			fields[i] = field;
		}
	}
	i_stream_destroy(&input);
	for (i = 0; i < count; i++)
		values_r[i] = fields[i] == NULL ? NULL : str_c(fields[i]);
	return 1;
}

/* Computes the sort keys of message seq. Returns 1, 0 if it was
   expunged, -1 on error. */
static int imap_sort_add_msg(struct imap_sort_context *ctx, uint32_t seq,
			     unsigned int *cost_r, const char **error_r)
{
	const struct mail_record *rec = mailbox_get_record(ctx->box, seq);
	const char *values[IMAP_SORT_KEY_COUNT] = { NULL };
	struct imap_sort_msg msg;
	pool_t tmp_pool;
	unsigned int i;
	enum imap_sort_key key;
	int tz, ret;

	i_zero(&msg);
	msg.program = &ctx->program;
	msg.seq = seq;
	msg.uid = rec->uid;
	msg.arrival = rec->received_date;
	msg.date = rec->received_date;
	msg.size = rec->virtual_size;
	if (ctx->need_header) {
		*cost_r += IMAP_SORT_HEADER_COST;
		ret = imap_sort_read_header_fields(ctx->box, seq,
						   ctx->header_names,
						   IMAP_SORT_KEY_COUNT,
						   values, error_r);
		if (ret <= 0)
			return ret;
	}
	tmp_pool = pool_alloconly_create("sort addresses", 512);
	for (i = 0; i < ctx->program.count; i++) {
		key = ctx->program.keys[i];
		if (key == IMAP_SORT_DATE) {
			/* RFC 5256: INTERNALDATE if there is no valid Date */
			if (values[key] != NULL &&
			    message_date_parse((const void *)values[key],
					       strlen(values[key]),
					       &msg.date, &tz) <= 0)
				msg.date = rec->received_date;
		} else if (imap_sort_key_headers[key] != NULL) {
			msg.strs[key] = imap_sort_get_str(ctx->cmd->pool,
							  tmp_pool, key,
							  values[key]);
		}
	}
	pool_unref(&tmp_pool);
	array_push_back(&ctx->msgs, &msg);
	return 1;
}

static void imap_sort_send_esearch(struct imap_sort_context *ctx)
{
	enum imap_search_return opts = ctx->return_options;
	const struct imap_sort_msg *msgs;
	unsigned int i, count;
	uint32_t num, start;
	string_t *str = t_str_new(256);

	msgs = array_get(&ctx->msgs, &count);
	str_append(str, "* ESEARCH (TAG ");
	imap_append_string(str, ctx->cmd->tag);
	str_append_c(str, ')');
	if (ctx->cmd->uid)
		str_append(str, " UID");
	/* RFC 5267 3.1: MIN and MAX are the first and last in sort order */
	if ((opts & IMAP_SEARCH_RETURN_MIN) != 0 && count > 0) {
		str_printfa(str, " MIN %u", ctx->cmd->uid ? msgs[0].uid :
			    msgs[0].seq);
	}
	if ((opts & IMAP_SEARCH_RETURN_MAX) != 0 && count > 0) {
		str_printfa(str, " MAX %u", ctx->cmd->uid ?
			    msgs[count - 1].uid : msgs[count - 1].seq);
	}
	if ((opts & IMAP_SEARCH_RETURN_ALL) != 0 && count > 0) {
		/* in sort order: ranges only where the numbers ascend by 1 */
		str_append(str, " ALL ");
		for (i = 0; i < count; i++) {
			start = ctx->cmd->uid ? msgs[i].uid : msgs[i].seq;
			num = start;
			while (i + 1 < count &&
			       (ctx->cmd->uid ? msgs[i + 1].uid :
				msgs[i + 1].seq) == num + 1) {
				num++;
				i++;
			}
			if (start != (ctx->cmd->uid ? msgs[0].uid :
				      msgs[0].seq))
				str_append_c(str, ',');
			str_printfa(str, "%u", start);
			if (num != start)
				str_printfa(str, ":%u", num);
		}
	}
	if ((opts & IMAP_SEARCH_RETURN_COUNT) != 0)
		str_printfa(str, " COUNT %u", count);
	client_send_line(ctx->cmd->client, str_c(str));
}

static void imap_sort_send_result(struct imap_sort_context *ctx)
{
	string_t *str;

	if (ctx->return_options != 0) {
		imap_sort_send_esearch(ctx);
		return;
	}
	str = t_str_new(128 + array_count(&ctx->msgs) * 8);
	str_append(str, "* SORT");
	array_foreach(&ctx->msgs, msg)
		str_printfa(str, " %u", ctx->cmd->uid ? msg->uid : msg->seq);
	client_send_line(ctx->cmd->client, str_c(str));
}

static int imap_sort_match(void *context, uint32_t seq, unsigned int *cost_r,
			   const char **error_r)
{
	return imap_sort_add_msg(context, seq, cost_r, error_r);
}

/* Collects the next batch of messages. Returns true when done. */
static bool imap_sort_continue(struct client_command_context *cmd)
{
	struct imap_sort_context *ctx = cmd->context;
	int ret;

	ret = imap_search_run_batch(ctx->search, imap_sort_match, ctx);
	if (ret <= 0)
		return ret < 0;
	array_sort(&ctx->msgs, imap_sort_msg_cmp);
	imap_sort_send_result(ctx);
	client_cmd_reply(cmd, cmd->uid ? "OK UID Sort completed." :
			 "OK Sort completed.");
	return true;
}

/* Parses "[RETURN (options)] (keys) charset criteria". Returns 1, or 0
   with the tagged reply set. */
static int imap_sort_parse(struct imap_sort_context *ctx,
			   const struct imap_arg *args)
{
	struct client_command_context *cmd = ctx->cmd;
	const struct imap_arg *list;
	const char *error;
	enum imap_sort_key key;
	unsigned int i;

	if (imap_search_parse_return_prefix(cmd, &args,
					    &ctx->return_options) == 0)
		return 0;
	if (!imap_arg_get_list(args, &list)) {
		client_cmd_bad(cmd, "Sort criteria list missing");
		return 0;
	}
	if (imap_sort_parse_program(list, &ctx->program, &error) < 0) {
		client_cmd_bad(cmd, error);
		return 0;
	}
	for (i = 0; i < ctx->program.count; i++) {
		key = ctx->program.keys[i];
		ctx->header_names[key] = imap_sort_key_headers[key];
		if (ctx->header_names[key] != NULL)
			ctx->need_header = true;
	}
	return imap_search_parse_criteria(ctx->search, args + 1, true);
}

bool cmd_sort(struct client_command_context *cmd)
{
	struct imap_sort_context *ctx;

	ctx = p_new(cmd->pool, struct imap_sort_context, 1);
	ctx->cmd = cmd;
	ctx->box = cmd->client->mailbox;
	ctx->search = imap_search_context_create(cmd);
	p_array_init(&ctx->msgs, cmd->pool, 64);
	if (imap_sort_parse(ctx, cmd->args) == 0)
		return true;
	cmd->context = ctx;
	if (imap_sort_continue(cmd))
		return true;
	cmd->func = imap_sort_continue;
	return false;
}
