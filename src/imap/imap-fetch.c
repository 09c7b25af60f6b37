/* Copyright (c) Cove authors. See AUTHORS. */

/* FETCH and UID FETCH (RFC 3501 6.4.5, 6.4.8).

   Each message is one untagged reply: "* SEQ FETCH (" with the small
   fields, then each body item as a literal, then ")". Bodies are streamed
   a piece at a time; when the output buffer is full the command returns
   and continues from the output stream's flush callback.

   ENVELOPE, BODY, BODYSTRUCTURE and sections with part numbers need the
   message's MIME part tree: it is computed once per message per command
   (imap_fetch_parts_get()) and kept until the next message.

   CONDSTORE (RFC 7162 3.1.4): CHANGEDSINCE leaves out the messages whose
   modseq is not above it; with QRESYNC, UID FETCH's VANISHED first sends
   the UIDs of the set that were expunged (3.2.6). The flag changes of
   \Seen get their modseqs once, when the command ends. */

#include "lib.h"
#include "array.h"
#include "str.h"
#include "istream.h"
#include "buffer.h"
#include "ostream.h"
#include "mail-storage.h"
#include "message-parser.h"
#include "imap-keywords.h"
#include "imap-date.h"
#include "imap-msgset.h"
#include "imap-fetch.h"
#include "imap-fetch-binary.h"
#include "imap-fetch-body.h"
#include "imap-fetch-header.h"
#include "imap-fetch-parts.h"
#include "imap-envelope.h"
#include "imap-bodystructure.h"
#include "imap-commands.h"
#include "imap-condstore.h"

/* Stop producing while this much output is waiting for the client. */
#define IMAP_FETCH_MAX_BUFFERED (128 * 1024)

struct imap_fetch_context {
	struct client_command_context *cmd;
	struct mailbox *box;
	struct imap_fetch_request req;
	ARRAY_TYPE(seq_range) seqs;

	/* Iteration: index into seqs, and the next seq in that range
	   (0 = its start). */
	unsigned int range_idx;
	uint32_t next_seq;

	/* The message being sent (0 = between messages) and its next body
	   item. */
	uint32_t cur_seq;
	unsigned int body_idx;
	struct imap_fetch_body_stream body;
	/* Some item of the current message's reply was written. */
	bool item_written;
	/* The request needs the current message's part tree: parts (from
	   parts_pool, NULL if it could not be read); only loaded for the
	   structure items when the cache does not have them all. */
	bool need_parts;
	/* A body section needs the part tree (for its part number). */
	bool bodies_need_parts;
	pool_t parts_pool;
	struct message_part *parts;

	/* All messages have been sent. */
	bool done;
	/* Some messages were expunged by another session meanwhile. */
	bool expunged;
	bool failed;
	/* BINARY met a part with an unknown Content-Transfer-Encoding */
	bool unknown_cte;
	/* \Seen was set on some message */
	bool seen_changed;
};

static bool imap_fetch_next_seq(struct imap_fetch_context *ctx,
				uint32_t *seq_r)
{
	const struct seq_range *range;

	if (ctx->range_idx >= array_count(&ctx->seqs))
		return false;
	range = array_idx(&ctx->seqs, ctx->range_idx);
	if (ctx->next_seq == 0)
		ctx->next_seq = range->seq1;
	*seq_r = ctx->next_seq;
	if (ctx->next_seq == range->seq2) {
		ctx->range_idx++;
		ctx->next_seq = 0;
	} else {
		ctx->next_seq++;
	}
	return true;
}

/* Sets \Seen for a body fetch without .PEEK. Returns true if the flags
   changed (they are then reported in the reply). */
static bool imap_fetch_set_seen(struct imap_fetch_context *ctx, uint32_t seq)
{
	const char *error;
	int ret;

	if (!ctx->req.set_seen || mailbox_is_readonly(ctx->box) ||
	    (mailbox_get_record(ctx->box, seq)->flags & MAIL_SEEN) != 0)
		return false;
	ret = mailbox_update_flags(ctx->box, seq, MODIFY_ADD, MAIL_SEEN,
				   &error);
	if (ret < 0)
		i_error("FETCH: Setting \\Seen failed: %s", error);
	if (ret > 0)
		ctx->seen_changed = true;
	return ret > 0;
}

