/* Copyright (c) Cove authors. See AUTHORS. */

/* Local delivery: for each recipient, switch to the user's uid (when
   running as root), open the user's storage, save the message with
   Return-Path and Delivered-To headers prepended, and reply. The storage
   fsyncs and moves the file into place before mailbox_save_finish()
   returns, so a 250 always means the mail is on disk. */

#include "lib.h"
#include "str.h"
#include "ioloop.h"
#include "restrict-access.h"
#include "mail-storage.h"
#include "mail-storage-settings.h"
#include "smtp-address.h"
#include "smtp-spool.h"
#include "lmtp-settings.h"
#include "lmtp-client.h"
#include "lmtp-local.h"

#include <strings.h>

/* How much of the message is searched for the Message-ID header, and
   how much of it is logged. */
#define LMTP_LOCAL_MSGID_SEARCH_SIZE (64 * 1024)
#define LMTP_LOCAL_MSGID_MAX_LOG_LEN 200

struct lmtp_local_delivery {
	struct client *client;
	struct smtp_spool *spool;
	/* Message-ID for logging, sanitised */
	const char *msgid;
	/* smtp_address_encode(MAIL FROM) */
	const char *sender;
};

/* Returns the value of the header at line (which starts with name and a
   colon), unfolded, up to the end of the header section. */
static const char *
lmtp_local_header_value(const unsigned char *p, const unsigned char *end)
{
	string_t *value = t_str_new(128);

	for (; p < end; p++) {
		if (*p == '\n') {
			/* folded continuation lines start with WSP */
			if (p + 1 >= end || (p[1] != ' ' && p[1] != '\t'))
				break;
		} else if (*p >= 32 && *p != 127 &&
			   str_len(value) < LMTP_LOCAL_MSGID_MAX_LOG_LEN) {
			str_append_c(value, *p);
		}
	}
	const char *v = str_c(value);
	while (*v == ' ' || *v == '\t')
		v++;
	return v;
}

/* The Message-ID of the message, sanitised for logging, or "unspecified".
   Only the header section within the first block is searched. */
static const char *lmtp_local_get_msgid(struct smtp_spool *spool)
{
	static const char name[] = "Message-ID:";
	const unsigned char *data, *p, *end;
	const char *error;
	size_t size;

	if (smtp_spool_read(spool, 0, &data, &size, &error) <= 0)
		return "unspecified";
	end = data + I_MIN(size, LMTP_LOCAL_MSGID_SEARCH_SIZE);
	for (p = data; p < end; ) {
		const unsigned char *lf = memchr(p, '\n', end - p);

		/* an empty line ends the header section */
		if (*p == '\n' || (*p == '\r' && p + 1 < end && p[1] == '\n'))
			break;
		if ((size_t)(end - p) >= sizeof(name) - 1 &&
		    strncasecmp((const char *)p, name, sizeof(name) - 1) == 0)
			return lmtp_local_header_value(p + sizeof(name) - 1,
						       end);
		if (lf == NULL)
			break;
		p = lf + 1;
	}
	return "unspecified";
}

/* Finds the uid and gid to deliver as: the userdb's, else mail_uid and
   mail_gid. Returns 0, or -1 with error_r. */
static int lmtp_local_get_ids(const struct mail_storage_settings *mail_set,
			      const struct auth_user_reply *user,
			      uid_t *uid_r, gid_t *gid_r, const char **error_r)
{
	gid_t user_gid;
	unsigned int num;

	*uid_r = user->uid;
	*gid_r = user->gid;
	if (*uid_r == (uid_t)-1 && mail_set->mail_uid[0] != '\0') {
		if (str_to_uint(mail_set->mail_uid, &num) == 0)
			*uid_r = num;
		else if (restrict_access_lookup_user(mail_set->mail_uid, uid_r,
						     &user_gid, error_r) <= 0) {
			*error_r = t_strdup_printf("mail_uid %s: unknown user",
						   mail_set->mail_uid);
			return -1;
		}
	}
	if (*gid_r == (gid_t)-1 && mail_set->mail_gid[0] != '\0') {
		if (str_to_uint(mail_set->mail_gid, &num) == 0)
			*gid_r = num;
		else if (restrict_access_lookup_group(mail_set->mail_gid,
						      gid_r, error_r) <= 0) {
			*error_r = t_strdup_printf("mail_gid %s: unknown group",
						   mail_set->mail_gid);
			return -1;
		}
	}
	if (*uid_r == (uid_t)-1 || *gid_r == (gid_t)-1) {
		*error_r = "No uid/gid from the userdb, mail_uid or mail_gid";
		return -1;
	}
	return 0;
}

