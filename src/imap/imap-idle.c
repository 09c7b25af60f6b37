/* Copyright (c) Cove authors. See AUTHORS. */

/* IDLE (RFC 2177). After "+ idling" the client gets the selected
   mailbox's changes as they happen, without asking: the storage calls
   back when the mailbox's files change (mailbox_notify_changes()) and
   the sync sends EXPUNGE, EXISTS and FETCH FLAGS. A "* OK Still here"
   every imap_idle_notify_interval keeps NAT routers from dropping the
   quiet connection. The inactivity timeout (imap_client_idle_timeout)
   is paused while idling, as Dovecot never drops an idling client that
   is still there: a dead connection shows when a keep-alive cannot be
   written. The next line must be DONE; anything else ends IDLE with
   BAD. */

#include "lib.h"
#include "ioloop.h"
#include "ostream.h"
#include "mail-storage.h"
#include "imap-settings.h"
#include "imap-sync.h"
#include "imap-commands.h"
#include "imap-notify.h"

#include <malloc.h>
#include <strings.h>

struct imap_idle_context {
	struct client_command_context *cmd;
	struct timeout *to_keepalive;
};

/* Sends what func sends (outside command input, so corked here). */
static void imap_idle_send(struct client *client,
			   void (*func)(struct client *client))
{
	if (client->worker.disconnected)
		return;
	o_stream_cork(client->worker.output);
	T_BEGIN {
		func(client);
	} T_END;
	mail_worker_client_uncork(&client->worker);
}

static void imap_idle_keepalive_send(struct client *client)
{
	client_send_line(client, "* OK Still here");
}

static void imap_idle_keepalive(struct imap_idle_context *ctx)
{
	imap_idle_send(ctx->cmd->client, imap_idle_keepalive_send);
}

static void imap_idle_mailbox_changed(struct imap_idle_context *ctx)
{
	imap_idle_send(ctx->cmd->client, imap_sync_mailbox);
}

static void imap_idle_deinit(struct client_command_context *cmd)
{
	struct imap_idle_context *ctx = cmd->context;

	timeout_remove(&ctx->to_keepalive);
	if (cmd->client->mailbox != NULL)
		mailbox_notify_changes_stop(cmd->client->mailbox);
	/* RFC 3501 5.4: the autologout timer starts again after IDLE */
	mail_worker_client_idle_timeout_resume(&cmd->client->worker);
}

static bool imap_idle_input(struct client_command_context *cmd,
			    const char *word, const struct imap_arg *args)
{
	if (word != NULL && strcasecmp(word, "DONE") == 0 &&
	    imap_arg_is_eol(args))
		client_cmd_reply(cmd, "OK Idle completed.");
	else {
		client_cmd_reply(cmd, "BAD Expected DONE.");
		cmd->reply_bad = true;
	}
	return true;
}

bool cmd_idle(struct client_command_context *cmd)
{
	struct client *client = cmd->client;
	struct imap_idle_context *ctx;

	if (!imap_arg_is_eol(cmd->args)) {
		client_cmd_bad(cmd, "Unexpected arguments.");
		return true;
	}
	ctx = p_new(cmd->pool, struct imap_idle_context, 1);
	ctx->cmd = cmd;
	cmd->context = ctx;
	cmd->deinit = imap_idle_deinit;
	cmd->input = imap_idle_input;

	client_send_line(client, "+ idling");
	/* changes that happened before IDLE are sent at once (and those of
	   the mailboxes NOTIFY watches, which imap-notify.c sends) */
	imap_notify_flush(client);
	if (client->mailbox != NULL) {
		imap_sync_mailbox(client);
		mailbox_notify_changes(client->mailbox,
				       imap_idle_mailbox_changed, ctx);
	}
	ctx->to_keepalive = timeout_add(
		client->set->imap_idle_notify_interval * 1000,
		imap_idle_keepalive, ctx);
	mail_worker_client_idle_timeout_pause(&client->worker);
	/* An idling session may stay for days: give the heap that login
	   and SELECT freed back to the kernel (glibc keeps it otherwise). */
	(void)malloc_trim(0);
	return false;
}
