/* Copyright (c) Cove authors. See AUTHORS. */

/* One message to one user, for lmtp and cove-deliver: switch to the
   user's uid (when running as root), open the user's storage, save the
   message with the trace headers prepended, and log the result. The
   storage fsyncs and moves the file into new/ before
   mailbox_save_finish() returns, so success means the mail is on disk. */

#include "lib.h"
#include "str.h"
#include "ioloop.h"
#include "restrict-access.h"
#include "auth-master.h"
#include "smtp-spool.h"
#include "mail-storage.h"
#include "mail-user-login.h"
#include "mail-deliver.h"

#include <strings.h>
#include <time.h>

/* How much of the message is searched for the Message-ID header, and
   how much of it is logged. */
#define MAIL_DELIVER_MSGID_SEARCH_SIZE (64 * 1024)
#define MAIL_DELIVER_MSGID_MAX_LOG_LEN 200

/* Returns the value of the header at p (just after the colon), unfolded,
   without control characters (a tab becomes a space) and bounded, up to
   the end of the header section. */
static const char *
mail_deliver_header_value(const unsigned char *p, const unsigned char *end)
{
	string_t *value = t_str_new(128);

	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	for (; p < end && str_len(value) < MAIL_DELIVER_MSGID_MAX_LOG_LEN;
	     p++) {
		if (*p == '\n') {
			/* folded continuation lines start with WSP */
			if (p + 1 >= end || (p[1] != ' ' && p[1] != '\t'))
				break;
		} else if (*p == '\t') {
			str_append_c(value, ' ');
		} else if (*p >= 32 && *p != 127) {
			str_append_c(value, *p);
		}
	}
	return str_c(value);
}

/* The value (after the colon) of the first header called name (with
   its colon) at or after p, or NULL when the header section between p
   and end has none more. p must be at the start of a line. */
static const unsigned char *
mail_deliver_find_header(const unsigned char *p, const unsigned char *end,
			 const char *name)
{
	size_t name_len = strlen(name);

	while (p < end) {
		const unsigned char *lf = memchr(p, '\n', end - p);

		/* an empty line ends the header section */
		if (*p == '\n' || (*p == '\r' && p + 1 < end && p[1] == '\n'))
			break;
		if ((size_t)(end - p) >= name_len &&
		    strncasecmp((const char *)p, name, name_len) == 0)
			return p + name_len;
		if (lf == NULL)
			break;
		p = lf + 1;
	}
	return NULL;
}

/* The start of the spooled message, up to MAIL_DELIVER_MSGID_SEARCH_SIZE
   bytes, in data_r and end_r. Returns false if nothing can be read. */
static bool mail_deliver_spool_head(struct smtp_spool *spool,
				    const unsigned char **data_r,
				    const unsigned char **end_r)
{
	const char *error;
	size_t size;

	if (smtp_spool_read(spool, 0, data_r, &size, &error) <= 0)
		return false;
	*end_r = *data_r + I_MIN(size, MAIL_DELIVER_MSGID_SEARCH_SIZE);
	return true;
}

const char *mail_deliver_get_msgid(struct smtp_spool *spool)
{
	const unsigned char *data, *end, *value;

	if (!mail_deliver_spool_head(spool, &data, &end))
		return "unspecified";
	value = mail_deliver_find_header(data, end, "Message-ID:");
	return value == NULL ? "unspecified" :
		mail_deliver_header_value(value, end);
}

bool mail_deliver_has_delivered_to(struct smtp_spool *spool,
				   const char *address)
{
	const unsigned char *data, *end, *value, *lf;
	const char *text;
	size_t len;

	if (!mail_deliver_spool_head(spool, &data, &end))
		return false;
	while ((value = mail_deliver_find_header(data, end,
						 "Delivered-To:")) != NULL) {
		text = mail_deliver_header_value(value, end);
		len = strlen(text);
		while (len > 0 && text[len - 1] == ' ')
			len--;
		if (len >= 2 && text[0] == '<' && text[len - 1] == '>') {
			text++;
			len -= 2;
		}
		if (len == strlen(address) &&
		    strncasecmp(text, address, len) == 0)
			return true;
		lf = memchr(value, '\n', end - value);
		if (lf == NULL)
			break;
		data = lf + 1;
	}
	return false;
}