static void imap_fetch_write_fields(struct imap_fetch_context *ctx,
				    string_t *str, uint32_t seq,
				    bool flags_changed)
{
	enum imap_fetch_field fields = ctx->req.fields;
	const struct mail_record *rec;
	size_t start = str_len(str);

	/* UID and FLAGS alone need no I/O */
	if ((fields & (IMAP_FETCH_FIELD_INTERNALDATE |
		       IMAP_FETCH_FIELD_RFC822_SIZE)) != 0)
		rec = mailbox_get_record(ctx->box, seq);
	else
		rec = mailbox_get_record_flags(ctx->box, seq);

	if (flags_changed)
		fields |= IMAP_FETCH_FIELD_FLAGS;
	if ((fields & IMAP_FETCH_FIELD_UID) != 0)
		str_printfa(str, " UID %u", rec->uid);
	if ((fields & IMAP_FETCH_FIELD_FLAGS) != 0) {
		str_append(str, " FLAGS ");
		imap_keywords_write_record(str, ctx->box, seq);
	}
	if ((fields & IMAP_FETCH_FIELD_MODSEQ) != 0) {
		str_append_c(str, ' ');
		imap_condstore_append_modseq(str, rec);
	}
	if ((fields & IMAP_FETCH_FIELD_INTERNALDATE) != 0) {
		str_printfa(str, " INTERNALDATE \"%s\"",
			    imap_date_format(rec->received_date));
	}
	if ((fields & IMAP_FETCH_FIELD_RFC822_SIZE) != 0) {
		str_printfa(str, " RFC822.SIZE %llu",
			    (unsigned long long)rec->virtual_size);
	}
	/* the first item has no space before it */
	ctx->item_written = str_len(str) > start;
	if (ctx->item_written)
		str_delete(str, start, 1);
}


/* Parses the message's part tree into ctx->parts (NULL on failure). */
static void imap_fetch_load_parts(struct imap_fetch_context *ctx,
				  uint32_t seq)
{
	const char *error;
	int ret;

	if (ctx->parts_pool != NULL)
		pool_unref(&ctx->parts_pool);
	ctx->parts_pool = pool_alloconly_create("fetch parts", 4096);
	ret = imap_fetch_parts_get(ctx->box, seq, ctx->parts_pool,
				   &ctx->parts, &error);
	if (ret < 0) {
		i_error("FETCH: Reading message %u failed: %s", seq, error);
		ctx->failed = true;
	} else if (ret == 0) {
		ctx->expunged = true;
	}
	if (ret <= 0)
		ctx->parts = NULL;
}

/* Appends " NAME " for the next item of the reply. */
static void imap_fetch_item_name(struct imap_fetch_context *ctx,
				 string_t *str, const char *name)
{
	if (ctx->item_written)
		str_append_c(str, ' ');
	ctx->item_written = true;
	str_append(str, name);
	str_append_c(str, ' ');
}

/* ENVELOPE, BODY and BODYSTRUCTURE, in this order: each is kept in the
   mailbox's cache once computed. */
static const struct imap_fetch_structure_item {
	enum imap_fetch_field field;
	enum mailbox_cache_field cache_field;
	const char *name;
} imap_fetch_structure_items[] = {
	{ IMAP_FETCH_FIELD_ENVELOPE, MAILBOX_CACHE_FIELD_ENVELOPE,
	  "ENVELOPE" },
	{ IMAP_FETCH_FIELD_BODY, MAILBOX_CACHE_FIELD_BODY, "BODY" },
	{ IMAP_FETCH_FIELD_BODYSTRUCTURE, MAILBOX_CACHE_FIELD_BODYSTRUCTURE,
	  "BODYSTRUCTURE" },
};

/* Writes the requested structure items from the cache. Returns true if
   all of them were cached; else str and ctx are left unchanged. */
static bool imap_fetch_write_cached(struct imap_fetch_context *ctx,
				    string_t *str, uint32_t seq)
{
	bool item_written = ctx->item_written;
	size_t start = str_len(str);
	const char *value, *error;
	int ret;

	for (unsigned int i = 0; i < N_ELEMENTS(imap_fetch_structure_items);
	     i++) {
		const struct imap_fetch_structure_item *item =
			&imap_fetch_structure_items[i];

		if ((ctx->req.fields & item->field) == 0)
			continue;
		ret = mailbox_cache_lookup(ctx->box, seq, item->cache_field,
					   &value, &error);
		if (ret < 0)
			i_error("FETCH: Reading the cache failed: %s", error);
		if (ret <= 0) {
			str_truncate(str, start);
			ctx->item_written = item_written;
			return false;
		}
		imap_fetch_item_name(ctx, str, item->name);
		str_append(str, value);
	}
	return true;
}

