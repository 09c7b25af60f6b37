/* Copyright (c) Cove authors. See AUTHORS. */

/* Reports mailbox changes made by other sessions. Order matters: the
   EXPUNGEs first (each renumbers the messages after it), then EXISTS for
   new messages, then FETCH FLAGS with the final sequence numbers. With
   QRESYNC (RFC 7162 3.2.10) the expunges are one VANISHED of their UIDs
   instead; with CONDSTORE the FETCH replies carry MODSEQ. */

#include "lib.h"
#include "array.h"
#include "str.h"
#include "mail-storage.h"
#include "imap-keywords.h"
#include "imap-commands.h"
#include "imap-search-update.h"
#include "imap-condstore.h"
#include "imap-sync.h"

struct imap_sync_context {
	struct client *client;
	ARRAY(uint32_t) changed;
	/* QRESYNC: the expunged UIDs, highest first */
	ARRAY(uint32_t) vanished;
};

static void imap_sync_context_init(struct imap_sync_context *ctx,
				   struct client *client)
{
	i_zero(ctx);
	ctx->client = client;
	t_array_init(&ctx->changed, 8);
	t_array_init(&ctx->vanished, 8);
}

static void imap_sync_expunge(uint32_t seq, void *context)
{
	struct imap_sync_context *ctx = context;
	const struct mail_record *rec;

	imap_search_update_expunge(ctx->client, seq);
	if (seq > ctx->client->messages_count) {
		/* a message that arrived after the last EXISTS (a sync
		   inside a command appended it) is gone again: the client
		   never heard of it */
		return;
	}
	if (ctx->client->qresync_enabled) {
		/* expunges come highest first: seq is still the record's */
		rec = mailbox_get_record_flags(ctx->client->mailbox, seq);
		array_push_back(&ctx->vanished, &rec->uid);
	} else {
		client_send_line(ctx->client,
				 t_strdup_printf("* %u EXPUNGE", seq));
	}
	i_assert(ctx->client->messages_count > 0);
	ctx->client->messages_count--;
}

/* Sends the VANISHED of the collected UIDs. */
static void imap_sync_send_vanished(struct imap_sync_context *ctx)
{
	struct imap_condstore_set set;
	const uint32_t *uids;
	unsigned int count;
	string_t *str;

	uids = array_get(&ctx->vanished, &count);
	if (count == 0)
		return;
	str = t_str_new(128);
	str_append(str, "* VANISHED ");
	imap_condstore_set_init(&set, str);
	while (count > 0)
		imap_condstore_set_add(&set, uids[--count]);
	(void)imap_condstore_set_finish(&set);
	client_send_line(ctx->client, str_c(str));
	ctx->client->vanished_sent = true;
	array_clear(&ctx->vanished);
}

static void imap_sync_flags_changed(uint32_t seq, void *context)
{
	struct imap_sync_context *ctx = context;

	array_push_back(&ctx->changed, &seq);
}

static const struct mailbox_sync_callbacks imap_sync_callbacks = {
	.expunge = imap_sync_expunge,
	.flags_changed = imap_sync_flags_changed,
};

void imap_sync_send_counts(struct client *client, bool force)
{
	struct mailbox_status status;

	mailbox_get_status(client->mailbox, &status);
	if (force || status.messages > client->messages_count) {
		client_send_line(client, t_strdup_printf("* %u EXISTS",
							 status.messages));
	}
	if (force || status.recent != client->recent_count) {
		client_send_line(client, t_strdup_printf("* %u RECENT",
							 status.recent));
	}
	client->messages_count = status.messages;
	client->recent_count = status.recent;
}

static void imap_sync_send_flags(struct client *client, uint32_t seq)
{
	const struct mail_record *rec;
	string_t *str = t_str_new(64);

	rec = mailbox_get_record_flags(client->mailbox, seq);
	str_printfa(str, "* %u FETCH (", seq);
	/* RFC 7162 3.2.4: with QRESYNC every FETCH reply has the UID */
	if (client->qresync_enabled)
		str_printfa(str, "UID %u ", rec->uid);
	if (client->condstore_enabled) {
		imap_condstore_append_modseq(str, rec);
		str_append_c(str, ' ');
	}
	str_append(str, "FLAGS ");
	imap_keywords_write_record(str, client->mailbox, seq);
	str_append_c(str, ')');
	client_send_line(client, str_c(str));
}

void imap_sync_command(struct client_command_context *cmd)
{
	if ((cmd->command->flags & IMAP_CMD_FLAG_NO_EXPUNGES) != 0 &&
	    !cmd->uid) {
		/* flags this command changed may change search results */
		imap_search_update_check(cmd->client);
		return;
	}
	imap_sync_mailbox(cmd->client);
}

void imap_sync_mailbox(struct client *client)
{
	struct imap_sync_context ctx;
	const char *error;

	imap_sync_context_init(&ctx, client);
	if (mailbox_sync(client->mailbox, &imap_sync_callbacks, &ctx,
			 &error) < 0) {
		i_error("Syncing mailbox %s failed: %s",
			mailbox_get_vname(client->mailbox), error);
		return;
	}
	imap_sync_send_vanished(&ctx);
	imap_sync_send_counts(client, false);
	imap_keywords_send(client, false);
	array_foreach(&ctx.changed, seq) {
		if (*seq <= client->messages_count)
			imap_sync_send_flags(client, *seq);
	}
	imap_search_update_check(client);
}

int imap_sync_expunge_deleted(struct client *client, const char **error_r)
{
	struct imap_sync_context ctx;
	int ret;

	imap_sync_context_init(&ctx, client);
	ret = mailbox_expunge_deleted(client->mailbox, &imap_sync_callbacks,
				      &ctx, error_r);
	imap_sync_send_vanished(&ctx);
	return ret;
}

int imap_sync_expunge_marked(struct client *client, const bool *marked,
			     const char **error_r)
{
	struct imap_sync_context ctx;
	int ret;

	imap_sync_context_init(&ctx, client);
	ret = mailbox_expunge_marked(client->mailbox, marked,
				     &imap_sync_callbacks, &ctx, error_r);
	imap_sync_send_vanished(&ctx);
	return ret;
}
