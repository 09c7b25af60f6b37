/* Copyright (c) Cove authors. See AUTHORS. */

/* Saving a message into a maildir: written to tmp/ with LF line ends,
   fsync()ed, then linked into new/ (or cur/ when it has flags or
   keywords) under its final name "BASE,S=<size>,W=<size>[:2,FLAGS]". The
   file's mtime is the received date. Only after that does the save
   succeed. A copy from another maildir hard links the source file into
   tmp/ instead of writing it, then goes the same way. A completed
   context (its temp file closed, or linked) waits for its finish without
   a file descriptor, so that a COPY can prepare all its messages before
   the first one is moved into the mailbox. */

#include "lib.h"
#include "buffer.h"
#include "file-util.h"
#include "message-crlf.h"
#include "maildir-filename.h"
#include "maildir-uidlist.h"
#include "maildir-keywords.h"
#include "maildir-storage.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/time.h>

/* Written to the file when this much is buffered. */
#define MAILDIR_SAVE_BUFFER_SIZE 65536

struct maildir_save_context {
	struct mail_save_context ctx;
	struct maildir_mailbox *mbox;

	char *base;
	char *tmp_path;
	int fd;
	buffer_t *buf;

	uoff_t physical_size;
	uoff_t virtual_size;
	/* The last byte stored, for counting LFs without CR. */
	unsigned char last_stored;
	/* CRLF -> LF across writes */
	struct message_lf_converter lf;
	/* A write failed: the error was returned; finish fails too. */
	bool failed;
	/* tmp_path is complete: written and closed, or linked */
	bool completed;
};

struct mail_save_context *maildir_save_init(struct mailbox *box)
{
	struct maildir_mailbox *mbox = (struct maildir_mailbox *)box;
	struct maildir_save_context *ctx;

	ctx = i_new(struct maildir_save_context, 1);
	ctx->mbox = mbox;
	ctx->fd = -1;
	ctx->buf = buffer_create_dynamic(default_pool,
					 MAILDIR_SAVE_BUFFER_SIZE);
	T_BEGIN {
		ctx->base = i_strdup(maildir_filename_generate());
		ctx->tmp_path = i_strdup_printf("%s/tmp/%s", mbox->path,
						ctx->base);
	} T_END;
	return &ctx->ctx;
}

static void maildir_save_free(struct maildir_save_context *ctx)
{
	if (ctx->fd != -1)
		(void)close(ctx->fd);
	if (ctx->fd != -1 || ctx->completed)
		(void)unlink(ctx->tmp_path);
	buffer_free(&ctx->buf);
	i_free(ctx->base);
	i_free(ctx->tmp_path);
	i_free(ctx);
}

static int maildir_save_flush(struct maildir_save_context *ctx,
			      const char **error_r)
{
	if (ctx->fd == -1) {
		ctx->fd = open(ctx->tmp_path, O_WRONLY | O_CREAT | O_EXCL,
			       0600);
		if (ctx->fd == -1) {
			*error_r = t_strdup_printf("open(%s) failed: %m",
						   ctx->tmp_path);
			return -1;
		}
	}
	if (write_full(ctx->fd, ctx->buf->data, ctx->buf->used) < 0) {
		*error_r = t_strdup_printf("write(%s) failed: %m",
					   ctx->tmp_path);
		return -1;
	}
	buffer_set_used_size(ctx->buf, 0);
	return 0;
}

static void maildir_save_store(void *context, const unsigned char *data,
			       size_t size)
{
	struct maildir_save_context *ctx = context;

	for (size_t i = 0; i < size; i++) {
		if (data[i] == '\n' &&
		    (i > 0 ? data[i - 1] : ctx->last_stored) != '\r')
			ctx->virtual_size++;
	}
	if (size > 0)
		ctx->last_stored = data[size - 1];
	ctx->physical_size += size;
	ctx->virtual_size += size;
	buffer_append(ctx->buf, data, size);
}