/* Writes item from the part tree (NIL if the message is unreadable) and
   caches it. */
static void
imap_fetch_write_computed(struct imap_fetch_context *ctx, string_t *str,
			  uint32_t seq,
			  const struct imap_fetch_structure_item *item)
{
	const char *error;
	size_t start;

	imap_fetch_item_name(ctx, str, item->name);
	if (ctx->parts == NULL) {
		str_append(str, "NIL");
		return;
	}
	start = str_len(str);
	if (item->field == IMAP_FETCH_FIELD_ENVELOPE) {
		imap_envelope_write(imap_bodystructure_get_envelope(
					ctx->parts), str);
	} else {
		str_append_c(str, '(');
		imap_bodystructure_write(ctx->parts, str,
			item->field == IMAP_FETCH_FIELD_BODYSTRUCTURE);
		str_append_c(str, ')');
	}
	if (mailbox_cache_add(ctx->box, seq, item->cache_field,
			      str_c(str) + start, &error) < 0)
		i_error("FETCH: Writing the cache failed: %s", error);
}

/* The requested structure items, from the cache when it has them all
   and the part tree is not needed for a body section anyway. */
static void imap_fetch_write_structure(struct imap_fetch_context *ctx,
				       string_t *str, uint32_t seq)
{
	if (!ctx->bodies_need_parts && imap_fetch_write_cached(ctx, str, seq))
		return;
	imap_fetch_load_parts(ctx, seq);
	for (unsigned int i = 0; i < N_ELEMENTS(imap_fetch_structure_items);
	     i++) {
		const struct imap_fetch_structure_item *item =
			&imap_fetch_structure_items[i];

		if ((ctx->req.fields & item->field) != 0)
			imap_fetch_write_computed(ctx, str, seq, item);
	}
}

/* Writes the start of the reply for seq. */
static void imap_fetch_start_message(struct imap_fetch_context *ctx,
				     uint32_t seq)
{
	string_t *str = t_str_new(128);
	bool flags_changed;

	flags_changed = imap_fetch_set_seen(ctx, seq);
	str_printfa(str, "* %u FETCH (", seq);
	imap_fetch_write_fields(ctx, str, seq, flags_changed);
	if (ctx->need_parts)
		imap_fetch_write_structure(ctx, str, seq);
	o_stream_nsend(ctx->cmd->client->worker.output, str_data(str),
		       str_len(str));
	ctx->cur_seq = seq;
	ctx->body_idx = 0;
}

/* The literal of a header section from the header's stored form. */
static string_t *imap_fetch_header_literal(const struct imap_fetch_body *body,
					   const buffer_t *header)
{
	string_t *literal = t_str_new(header->used + 64);

	if (body->section == IMAP_FETCH_SECTION_HEADER_FIELDS ||
	    body->section == IMAP_FETCH_SECTION_HEADER_FIELDS_NOT) {
		imap_fetch_header_filter(header->data, header->used,
			body->fields,
			body->section == IMAP_FETCH_SECTION_HEADER_FIELDS_NOT,
			literal);
	} else {
		imap_fetch_header_append_crlf(literal, header->data,
					      header->used);
	}
	return literal;
}

/* imap_fetch_prepare_section() for a section with a part number. */
static int imap_fetch_prepare_part(struct imap_fetch_context *ctx,
				   const struct imap_fetch_body *body,
				   struct istream *input, uoff_t *size_r,
				   string_t **literal_r, const char **error_r)
{
	struct imap_fetch_part_range range;
	buffer_t *header;

	if (ctx->parts == NULL)
		return 0;
	if (!imap_fetch_parts_range(ctx->parts, body, &range)) {
		/* no such section: empty, as Dovecot does */
		*literal_r = t_str_new(1);
		*size_r = 0;
		return 1;
	}
	if (imap_fetch_body_consume(input, range.offset, NULL, error_r) < 0)
		return -1;
	*size_r = range.virtual_size;
	if (!range.header)
		return 1;
	header = t_str_new(range.physical_size + 1);
	if (imap_fetch_body_consume(input, range.physical_size, header,
				    error_r) < 0)
		return -1;
	*literal_r = imap_fetch_header_literal(body, header);
	*size_r = str_len(*literal_r);
	return 1;
}

