/* Copyright (c) Cove authors. See AUTHORS. */

/* APPEND (RFC 3501 6.3.11) with UIDPLUS's APPENDUID (RFC 4315),
   MULTIAPPEND (RFC 3502: several messages, all saved or none), BINARY's
   literal8 messages (RFC 3516 4.3) and CATENATE (RFC 4469, see
   imap-catenate.h). Each message is one literal, synchronizing or
   LITERAL+, or a CATENATE list, which the parser has read whole (each
   literal bounded by imap_max_append_size, see imap-client.c). Every
   message is built and checked before the first is written, and none is
   moved into the mailbox before all are written. */

#include "lib.h"
#include "array.h"
#include "str.h"
#include "base64.h"
#include "istream.h"
#include "mail-storage.h"
#include "message-parser.h"
#include "imap-date.h"
#include "imap-flags.h"
#include "imap-keywords.h"
#include "imap-copy.h"
#include "imap-catenate.h"
#include "imap-client.h"
#include "imap-settings.h"
#include "imap-fetch-header.h"
#include "imap-commands.h"

#include <strings.h>

/* Messages in one MULTIAPPEND */
#define IMAP_APPEND_MAX_MESSAGES 1000
/* Line length of the base64 that binary parts are stored in */
#define IMAP_APPEND_BASE64_LINE 76

struct imap_append_message {
	enum mail_flags flags;
	ARRAY_TYPE(const_string) keywords;
	/* (time_t)-1 if not given */
	time_t received_date;
	const unsigned char *data;
	size_t size;
	/* CATENATE's list (data is built from it), or NULL */
	const struct imap_arg *catenate;
	/* It may have NUL bytes (a literal8 or a CATENATE) */
	bool literal8;
};
ARRAY_DEFINE_TYPE(imap_append_message, struct imap_append_message);

struct imap_append_request {
	const struct imap_arg *mailbox;
	ARRAY_TYPE(imap_append_message) messages;
};

/* Parses [(flags)] [date-time] literal at *args, moving it past them. */
static int imap_append_parse_message(const struct imap_arg **_args,
				     struct imap_append_message *msg,
				     const char **error_r)
{
	const struct imap_arg *args = *_args, *list;
	const char *date, *data;

	t_array_init(&msg->keywords, 8);
	if (imap_arg_get_list(args, &list)) {
		if (imap_flags_parse(list, &msg->flags, &msg->keywords,
				     error_r) < 0)
			return -1;
		args++;
	}
	msg->received_date = (time_t)-1;
	if (args->type == IMAP_ARG_STRING) {
		if (!imap_arg_get_string(args, &date) ||
		    imap_date_parse(date, &msg->received_date) < 0) {
			*error_r = "Invalid date-time.";
			return -1;
		}
		args++;
	}
	if (imap_arg_get_atom(args, &data) &&
	    strcasecmp(data, "CATENATE") == 0 &&
	    imap_arg_get_list(&args[1], &msg->catenate)) {
		msg->literal8 = true;
		*_args = args + 2;
		return 0;
	}
	if (args->type != IMAP_ARG_LITERAL ||
	    !imap_arg_get_string(args, &data)) {
		*error_r = "Invalid arguments.";
		return -1;
	}
	msg->data = (const unsigned char *)data;
	msg->size = args->str_len;
	msg->literal8 = args->literal8;
	*_args = args + 1;
	return 0;
}

/* Parses mailbox followed by one or more messages. */
static int imap_append_parse(const struct imap_arg *args,
			     struct imap_append_request *req,
			     const char **error_r)
{
	struct imap_append_message *msg;

	if (args->type == IMAP_ARG_EOL) {
		*error_r = "Invalid arguments.";
		return -1;
	}
	req->mailbox = args++;
	t_array_init(&req->messages, 4);
	do {
		if (array_count(&req->messages) >= IMAP_APPEND_MAX_MESSAGES) {
			*error_r = "Too many messages.";
			return -1;
		}
		msg = array_append_space(&req->messages);
		if (imap_append_parse_message(&args, msg, error_r) < 0)
			return -1;
	} while (!imap_arg_is_eol(args));
	return 0;
}

