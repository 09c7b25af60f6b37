/* Copyright (c) Cove authors. See AUTHORS. */

/* APPEND (RFC 3501 6.3.11) with UIDPLUS's APPENDUID (RFC 4315). The
   message is one literal, synchronizing or LITERAL+, which the parser
   has read whole (bounded by imap_max_append_size, see imap-client.c).
   No MULTIAPPEND. */

#include "lib.h"
#include "array.h"
#include "mail-storage.h"
#include "imap-date.h"
#include "imap-flags.h"
#include "imap-keywords.h"
#include "imap-copy.h"
#include "imap-commands.h"

struct imap_append_request {
	const struct imap_arg *mailbox;
	enum mail_flags flags;
	ARRAY_TYPE(const_string) keywords;
	/* (time_t)-1 if not given */
	time_t received_date;
	const char *data;
	size_t size;
};

/* Parses mailbox [(flags)] [date-time] literal. */
static int imap_append_parse(const struct imap_arg *args,
			     struct imap_append_request *req,
			     const char **error_r)
{
	const struct imap_arg *list;
	const char *date;

	if (args->type == IMAP_ARG_EOL) {
		*error_r = "Invalid arguments.";
		return -1;
	}
	req->mailbox = args++;
	if (imap_arg_get_list(args, &list)) {
		if (imap_flags_parse(list, &req->flags, &req->keywords,
				     error_r) < 0)
			return -1;
		args++;
	}
	req->received_date = (time_t)-1;
	if (args->type == IMAP_ARG_STRING) {
		if (!imap_arg_get_string(args, &date) ||
		    imap_date_parse(date, &req->received_date) < 0) {
			*error_r = "Invalid date-time.";
			return -1;
		}
		args++;
	}
	if (args->type != IMAP_ARG_LITERAL ||
	    !imap_arg_get_string(args, &req->data) ||
	    !imap_arg_is_eol(&args[1])) {
		*error_r = "Invalid arguments.";
		return -1;
	}
	req->size = args->str_len;
	return 0;
}

/* Saves the message. Returns 1 with uid_r (0 if not known), 0 with the
   reply set, -1 with a storage error. */
static int imap_append_save(struct client_command_context *cmd,
			    struct mailbox *box,
			    const struct imap_append_request *req,
			    uint32_t *uid_r, const char **error_r)
{
	struct mail_save_context *ctx;
	uint32_t keywords;
	int ret;

	ret = imap_keywords_lookup(box, &req->keywords, &keywords, error_r);
	if (ret == 0)
		client_cmd_reply(cmd, t_strconcat("NO ", *error_r, ".", NULL));
	if (ret <= 0)
		return ret;
	ctx = mailbox_save_init(box);
	mailbox_save_set_flags(ctx, req->flags);
	mailbox_save_set_keywords(ctx, keywords);
	if (req->received_date != (time_t)-1)
		mailbox_save_set_received_date(ctx, req->received_date);
	if (mailbox_save_write(ctx, req->data, req->size, error_r) < 0) {
		mailbox_save_abort(&ctx);
		return -1;
	}
	return mailbox_save_finish(&ctx, uid_r, error_r) < 0 ? -1 : 1;
}

bool cmd_append(struct client_command_context *cmd)
{
	struct imap_append_request req = { 0 };
	struct mailbox_status status;
	struct mailbox *box;
	const char *error;
	uint32_t uid;
	int ret;

	t_array_init(&req.keywords, 8);
	if (imap_append_parse(cmd->args, &req, &error) < 0) {
		client_cmd_bad(cmd, error);
		return true;
	}
	if (req.size == 0) {
		client_cmd_reply(cmd, "NO Can't save a zero byte message.");
		return true;
	}
	box = imap_copy_open_dest(cmd, req.mailbox);
	if (box == NULL)
		return true;
	ret = imap_append_save(cmd, box, &req, &uid, &error);
	if (ret < 0) {
		client_cmd_storage_error(cmd, error);
	} else if (ret > 0 && uid == 0) {
		client_cmd_reply(cmd, "OK Append completed.");
	} else if (ret > 0) {
		mailbox_get_status(box, &status);
		client_cmd_reply(cmd, t_strdup_printf(
			"OK [APPENDUID %u %u] Append completed.",
			status.uidvalidity, uid));
	}
	imap_copy_close_dest(cmd, &box);
	return true;
}