/* Prepares a section of the message: for header sections the whole
   literal in literal_r (temporary), otherwise positions input and gives
   the section's size in CRLF form. Returns 1, 0 if the message could not
   be parsed, -1 with error_r on a read error. */
static int imap_fetch_prepare_section(struct imap_fetch_context *ctx,
				      const struct imap_fetch_body *body,
				      struct istream *input, uoff_t *size_r,
				      string_t **literal_r,
				      const char **error_r)
{
	uoff_t full_size, hdr_size;
	buffer_t *header;

	*literal_r = NULL;
	if (body->part != NULL) {
		return imap_fetch_prepare_part(ctx, body, input, size_r,
					       literal_r, error_r);
	}
	full_size = mailbox_get_record(ctx->box, ctx->cur_seq)->virtual_size;
	*size_r = full_size;
	if (body->section == IMAP_FETCH_SECTION_ALL)
		return 1;
	header = t_str_new(4096);
	if (imap_fetch_header_read(input, header, error_r) < 0)
		return -1;
	if (body->section == IMAP_FETCH_SECTION_TEXT) {
		hdr_size = imap_fetch_header_crlf_size(header->data,
						       header->used);
		*size_r = full_size > hdr_size ? full_size - hdr_size : 0;
		return 1;
	}
	*literal_r = imap_fetch_header_literal(body, header);
	*size_r = str_len(*literal_r);
	return 1;
}

/* Narrows size to the partial range of body. Returns its origin. */
static uoff_t imap_fetch_partial_range(const struct imap_fetch_body *body,
				       uoff_t *size)
{
	uoff_t origin;

	if (!body->partial)
		return 0;
	origin = I_MIN(body->origin, *size);
	*size = I_MIN(body->count, *size - origin);
	return origin;
}

/* BINARY[part] and BINARY.SIZE[...] (RFC 3516): writes the item after
   sep, a literal8 if its data has NUL bytes. A part that does not exist
   is empty; one with an unknown encoding is NIL and fails the command.
   Returns 1, 0 if the message could not be parsed, -1 with error_r on a
   read error. */
static int imap_fetch_write_binary(struct imap_fetch_context *ctx,
				   const struct imap_fetch_body *body,
				   struct istream *input, const char *sep,
				   const char **error_r)
{
	struct ostream *output = ctx->cmd->client->worker.output;
	enum imap_fetch_binary_result result = IMAP_FETCH_BINARY_OK;
	struct message_part *part;
	const unsigned char *bytes;
	buffer_t *data;
	uoff_t origin, size;

	if (body->part == NULL) {
		/* BINARY.SIZE[]: the message itself is not encoded */
		size = mailbox_get_record(ctx->box, ctx->cur_seq)->virtual_size;
		o_stream_nsend_str(output, t_strdup_printf("%s%s %llu", sep,
			body->name, (unsigned long long)size));
		return 1;
	}
	if (ctx->parts == NULL)
		return 0;
	data = t_str_new(1024);
	part = message_part_find(ctx->parts, body->part);
	if (part != NULL)
		result = imap_fetch_binary_decode(input, part, data, error_r);
	if (result == IMAP_FETCH_BINARY_ERROR)
		return -1;
	if (result == IMAP_FETCH_BINARY_UNKNOWN_CTE) {
		ctx->unknown_cte = true;
		o_stream_nsend_str(output, t_strdup_printf("%s%s NIL", sep,
							   body->name));
		return 1;
	}
	size = data->used;
	if (body->binary_size) {
		o_stream_nsend_str(output, t_strdup_printf("%s%s %llu", sep,
			body->name, (unsigned long long)size));
		return 1;
	}
	origin = imap_fetch_partial_range(body, &size);
	bytes = (const unsigned char *)data->data + origin;
	o_stream_nsend_str(output, t_strdup_printf("%s%s %s{%llu}\r\n", sep,
		body->name, memchr(bytes, '\0', size) == NULL ? "" : "~",
		(unsigned long long)size));
	o_stream_nsend(output, bytes, size);
	return 1;
}

/* Opens the next body item and writes its literal header (and all of a
   header literal), or NIL if the message cannot be read any more. */
