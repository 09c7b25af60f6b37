/* Copyright (c) Cove authors. See AUTHORS. */

/* Reports mailbox changes made by other sessions. Order matters: the
   EXPUNGEs first (each renumbers the messages after it), then EXISTS for
   new messages, then FETCH FLAGS with the final sequence numbers. */

#include "lib.h"
#include "array.h"
#include "str.h"
#include "mail-storage.h"
#include "imap-keywords.h"
#include "imap-commands.h"
#include "imap-search-update.h"
#include "imap-sync.h"

struct imap_sync_context {
	struct client *client;
	ARRAY(uint32_t) changed;
};

static void imap_sync_expunge(uint32_t seq, void *context)
{
	struct imap_sync_context *ctx = context;

	imap_search_update_expunge(ctx->client, seq);
	client_send_line(ctx->client, t_strdup_printf("* %u EXPUNGE", seq));
	i_assert(ctx->client->messages_count > 0);
	ctx->client->messages_count--;
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
	string_t *str = t_str_new(64);

	str_printfa(str, "* %u FETCH (FLAGS ", seq);
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
	struct imap_sync_context ctx = { .client = client };
	const char *error;

	t_array_init(&ctx.changed, 8);
	if (mailbox_sync(client->mailbox, &imap_sync_callbacks, &ctx,
			 &error) < 0) {
		i_error("Syncing mailbox %s failed: %s",
			mailbox_get_vname(client->mailbox), error);
		return;
	}
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
	struct imap_sync_context ctx = { .client = client };

	t_array_init(&ctx.changed, 1);
	return mailbox_expunge_deleted(client->mailbox, &imap_sync_callbacks,
				       &ctx, error_r);
}

int imap_sync_expunge_marked(struct client *client, const bool *marked,
			     const char **error_r)
{
	struct imap_sync_context ctx = { .client = client };

	t_array_init(&ctx.changed, 1);
	return mailbox_expunge_marked(client->mailbox, marked,
				      &imap_sync_callbacks, &ctx, error_r);
}
