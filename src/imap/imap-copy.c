/* Copyright (c) Cove authors. See AUTHORS. */

/* COPY and UID COPY (RFC 3501 6.4.7) with UIDPLUS's COPYUID (RFC 4315),
   MOVE and UID MOVE (RFC 6851), and opening the mailbox that APPEND,
   COPY and MOVE save into. Like APPEND, a copy prepares every message
   (a hard link or a temporary file) before the first is saved, so that
   a message expunged meanwhile fails the command with nothing copied. */

#include "lib.h"
#include "array.h"
#include "str.h"
#include "mail-storage.h"
#include "imap-msgset.h"
#include "imap-sync.h"
#include "imap-copy.h"
#include "imap-commands.h"
#include "imap-cmd-mailbox.h"

struct imap_copy_context {
	struct client_command_context *cmd;
	struct mailbox *src, *dest;
	ARRAY_TYPE(uint32_t) src_uids;
	ARRAY_TYPE(uint32_t) dest_uids;
	/* MOVE: per message of src, copied */
	bool *marked;
	/* Some copy got no UID (no COPYUID then). */
	bool uids_unknown;
};

struct mailbox *imap_copy_open_dest(struct client_command_context *cmd,
				    const struct imap_arg *arg)
{
	struct client *client = cmd->client;
	struct mailbox *box;
	const char *vname, *name, *error;
	int ret;

	if (!imap_mailbox_arg_get(cmd, arg, &vname))
		return NULL;
	if (imap_mailbox_is_selected(client, vname) &&
	    !mailbox_is_readonly(client->mailbox))
		return client->mailbox;
	ret = mailbox_open(client->worker.user, vname,
			   MAILBOX_FLAG_SAVEONLY | MAILBOX_FLAG_SAVE_UIDS,
			   &box, &error);
	if (ret < 0) {
		client_cmd_storage_error(cmd, error);
		return NULL;
	}
	if (ret == 0) {
		/* as the client sent it: valid modified UTF-7 is
		   printable ASCII */
		(void)imap_arg_get_astring(arg, &name);
		client_cmd_reply(cmd, t_strconcat(
			"NO [TRYCREATE] Mailbox doesn't exist: ", name, NULL));
		return NULL;
	}
	return box;
}

void imap_copy_close_dest(struct client_command_context *cmd,
			  struct mailbox **box)
{
	if (*box == cmd->client->mailbox)
		*box = NULL;
	else
		mailbox_close(box);
}

void imap_copy_write_uids(string_t *dest, const ARRAY_TYPE(uint32_t) *uids)
{
	const uint32_t *arr;
	unsigned int i, start, count;

	arr = array_get(uids, &count);
	for (i = 0; i < count; i = start + 1) {
		start = i;
		while (start + 1 < count && arr[start + 1] == arr[start] + 1)
			start++;
		if (i > 0)
			str_append_c(dest, ',');
		str_printfa(dest, "%u", arr[i]);
		if (start > i)
			str_printfa(dest, ":%u", arr[start]);
	}
}

/* "COPYUID <uidvalidity> <src uids> <dest uids>", or NULL if the UIDs
   are not known. */
static const char *imap_copy_get_copyuid(struct imap_copy_context *ctx)
{
	struct mailbox_status status;
	string_t *str;

	if (ctx->uids_unknown || array_count(&ctx->src_uids) == 0)
		return NULL;
	mailbox_get_status(ctx->dest, &status);
	str = t_str_new(128);
	str_printfa(str, "COPYUID %u ", status.uidvalidity);
	imap_copy_write_uids(str, &ctx->src_uids);
	str_append_c(str, ' ');
	imap_copy_write_uids(str, &ctx->dest_uids);
	return str_c(str);
}

void imap_copy_abort_all(ARRAY_TYPE(mail_save_context) *ctxs)
{
	array_foreach_modifiable(ctxs, ctxp)
		mailbox_save_abort(ctxp);
	array_clear(ctxs);
}

int imap_copy_save_all(ARRAY_TYPE(mail_save_context) *ctxs,
		       ARRAY_TYPE(uint32_t) *uids, const char **error_r)
{
	struct mail_save_context **ctxp;
	unsigned int i, count;
	uint32_t uid;
	int ret = 1;

	ctxp = array_get_modifiable(ctxs, &count);
	for (i = 0; i < count; i++) {
		if (mailbox_save_finish(&ctxp[i], &uid, error_r) < 0) {
			array_delete(ctxs, 0, i + 1);
			imap_copy_abort_all(ctxs);
			return -1;
		}
		if (uid == 0)
			ret = 0;
		array_push_back(uids, &uid);
	}
	array_clear(ctxs);
	return ret;
}

/* Prepares a copy of every message of seqs before the first is saved, so
   that a message expunged meanwhile fails the COPY with nothing copied
   (RFC 3501 6.4.7). Returns 1 with the contexts in ctxs, 0 if some
   were expunged meanwhile, -1 with error_r. */