/* Appends the part's header with Content-Transfer-Encoding base64 and
   its body encoded so. */
static void imap_append_encode_part(const unsigned char *msg,
				    const struct message_part *part,
				    string_t *dest)
{
	static const char *const cte_field[] = {
		"Content-Transfer-Encoding", NULL
	};
	const unsigned char *body;
	size_t pos, len;
	string_t *encoded;

	imap_fetch_header_filter(msg + part->physical_pos,
				 part->header_size.physical_size, cte_field,
				 true, dest);
	/* before the blank line, which a part with a body has */
	str_truncate(dest, str_len(dest) - 2);
	str_append(dest, "Content-Transfer-Encoding: base64\r\n\r\n");

	body = msg + part->physical_pos + part->header_size.physical_size;
	encoded = t_str_new(part->body_size.physical_size * 4 / 3 + 4);
	base64_encode(body, part->body_size.physical_size, encoded);
	for (pos = 0; pos < str_len(encoded); pos += len) {
		len = I_MIN(str_len(encoded) - pos, IMAP_APPEND_BASE64_LINE);
		str_append_data(dest, str_data(encoded) + pos, len);
		str_append(dest, "\r\n");
	}
}

/* Copies msg up to each leaf part whose body has NUL bytes into dest,
   and such parts base64-encoded. *pos is how far msg has been copied. */
static void imap_append_encode_parts(const unsigned char *msg,
				     const struct message_part *part,
				     string_t *dest, size_t *pos)
{
	const struct message_part *child;
	size_t body_pos;

	for (child = part->children; child != NULL; child = child->next)
		imap_append_encode_parts(msg, child, dest, pos);
	body_pos = part->physical_pos + part->header_size.physical_size;
	if (part->children != NULL ||
	    memchr(msg + body_pos, '\0', part->body_size.physical_size) == NULL)
		return;
	str_append_data(dest, msg + *pos, part->physical_pos - *pos);
	imap_append_encode_part(msg, part, dest);
	*pos = body_pos + part->body_size.physical_size;
}

/* RFC 3516 4.3: a literal8 message may have binary parts, which
   BODY[] could not send: each leaf part whose body has NUL bytes is
   stored base64-encoded. Returns 0, or -1 if a NUL is elsewhere. */
static int imap_append_encode_binary(struct imap_append_message *msg)
{
	struct message_part *parts;
	struct istream *input;
	const char *error;
	string_t *dest;
	size_t pos = 0;
	int ret;

	if (memchr(msg->data, '\0', msg->size) == NULL)
		return 0;
	input = i_stream_create_from_data(msg->data, msg->size);
	ret = message_parse_parts(datastack_pool, input, &parts,
				  &error);
	i_stream_destroy(&input);
	/* reading memory cannot fail */
	i_assert(ret == 0);
	dest = t_str_new(msg->size * 4 / 3 + 256);
	imap_append_encode_parts(msg->data, parts, dest, &pos);
	str_append_data(dest, msg->data + pos, msg->size - pos);
	if (memchr(str_data(dest), '\0', str_len(dest)) != NULL)
		return -1;
	msg->data = str_data(dest);
	msg->size = str_len(dest);
	return 0;
}

/* Builds the CATENATE messages and checks every message before anything
   is saved. Returns 0, or -1 with the reply set. */
static int imap_append_check(struct client_command_context *cmd,
			     struct imap_append_request *req)
{
	struct client *client = cmd->client;
	const char *error;
	string_t *data;
	int ret;