static void imap_fetch_start_body(struct imap_fetch_context *ctx)
{
	struct ostream *output = ctx->cmd->client->worker.output;
	const struct imap_fetch_body *body;
	struct istream *input = NULL;
	string_t *literal;
	uoff_t origin, size;
	const char *sep, *error = NULL;
	int ret;

	body = array_idx(&ctx->req.bodies, ctx->body_idx++);
	sep = ctx->item_written ? " " : "";
	ctx->item_written = true;
	ret = mailbox_open_mail_stream(ctx->box, ctx->cur_seq, &input,
				       &error);
	if (ret > 0 && (body->binary_size ||
			(body->binary && body->part != NULL))) {
		ret = imap_fetch_write_binary(ctx, body, input, sep, &error);
		if (ret > 0) {
			i_stream_destroy(&input);
			return;
		}
	} else if (ret > 0) {
		ret = imap_fetch_prepare_section(ctx, body, input, &size,
						 &literal, &error);
	}
	if (ret < 0) {
		i_error("FETCH: Reading message %u failed: %s",
			ctx->cur_seq, error);
		ctx->failed = true;
	}
	if (ret == 0)
		ctx->expunged = true;
	if (ret <= 0) {
		if (input != NULL)
			i_stream_destroy(&input);
		o_stream_nsend_str(output, t_strdup_printf("%s%s NIL", sep,
							   body->name));
		return;
	}
	origin = imap_fetch_partial_range(body, &size);
	o_stream_nsend_str(output, t_strdup_printf("%s%s {%llu}\r\n", sep,
		body->name, (unsigned long long)size));
	if (literal != NULL) {
		o_stream_nsend(output, str_data(literal) + origin, size);
		i_stream_destroy(&input);
		return;
	}
	ctx->body = (struct imap_fetch_body_stream){
		.input = input, .skip = origin, .left = size
	};
}

/* Continues the current body literal. Returns false if the output is
   full. */
static bool imap_fetch_send_body(struct imap_fetch_context *ctx)
{
	struct client *client = ctx->cmd->client;
	const char *error;
	int ret;

	ret = imap_fetch_body_send(&ctx->body, client->worker.output,
				   IMAP_FETCH_MAX_BUFFERED, &error);
	if (ret == 0)
		return false;
	if (ret < 0) {
		/* the literal cannot be completed */
		i_error("FETCH: Reading message %u failed: %s",
			ctx->cur_seq, error);
		client_disconnect(client, "FETCH failed");
	} else if (ctx->body.padded) {
		i_error("FETCH: Message %u changed size while it was sent",
			ctx->cur_seq);
	}
	i_stream_destroy(&ctx->body.input);
	return true;
}

/* Produces output until done (true) or the output is full (false). */
static bool imap_fetch_step(struct imap_fetch_context *ctx)
{
	struct ostream *output = ctx->cmd->client->worker.output;
	uint32_t seq;

	if (ctx->body.input != NULL)
		return imap_fetch_send_body(ctx);
	if (ctx->cur_seq != 0) {
		if (ctx->body_idx < array_count(&ctx->req.bodies)) {
			T_BEGIN {
				imap_fetch_start_body(ctx);
			} T_END;
			return true;
		}
		o_stream_nsend(output, ")\r\n", 3);
		ctx->cur_seq = 0;
	}
	if (o_stream_get_buffer_used_size(output) >= IMAP_FETCH_MAX_BUFFERED)
		return false;
	if (!imap_fetch_next_seq(ctx, &seq)) {
		ctx->done = true;
		return true;
	}
	T_BEGIN {
		imap_fetch_start_message(ctx, seq);
	} T_END;
	return true;
}

static void imap_fetch_set_reply(struct imap_fetch_context *ctx)
{
	const char *error;

	if (ctx->seen_changed && mailbox_flags_commit(ctx->box, &error) < 0)
		i_error("FETCH: Committing flag changes failed: %s", error);
	if (mailbox_cache_commit(ctx->box, &error) < 0)
		i_error("FETCH: Writing the cache failed: %s", error);
	if (ctx->failed) {
		client_cmd_storage_error(ctx->cmd, "Reading messages failed");
	} else if (ctx->expunged) {
		client_cmd_reply(ctx->cmd, "NO [EXPUNGEISSUED] Some of the "
				 "requested messages no longer exist.");
	} else if (ctx->unknown_cte) {
		client_cmd_reply(ctx->cmd, "NO [UNKNOWN-CTE] Unknown "
				 "Content-Transfer-Encoding.");
	} else {
		client_cmd_reply(ctx->cmd, "OK Fetch completed.");
	}
}

