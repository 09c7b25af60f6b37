/* Copyright (c) Cove authors. See AUTHORS. */

/* Local delivery: each recipient of the transaction gets the message
   through mail_deliver() (which switches to the user's uid, saves with
   the trace headers, fsyncs and logs), and its own reply: 250 only once
   the mail is on disk. */

#include "lib.h"
#include "smtp-address.h"
#include "mail-deliver.h"
#include "lmtp-settings.h"
#include "lmtp-client.h"
#include "lmtp-local.h"

static void lmtp_local_deliver_rcpt(struct mail_deliver_context *ctx,
				    struct client *client,
				    const struct lmtp_recipient *rcpt)
{
	const char *mailbox, *error;

	ctx->rcpt_to = rcpt->address_str;
	ctx->mailbox = client->set->lmtp_save_to_detail_mailbox ?
		rcpt->detail : NULL;
	ctx->received = mail_deliver_lmtp_received(
		client->lhlo_domain != NULL ? client->lhlo_domain :
		client->remote, client->unix_socket ? NULL : client->remote,
		client->hostname,
		client->session_id, rcpt->address_str);
	if (mail_deliver(ctx, &rcpt->user, &mailbox, &error) < 0) {
		client_send_line(client, "451 4.2.0 <%s> Temporary failure, "
				 "see the server log", rcpt->address_str);
	} else {
		client_send_line(client, "250 2.0.0 <%s> %s Saved",
				 rcpt->address_str, client->session_id);
	}
}

void lmtp_local_deliver_all(struct client *client, struct smtp_spool *spool)
{
	struct mail_deliver_context ctx = {
		.mail_set = client->mail_set,
		.spool = spool,
	};

	ctx.log_prefix = t_strdup_printf("<%s>: ", client->session_id);
	ctx.msgid = mail_deliver_get_msgid(spool);
	ctx.sender = smtp_address_encode(client->trans->mail_from);
	array_foreach(&client->trans->rcpts, rcptp) T_BEGIN {
		lmtp_local_deliver_rcpt(&ctx, client, *rcptp);
	} T_END;
}