	array_foreach_modifiable(&req->messages, msg) {
		if (msg->catenate == NULL)
			continue;
		/* kept until the command ends, off the data stack */
		data = str_new(cmd->pool, 4096);
		ret = imap_catenate_build(client, msg->catenate,
			client->set->imap_max_append_size, data, &error);
		if (ret == -2) {
			client_cmd_bad(cmd, error);
			return -1;
		}
		if (ret < 0) {
			client_cmd_reply(cmd, t_strconcat("NO ", error, NULL));
			return -1;
		}
		msg->data = str_data(data);
		msg->size = str_len(data);
	}
	array_foreach_modifiable(&req->messages, msg) {
		if (msg->size == 0) {
			client_cmd_reply(cmd,
				"NO Can't save a zero byte message.");
			return -1;
		}
		if (msg->literal8 && imap_append_encode_binary(msg) < 0) {
			client_cmd_reply(cmd, "NO Message has NUL bytes "
					 "outside its binary parts.");
			return -1;
		}
	}
	return 0;
}

/* Writes one message into a new save context. Returns 1, 0 with the
   reply set, -1 with a storage error. */
static int imap_append_write(struct client_command_context *cmd,
			     struct mailbox *box,
			     const struct imap_append_message *msg,
			     struct mail_save_context **ctx_r,
			     const char **error_r)
{
	struct mail_save_context *ctx;
	uint32_t keywords;
	int ret;

	ret = imap_keywords_lookup(box, &msg->keywords, &keywords, error_r);
	if (ret == 0)
		client_cmd_reply(cmd, t_strconcat("NO ", *error_r, ".", NULL));
	if (ret <= 0)
		return ret;
	ctx = mailbox_save_init(box);
	mailbox_save_set_flags(ctx, msg->flags);
	mailbox_save_set_keywords(ctx, keywords);
	if (msg->received_date != (time_t)-1)
		mailbox_save_set_received_date(ctx, msg->received_date);
	if (mailbox_save_write(ctx, msg->data, msg->size, error_r) < 0 ||
	    mailbox_save_complete(ctx, error_r) < 0) {
		mailbox_save_abort(&ctx);
		return -1;
	}
	*ctx_r = ctx;
	return 1;
}

/* Writes every message, then moves them all into the mailbox. Returns 1
   with their UIDs in uids (none if some UID is not known yet), 0 with the
   reply set, -1 with a storage error. */
static int imap_append_save(struct client_command_context *cmd,
			    struct mailbox *box,
			    const struct imap_append_request *req,
			    ARRAY_TYPE(uint32_t) *uids, const char **error_r)
{
	ARRAY_TYPE(mail_save_context) ctxs;
	struct mail_save_context *ctx;
	int ret;

	t_array_init(&ctxs, array_count(&req->messages));
	array_foreach(&req->messages, msg) {
		ret = imap_append_write(cmd, box, msg, &ctx, error_r);
		if (ret <= 0) {
			imap_copy_abort_all(&ctxs);
			return ret;
		}
		array_push_back(&ctxs, &ctx);
	}
	ret = imap_copy_save_all(&ctxs, uids, error_r);
	if (ret == 0)
		array_clear(uids);
	return ret < 0 ? -1 : 1;
}

bool cmd_append(struct client_command_context *cmd)
{
	struct imap_append_request req = { 0 };
	ARRAY_TYPE(uint32_t) uids;
	struct mailbox_status status;
	struct mailbox *box;
	string_t *reply;
	const char *error;
	int ret;

	if (imap_append_parse(cmd->args, &req, &error) < 0) {
		client_cmd_bad(cmd, error);
		return true;
	}
	box = imap_copy_open_dest(cmd, req.mailbox);
	if (box == NULL)
		return true;
	t_array_init(&uids, array_count(&req.messages));
	ret = imap_append_check(cmd, &req) < 0 ? 0 :
		imap_append_save(cmd, box, &req, &uids, &error);
	if (ret < 0) {
		client_cmd_storage_error(cmd, error);
	} else if (ret > 0 && array_count(&uids) == 0) {
		client_cmd_reply(cmd, "OK Append completed.");
	} else if (ret > 0) {
		mailbox_get_status(box, &status);
		reply = t_str_new(64);
		str_printfa(reply, "OK [APPENDUID %u ", status.uidvalidity);
		imap_copy_write_uids(reply, &uids);
		str_append(reply, "] Append completed.");
		client_cmd_reply(cmd, str_c(reply));
	}
	imap_copy_close_dest(cmd, &box);
	return true;
}