static bool imap_fetch_continue(struct client_command_context *cmd)
{
	struct imap_fetch_context *ctx = cmd->context;
	struct client *client = cmd->client;

	while (!ctx->done) {
		if (client->worker.output->stream_errno != 0)
			client_disconnect(client, "Connection closed");
		if (client->worker.disconnected)
			break;
		if (!imap_fetch_step(ctx))
			return false;
	}
	imap_fetch_set_reply(ctx);
	return true;
}

static void imap_fetch_deinit(struct client_command_context *cmd)
{
	struct imap_fetch_context *ctx = cmd->context;

	if (ctx->body.input != NULL)
		i_stream_destroy(&ctx->body.input);
	if (ctx->parts_pool != NULL)
		pool_unref(&ctx->parts_pool);
}

/* Whether a body section of the request needs the part tree. */
static bool imap_fetch_bodies_need_parts(const struct imap_fetch_request *req)
{
	array_foreach(&req->bodies, body) {
		if (body->part != NULL)
			return true;
	}
	return false;
}

/* Keeps only the messages whose modseq is above the CHANGEDSINCE. */
static void imap_fetch_filter_changed(struct imap_fetch_context *ctx)
{
	ARRAY_TYPE(seq_range) changed;
	uint32_t seq;

	p_array_init(&changed, ctx->cmd->pool, 8);
	array_foreach(&ctx->seqs, range) {
		for (seq = range->seq1; seq <= range->seq2; seq++) {
			if (mailbox_get_record_flags(ctx->box, seq)->modseq >
			    ctx->req.changedsince)
				imap_seqset_append(&changed, seq);
		}
	}
	ctx->seqs = changed;
}

/* The CONDSTORE parts of the request. Returns 0, or -1 with error_r. */
static int imap_fetch_condstore(struct imap_fetch_context *ctx,
				const char *set, const char **error_r)
{
	struct client *client = ctx->cmd->client;
	ARRAY_TYPE(seq_range) uids;
	struct mailbox_status status;

	/* RFC 7162 3.1: MODSEQ and CHANGEDSINCE enable CONDSTORE */
	if ((ctx->req.fields & IMAP_FETCH_FIELD_MODSEQ) != 0) {
		if (!imap_condstore_check_modseqs(client, error_r))
			return -1;
		imap_condstore_turn_on(client);
	}
	if (ctx->req.vanished) {
		if (!client->qresync_enabled) {
			*error_r = "QRESYNC not enabled";
			return -1;
		}
		if (!ctx->cmd->uid) {
			*error_r = "VANISHED can only be used with UID FETCH";
			return -1;
		}
		mailbox_get_status(ctx->box, &status);
		t_array_init(&uids, 8);
		if (imap_seqset_parse(set, status.uidnext - 1, &uids,
				      error_r) < 0)
			return -1;
		imap_condstore_send_vanished_earlier(client, &uids,
						     ctx->req.changedsince);
	}
	if (ctx->req.changedsince != 0)
		imap_fetch_filter_changed(ctx);
	return 0;
}

bool cmd_fetch(struct client_command_context *cmd)
{
	struct imap_fetch_context *ctx;
	const char *set, *error;

	ctx = p_new(cmd->pool, struct imap_fetch_context, 1);
	ctx->cmd = cmd;
	ctx->box = cmd->client->mailbox;
	p_array_init(&ctx->seqs, cmd->pool, 8);
	if (!imap_arg_get_atom(&cmd->args[0], &set)) {
		client_cmd_bad(cmd, "Invalid arguments.");
		return true;
	}
	if (imap_msgset_parse(cmd->client, cmd->uid, set, &ctx->seqs,
			      &error) < 0 ||
	    imap_fetch_request_parse(&cmd->args[1], cmd->pool, &ctx->req,
				     &error) < 0 ||
	    imap_fetch_condstore(ctx, set, &error) < 0) {
		client_cmd_bad(cmd, error);
		return true;
	}
	if (cmd->uid)
		ctx->req.fields |= IMAP_FETCH_FIELD_UID;
	ctx->bodies_need_parts = imap_fetch_bodies_need_parts(&ctx->req);
	ctx->need_parts = ctx->bodies_need_parts ||
		(ctx->req.fields & (IMAP_FETCH_FIELD_ENVELOPE |
				    IMAP_FETCH_FIELD_BODY |
				    IMAP_FETCH_FIELD_BODYSTRUCTURE)) != 0;
	cmd->context = ctx;
	cmd->func = imap_fetch_continue;
	cmd->deinit = imap_fetch_deinit;
	return imap_fetch_continue(cmd);
}