/* RFC 5322 date-time of the local time (the C locale's day and month
   names are the RFC's). */
static const char *mail_deliver_date(time_t t)
{
	char buf[64];
	struct tm *tm = localtime(&t);

	if (tm == NULL ||
	    strftime(buf, sizeof(buf), "%a, %d %b %Y %H:%M:%S %z", tm) == 0)
		return "Thu, 01 Jan 1970 00:00:00 +0000";
	return t_strdup(buf);
}

const char *mail_deliver_lmtp_received(const char *helo,
				       const char *remote_ip,
				       const char *hostname,
				       const char *session_id,
				       const char *rcpt_to)
{
	string_t *str = t_str_new(256);

	str_printfa(str, "Received: from %s", helo);
	if (remote_ip != NULL)
		str_printfa(str, " ([%s])", remote_ip);
	str_printfa(str, "\r\n\tby %s with LMTP id %s\r\n\tfor <%s>; %s\r\n",
		    hostname, session_id, rcpt_to,
		    mail_deliver_date(ioloop_time));
	return str_c(str);
}

/* Writes the trace headers and the spooled message. */
static int mail_deliver_save_write(const struct mail_deliver_context *ctx,
				   struct mail_save_context *save_ctx,
				   const char **error_r)
{
	const unsigned char *data;
	string_t *headers = t_str_new(256);
	uoff_t offset = 0;
	size_t size;
	int ret;

	str_printfa(headers, "Return-Path: <%s>\r\n", ctx->sender);
	if (ctx->rcpt_to != NULL)
		str_printfa(headers, "Delivered-To: %s\r\n", ctx->rcpt_to);
	if (ctx->received != NULL)
		str_append(headers, ctx->received);
	if (mailbox_save_write(save_ctx, str_data(headers), str_len(headers),
			       error_r) < 0)
		return -1;
	while ((ret = smtp_spool_read(ctx->spool, offset, &data, &size,
				      error_r)) > 0) {
		if (mailbox_save_write(save_ctx, data, size, error_r) < 0)
			return -1;
		offset += size;
	}
	return ret;
}

/* Saves into the open mailbox. Returns 0, or -1 with error_r. */
static int mail_deliver_save(const struct mail_deliver_context *ctx,
			     struct mailbox *box, const char **error_r)
{
	struct mail_save_context *save_ctx;
	uint32_t uid;

	save_ctx = mailbox_save_init(box);
	mailbox_save_set_received_date(save_ctx, ioloop_time);
	mailbox_save_set_envelope_sender(save_ctx, ctx->sender);
	if (mail_deliver_save_write(ctx, save_ctx, error_r) < 0) {
		mailbox_save_abort(&save_ctx);
		return -1;
	}
	return mailbox_save_finish(&save_ctx, &uid, error_r);
}

/* Creates ctx->mailbox (lda_mailbox_autocreate) and opens it. Returns 1
   opened, 0 it could not be created (logged), -1 error. */
static int mail_deliver_create_mailbox(const struct mail_deliver_context *ctx,
				       struct mail_user *user,
				       struct mailbox **box_r,
				       const char **error_r)
{
	enum mail_error error_code;
	const char *error;

	if (mailbox_create(user, ctx->mailbox, &error_code, &error) < 0 &&
	    error_code != MAIL_ERROR_EXISTS) {
		i_info("%sMailbox %s cannot be created: %s",
		       ctx->log_prefix, ctx->mailbox, error);
		return 0;
	}
	return mailbox_open(user, ctx->mailbox, MAILBOX_FLAG_SAVEONLY,
			    box_r, error_r);
}