int maildir_save_write(struct mail_save_context *_ctx, const void *data,
		       size_t size, const char **error_r)
{
	struct maildir_save_context *ctx = (struct maildir_save_context *)_ctx;

	if (ctx->failed) {
		*error_r = "Earlier write failed";
		return -1;
	}
	message_lf_convert(&ctx->lf, data, size, maildir_save_store, ctx);
	if (ctx->buf->used >= MAILDIR_SAVE_BUFFER_SIZE &&
	    maildir_save_flush(ctx, error_r) < 0) {
		ctx->failed = true;
		return -1;
	}
	return 0;
}

/* Flushes, fsyncs, closes and dates the temp file. */
static int maildir_save_close(struct maildir_save_context *ctx,
			      const char **error_r)
{
	struct timeval tv[2];

	message_lf_convert_end(&ctx->lf, maildir_save_store, ctx);
	if (maildir_save_flush(ctx, error_r) < 0)
		return -1;
	if (ctx->mbox->box.user->fsync_mode != MAIL_STORAGE_FSYNC_NEVER &&
	    fsync(ctx->fd) < 0) {
		*error_r = t_strdup_printf("fsync(%s) failed: %m",
					   ctx->tmp_path);
		return -1;
	}
	if (ctx->ctx.received_date != (time_t)-1) {
		tv[0].tv_sec = tv[1].tv_sec = ctx->ctx.received_date;
		tv[0].tv_usec = tv[1].tv_usec = 0;
		if (futimes(ctx->fd, tv) < 0) {
			*error_r = t_strdup_printf("futimes(%s) failed: %m",
						   ctx->tmp_path);
			return -1;
		}
	}
	if (close(ctx->fd) < 0) {
		ctx->fd = -1;
		(void)unlink(ctx->tmp_path);
		*error_r = t_strdup_printf("close(%s) failed: %m",
					   ctx->tmp_path);
		return -1;
	}
	ctx->fd = -1;
	return 0;
}

int maildir_save_complete(struct mail_save_context *_ctx,
			  const char **error_r)
{
	struct maildir_save_context *ctx = (struct maildir_save_context *)_ctx;

	if (ctx->failed) {
		*error_r = "Earlier write failed";
		return -1;
	}
	if (ctx->completed)
		return 0;
	if (maildir_save_close(ctx, error_r) < 0) {
		ctx->failed = true;
		return -1;
	}
	ctx->completed = true;
	return 0;
}

/* Links the temp file into new/ or cur/ and removes it. Returns 0 or
   -1 (then the temp file is gone too). */
static int maildir_save_move(struct maildir_save_context *ctx,
			     const char *final_base, const char **error_r)
{
	struct maildir_mailbox *mbox = ctx->mbox;
	const char *dir, *dest;

	if (ctx->ctx.flags == 0 && ctx->ctx.keywords == 0) {
		dir = t_strconcat(mbox->path, "/new", NULL);
		dest = t_strconcat(dir, "/", final_base, NULL);
	} else {
		dir = t_strconcat(mbox->path, "/cur", NULL);
		dest = t_strconcat(dir, "/", final_base,
			maildir_keywords_info_set("", ctx->ctx.flags,
						  ctx->ctx.keywords),
			NULL);
	}
	if (link(ctx->tmp_path, dest) < 0) {
		*error_r = t_strdup_printf("link(%s, %s) failed: %m",
					   ctx->tmp_path, dest);
		(void)unlink(ctx->tmp_path);
		return -1;
	}
	if (unlink(ctx->tmp_path) < 0 && errno != ENOENT) {
		*error_r = t_strdup_printf("unlink(%s) failed: %m",
					   ctx->tmp_path);
		(void)unlink(dest);
		return -1;
	}
	if (maildir_fsync_dir(mbox, dir, true, error_r) < 0) {
		(void)unlink(dest);
		return -1;
	}
	return 0;
}

/* Gives the saved message its UID now, unless the mailbox is only saved
   to. Returns the UID, or 0 if that failed (the next sync assigns it). */