/* Checks the ids against root and first/last_valid_uid/gid. */
static int lmtp_local_check_ids(const struct mail_storage_settings *set,
				uid_t uid, gid_t gid, const char **error_r)
{
	if (uid == 0) {
		*error_r = "Refusing to deliver as uid 0 (root)";
		return -1;
	}
	if (uid < set->first_valid_uid ||
	    (set->last_valid_uid != 0 && uid > set->last_valid_uid)) {
		*error_r = t_strdup_printf(
			"uid %u is not permitted (see first_valid_uid, "
			"last_valid_uid)", (unsigned int)uid);
		return -1;
	}
	if (gid < set->first_valid_gid ||
	    (set->last_valid_gid != 0 && gid > set->last_valid_gid)) {
		*error_r = t_strdup_printf(
			"gid %u is not permitted (see first_valid_gid, "
			"last_valid_gid)", (unsigned int)gid);
		return -1;
	}
	return 0;
}

/* Writes the prepended headers and the spooled message. */
static int lmtp_local_save_write(struct lmtp_local_delivery *delivery,
				 const struct lmtp_recipient *rcpt,
				 struct mail_save_context *ctx,
				 const char **error_r)
{
	const unsigned char *data;
	const char *headers;
	uoff_t offset = 0;
	size_t size;
	int ret;

	headers = t_strdup_printf("Return-Path: <%s>\r\nDelivered-To: %s\r\n",
				  delivery->sender, rcpt->address_str);
	if (mailbox_save_write(ctx, headers, strlen(headers), error_r) < 0)
		return -1;
	while ((ret = smtp_spool_read(delivery->spool, offset, &data, &size,
				      error_r)) > 0) {
		if (mailbox_save_write(ctx, data, size, error_r) < 0)
			return -1;
		offset += size;
	}
	return ret;
}

/* Saves into the open mailbox. Returns 0, or -1 with error_r. */
static int lmtp_local_save(struct lmtp_local_delivery *delivery,
			   const struct lmtp_recipient *rcpt,
			   struct mailbox *box, const char **error_r)
{
	struct mail_save_context *ctx;
	uint32_t uid;

	ctx = mailbox_save_init(box);
	mailbox_save_set_received_date(ctx, ioloop_time);
	if (lmtp_local_save_write(delivery, rcpt, ctx, error_r) < 0) {
		mailbox_save_abort(&ctx);
		return -1;
	}
	return mailbox_save_finish(&ctx, &uid, error_r);
}

/* Opens the detail mailbox when wanted and it exists, else INBOX.
   Returns 0, or -1 with error_r. */
static int lmtp_local_open_mailbox(struct lmtp_local_delivery *delivery,
				   const struct lmtp_recipient *rcpt,
				   struct mail_user *user,
				   struct mailbox **box_r,
				   const char **error_r)
{
	int ret;

	if (delivery->client->set->lmtp_save_to_detail_mailbox &&
	    rcpt->detail[0] != '\0') {
		ret = mailbox_open(user, rcpt->detail, MAILBOX_FLAG_SAVEONLY,
				   box_r, error_r);
		if (ret != 0)
			return ret < 0 ? -1 : 0;
	}
	ret = mailbox_open(user, "INBOX", MAILBOX_FLAG_SAVEONLY, box_r,
			   error_r);
	if (ret == 0)
		*error_r = "INBOX does not exist";
	return ret > 0 ? 0 : -1;
}