static int imap_copy_prepare(struct imap_copy_context *ctx,
			     const ARRAY_TYPE(seq_range) *seqs,
			     ARRAY_TYPE(mail_save_context) *ctxs,
			     const char **error_r)
{
	struct mail_save_context *save_ctx;
	uint32_t seq;
	int ret;

	array_foreach(seqs, range) {
		for (seq = range->seq1; seq <= range->seq2; seq++) {
			ret = mailbox_copy_prepare(ctx->dest, ctx->src, seq,
						   &save_ctx, error_r);
			if (ret <= 0) {
				imap_copy_abort_all(ctxs);
				return ret;
			}
			array_push_back(ctxs, &save_ctx);
			array_push_back(&ctx->src_uids,
				&mailbox_get_record(ctx->src, seq)->uid);
		}
	}
	return 1;
}

/* Copies the messages of seqs. Returns 1, 0 if some were expunged
   meanwhile (nothing copied), -1 with error_r. */
static int imap_copy_messages(struct imap_copy_context *ctx,
			      const ARRAY_TYPE(seq_range) *seqs,
			      const char **error_r)
{
	ARRAY_TYPE(mail_save_context) ctxs;
	uint32_t seq;
	int ret;

	t_array_init(&ctxs, 32);
	ret = imap_copy_prepare(ctx, seqs, &ctxs, error_r);
	if (ret <= 0)
		return ret;
	ret = imap_copy_save_all(&ctxs, &ctx->dest_uids, error_r);
	if (ret < 0)
		return -1;
	ctx->uids_unknown = ret == 0;
	if (ctx->marked != NULL) {
		array_foreach(seqs, range) {
			for (seq = range->seq1; seq <= range->seq2; seq++)
				ctx->marked[seq - 1] = true;
		}
	}
	return 1;
}

/* After the copies: sets the reply (MOVE also expunges the sources). */
static void imap_copy_finish(struct imap_copy_context *ctx)
{
	struct client_command_context *cmd = ctx->cmd;
	const char *copyuid = imap_copy_get_copyuid(ctx);
	const char *error;

	if (ctx->marked == NULL) {
		client_cmd_reply(cmd, copyuid == NULL ? "OK Copy completed." :
			t_strdup_printf("OK [%s] Copy completed.", copyuid));
		return;
	}
	/* RFC 6851 4.3: COPYUID in an untagged OK before the EXPUNGEs */
	if (copyuid != NULL) {
		client_send_line(cmd->client, t_strdup_printf(
			"* OK [%s] Moved UIDs.", copyuid));
	}
	if (imap_sync_expunge_marked(cmd->client, ctx->marked, &error) < 0)
		client_cmd_storage_error(cmd, error);
	else
		client_cmd_reply(cmd, "OK Move completed.");
}

static bool cmd_copy_full(struct client_command_context *cmd, bool move)
{
	struct client *client = cmd->client;
	struct imap_copy_context ctx = { .cmd = cmd, .src = client->mailbox };
	ARRAY_TYPE(seq_range) seqs;
	const char *set, *error;
	int ret;

	t_array_init(&seqs, 8);
	if (!imap_arg_get_atom(&cmd->args[0], &set) ||
	    cmd->args[1].type == IMAP_ARG_EOL ||
	    !imap_arg_is_eol(&cmd->args[2])) {
		client_cmd_bad(cmd, "Invalid arguments.");
		return true;
	}
	if (imap_msgset_parse(cmd->client, cmd->uid, set, &seqs,
			      &error) < 0) {
		client_cmd_bad(cmd, error);
		return true;
	}
	if (move && mailbox_is_readonly(ctx.src)) {
		client_cmd_reply(cmd, "NO Mailbox is read-only.");
		return true;
	}
	ctx.dest = imap_copy_open_dest(cmd, &cmd->args[1]);
	if (ctx.dest == NULL)
		return true;
	t_array_init(&ctx.src_uids, 32);
	t_array_init(&ctx.dest_uids, 32);
	if (move)
		ctx.marked = t_new(bool, mailbox_get_count(ctx.src) + 1);
	ret = imap_copy_messages(&ctx, &seqs, &error);
	if (ret < 0)
		client_cmd_storage_error(cmd, error);
	else if (ret == 0) {
		client_cmd_reply(cmd, "NO [EXPUNGEISSUED] Some of the "
				 "requested messages no longer exist.");
	} else if (array_count(&seqs) == 0) {
		client_cmd_reply(cmd, "OK No messages found.");
	} else {
		imap_copy_finish(&ctx);
	}
	imap_copy_close_dest(cmd, &ctx.dest);
	return true;
}

bool cmd_copy(struct client_command_context *cmd)
{
	return cmd_copy_full(cmd, false);
}

bool cmd_move(struct client_command_context *cmd)
{
	return cmd_copy_full(cmd, true);
}