/* Opens ctx->mailbox when it exists (or can be created), else INBOX.
   Returns 0, or -1 with error_r. */
static int mail_deliver_open_mailbox(const struct mail_deliver_context *ctx,
				     struct mail_user *user,
				     struct mailbox **box_r,
				     const char **error_r)
{
	int ret;

	if (ctx->mailbox != NULL && ctx->mailbox[0] != '\0') {
		ret = mailbox_open(user, ctx->mailbox, MAILBOX_FLAG_SAVEONLY,
				   box_r, error_r);
		if (ret == 0 && ctx->mailbox_autocreate) {
			ret = mail_deliver_create_mailbox(ctx, user, box_r,
							  error_r);
		}
		if (ret != 0)
			return ret < 0 ? -1 : 0;
		i_info("%sMailbox %s does not exist: saving to INBOX",
		       ctx->log_prefix, ctx->mailbox);
	}
	ret = mailbox_open(user, "INBOX", MAILBOX_FLAG_SAVEONLY, box_r,
			   error_r);
	if (ret == 0)
		*error_r = "INBOX does not exist";
	return ret > 0 ? 0 : -1;
}

/* Opens the user's storage and saves. Returns 0, or -1 with error_r. */
static int mail_deliver_user(const struct mail_deliver_context *ctx,
			     const struct auth_user_reply *user,
			     const char **mailbox_r, const char **error_r)
{
	struct mail_user *mail_user;
	struct mailbox *box;
	int ret;

	if (mail_user_init(ctx->mail_set, user->username, user->home,
			   user->mail, &mail_user, error_r) < 0)
		return -1;
	ret = mail_deliver_open_mailbox(ctx, mail_user, &box, error_r);
	if (ret == 0) {
		*mailbox_r = t_strdup(mailbox_get_vname(box));
		ret = mail_deliver_save(ctx, box, error_r);
		mailbox_close(&box);
	}
	mail_user_deinit(&mail_user);
	return ret;
}

/* Delivers as the user's uid when running as root, else as ourselves.
   Returns 0, or -1 with error_r. */
static int mail_deliver_as_user(const struct mail_deliver_context *ctx,
				const struct auth_user_reply *user,
				const char **mailbox_r, const char **error_r)
{
	struct restrict_access_settings rset;
	const char *error;
	int ret;

	if (!restrict_access_have_root())
		return mail_deliver_user(ctx, user, mailbox_r, error_r);

	i_zero(&rset);
	if (mail_user_login_get_ids(user, ctx->mail_set, &rset, error_r) < 0)
		return -1;
	if (restrict_access_temp(rset.username, rset.uid, rset.gid,
				 rset.extra_gid, error_r) < 0)
		ret = -1;
	else
		ret = mail_deliver_user(ctx, user, mailbox_r, error_r);
	/* also after a failed switch: it may have changed groups already */
	if (restrict_access_temp_end(&error) < 0) {
		/* continuing as the wrong user is never acceptable */
		i_panic("Failed to regain privileges after delivery: %s",
			error);
	}
	return ret;
}

int mail_deliver(const struct mail_deliver_context *ctx,
		 const struct auth_user_reply *user,
		 const char **mailbox_r, const char **error_r)
{
	*mailbox_r = ctx->mailbox != NULL && ctx->mailbox[0] != '\0' ?
		ctx->mailbox : "INBOX";
	log_set_user(user->username);
	if (mail_deliver_as_user(ctx, user, mailbox_r, error_r) < 0) {
		i_error("%smsgid=%s: Failed to save mail to %s of user %s: %s",
			ctx->log_prefix, ctx->msgid, *mailbox_r,
			user->username, *error_r);
		log_set_user(NULL);
		return -1;
	}
	i_info("%smsgid=%s: saved mail to %s", ctx->log_prefix, ctx->msgid,
	       *mailbox_r);
	log_set_user(NULL);
	return 0;
}