/* Opens the user's storage and saves. *mailbox_r names the mailbox for
   the log. Returns 0, or -1 with error_r. */
static int lmtp_local_deliver_user(struct lmtp_local_delivery *delivery,
				   const struct lmtp_recipient *rcpt,
				   const char **mailbox_r,
				   const char **error_r)
{
	struct mail_user *user;
	struct mailbox *box;
	int ret;

	*mailbox_r = "INBOX";
	if (mail_user_init(delivery->client->mail_set, rcpt->user.username,
			   rcpt->user.home, rcpt->user.mail, &user,
			   error_r) < 0)
		return -1;
	ret = lmtp_local_open_mailbox(delivery, rcpt, user, &box, error_r);
	if (ret == 0) {
		*mailbox_r = t_strdup(mailbox_get_vname(box));
		ret = lmtp_local_save(delivery, rcpt, box, error_r);
		mailbox_close(&box);
	}
	mail_user_deinit(&user);
	return ret;
}

/* Delivers as the recipient's uid when running as root, else as
   ourselves. Returns 0, or -1 with error_r. */
static int lmtp_local_deliver_as_user(struct lmtp_local_delivery *delivery,
				      const struct lmtp_recipient *rcpt,
				      const char **mailbox_r,
				      const char **error_r)
{
	const struct mail_storage_settings *mail_set =
		delivery->client->mail_set;
	const char *error;
	uid_t uid;
	gid_t gid;
	int ret;

	*mailbox_r = "INBOX";
	if (!restrict_access_have_root())
		return lmtp_local_deliver_user(delivery, rcpt, mailbox_r,
					       error_r);

	if (lmtp_local_get_ids(mail_set, &rcpt->user, &uid, &gid,
			       error_r) < 0 ||
	    lmtp_local_check_ids(mail_set, uid, gid, error_r) < 0)
		return -1;
	if (restrict_access_temp(rcpt->user.username, uid, gid,
				 error_r) < 0)
		ret = -1;
	else
		ret = lmtp_local_deliver_user(delivery, rcpt, mailbox_r,
					      error_r);
	/* also after a failed switch: it may have changed groups already */
	if (restrict_access_temp_end(&error) < 0) {
		/* continuing as the wrong user is never acceptable */
		i_panic("Failed to regain privileges after delivery: %s",
			error);
	}
	return ret;
}

static void lmtp_local_deliver_rcpt(struct lmtp_local_delivery *delivery,
				    const struct lmtp_recipient *rcpt)
{
	struct client *client = delivery->client;
	const char *mailbox, *error;

	log_set_user(rcpt->user.username);
	if (lmtp_local_deliver_as_user(delivery, rcpt, &mailbox,
				       &error) < 0) {
		i_error("<%s>: msgid=%s: Failed to save mail to %s of user "
			"%s: %s", client->session_id, delivery->msgid,
			mailbox, rcpt->user.username, error);
		client_send_line(client, "451 4.2.0 <%s> Temporary failure, "
				 "see the server log", rcpt->address_str);
	} else {
		i_info("<%s>: msgid=%s: saved mail to %s", client->session_id,
		       delivery->msgid, mailbox);
		client_send_line(client, "250 2.0.0 <%s> %s Saved",
				 rcpt->address_str, client->session_id);
	}
	log_set_user(NULL);
}

void lmtp_local_deliver_all(struct client *client, struct smtp_spool *spool)
{
	struct lmtp_local_delivery delivery = {
		.client = client,
		.spool = spool,
	};

	delivery.msgid = lmtp_local_get_msgid(spool);
	delivery.sender = smtp_address_encode(client->trans->mail_from);
	array_foreach(&client->trans->rcpts, rcptp) T_BEGIN {
		lmtp_local_deliver_rcpt(&delivery, *rcptp);
	} T_END;
}