static uint32_t maildir_save_assign_uid(struct maildir_save_context *ctx,
					const char *final_base)
{
	struct maildir_mailbox *mbox = ctx->mbox;
	enum mailbox_flags flags = mbox->box.flags;
	const char *info;
	const char *error;
	uint32_t uid;

	if ((flags & MAILBOX_FLAG_SAVEONLY) != 0 &&
	    (flags & MAILBOX_FLAG_SAVE_UIDS) == 0)
		return 0;

	if (maildir_uidlist_lock(mbox->uidlist, &error) <= 0)
		return 0;
	info = maildir_keywords_info_set("", ctx->ctx.flags, ctx->ctx.keywords);
	uid = maildir_uidlist_lookup(mbox->uidlist, final_base);
	if (uid == 0) {
		uid = maildir_uidlist_add(mbox->uidlist, final_base,
					  maildir_info_get_state(info));
	}
	if (maildir_uidlist_unlock(mbox->uidlist, &error) < 0)
		return 0;
	/* a save-only view was never synced: its UIDVALIDITY is the one
	   this UID belongs to */
	if (mbox->box.uidvalidity == 0) {
		mbox->box.uidvalidity =
			maildir_uidlist_get_uidvalidity(mbox->uidlist);
	}
	return uid;
}

int maildir_save_finish(struct mail_save_context *_ctx, uint32_t *uid_r,
			const char **error_r)
{
	struct maildir_save_context *ctx = (struct maildir_save_context *)_ctx;
	const char *final_base;
	int ret = -1;

	if (maildir_save_complete(_ctx, error_r) == 0) {
		final_base = t_strdup_printf("%s,S=%llu,W=%llu", ctx->base,
			(unsigned long long)ctx->physical_size,
			(unsigned long long)ctx->virtual_size);
		/* the temp file is gone after the move, also on failure */
		ctx->completed = false;
		ret = maildir_save_move(ctx, final_base, error_r);
		if (ret == 0)
			*uid_r = maildir_save_assign_uid(ctx, final_base);
	}
	maildir_save_free(ctx);
	return ret;
}

void maildir_save_abort(struct mail_save_context *ctx)
{
	maildir_save_free((struct maildir_save_context *)ctx);
}

/* Hard links the file of mail idx of src to the temp path. Returns 1,
   0 if that is not possible (the file is gone or on another
   filesystem), -1 error. */
static int maildir_copy_link(struct maildir_save_context *ctx,
			     struct maildir_mailbox *src, unsigned int idx,
			     const char **error_r)
{
	const char *path;

	for (unsigned int try = 0;; try++) {
		path = maildir_mail_get_path(src, array_idx(&src->mails, idx));
		if (link(path, ctx->tmp_path) == 0)
			return 1;
		if (errno != ENOENT || try > 0)
			break;
		/* renamed meanwhile: find its new name */
		if (maildir_mail_refind(src, idx, error_r) <= 0)
			return 0;
	}
	if (errno == ENOENT || errno == EXDEV || errno == EPERM ||
	    errno == EMLINK)
		return 0;
	*error_r = t_strdup_printf("link(%s, %s) failed: %m", path,
				   ctx->tmp_path);
	return -1;
}

int maildir_copy(struct mail_save_context *_ctx, struct mailbox *src,
		 unsigned int idx, const char **error_r)
{
	struct maildir_save_context *ctx = (struct maildir_save_context *)_ctx;
	const struct mail_record *rec;
	int ret;

	ret = maildir_copy_link(ctx, (struct maildir_mailbox *)src, idx,
				error_r);
	if (ret <= 0)
		return ret;
	/* the same file: its mtime (the received date) comes along; the
	   sizes are the source's */
	rec = mailbox_get_record(src, idx + 1);
	ctx->physical_size = rec->physical_size;
	ctx->virtual_size = rec->virtual_size;
	ctx->completed = true;
	return 1;
}
