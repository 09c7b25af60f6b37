/* Copyright (c) Cove authors. See AUTHORS. */

/* Saving a message into an mbox. The message is converted while it
   arrives (CRLF -> LF, ">*From " lines quoted, internal headers dropped,
   the flag headers added at the end of the header) into memory, or a
   temporary file in the index directory once it is large, so that a
   slow or dying sender never holds the lock or leaves half a message.
   save_finish() then takes the write lock, checks that the file is still
   an mbox and where it ends now (another program may have appended
   since the last look), appends "From " line + message + empty line
   (in chunks that keep the dotlock fresh, see struct mbox_writer) and
   fsync()s. If that fails half-way, or the dotlock was found broken by
   someone else, the file is truncated back to its old size; a large
   message is appended under a journal that lets the next writer
   truncate it away after a crash (see mbox-sync.c). A save-only mailbox
   (LMTP) never parses the file; UIDs are assigned by the next reader,
   unless the caller wants them now (MAILBOX_FLAG_SAVE_UIDS). */

#include "lib.h"
#include "array.h"
#include "buffer.h"
#include "str.h"
#include "file-util.h"
#include "message-crlf.h"
#include "mbox-private.h"

#include <fcntl.h>
#include <unistd.h>
#include <sys/stat.h>

/* Above this much, the converted message goes to a temporary file. */
#define MBOX_SAVE_MEMORY_MAX (1024 * 1024)

struct mbox_save_context {
	struct mail_save_context ctx;
	struct mbox_mailbox *mbox;

	/* The converted message (or its part not yet in temp_fd). */
	buffer_t *buf;
	/* The line being received. */
	buffer_t *line;
	int temp_fd;
	uoff_t temp_size;

	/* Appending to the file under the write lock. */
	struct mbox_writer writer;

	/* CRLF -> LF across writes */
	struct message_lf_converter lf;
	bool in_header;
	/* The current header field is an internal one (dropped). */
	bool hidden;
	bool failed;
};

struct mail_save_context *mbox_save_init(struct mailbox *box)
{
	struct mbox_save_context *ctx;

	ctx = i_new(struct mbox_save_context, 1);
	ctx->mbox = (struct mbox_mailbox *)box;
	ctx->buf = buffer_create_dynamic(default_pool, 8192);
	ctx->line = buffer_create_dynamic(default_pool, 256);
	ctx->temp_fd = -1;
	ctx->in_header = true;
	return &ctx->ctx;
}

static void mbox_save_free(struct mbox_save_context *ctx)
{
	if (ctx->temp_fd != -1)
		i_close_fd(&ctx->temp_fd);
	buffer_free(&ctx->buf);
	buffer_free(&ctx->line);
	i_free(ctx);
}

static void mbox_save_flag_headers(struct mbox_save_context *ctx)
{
	string_t *str = t_str_new(128);

	(void)mbox_flag_headers_write(str, ctx->ctx.flags,
		mbox_keywords_names(ctx->mbox, ctx->ctx.keywords), false, 0);
	buffer_append(ctx->buf, str_data(str), str_len(str));
}

/* Stores one whole line (with its LF, if any). */
static void mbox_save_line(struct mbox_save_context *ctx,
			   const unsigned char *line, size_t size)
{
	size_t i;

	if (ctx->in_header) {
		if (line[0] == '\n') {
			T_BEGIN {
				mbox_save_flag_headers(ctx);
			} T_END;
			ctx->in_header = false;
		} else {
			if (line[0] != ' ' && line[0] != '\t') {
				ctx->hidden = mbox_header_is_internal(line,
								      size);
			}
			if (ctx->hidden)
				return;
		}
	}
	for (i = 0; i < size && line[i] == '>'; i++) ;
	if (size - i >= 5 && memcmp(line + i, "From ", 5) == 0)
		buffer_append_c(ctx->buf, '>');
	buffer_append(ctx->buf, line, size);
}

static int mbox_save_spill(struct mbox_save_context *ctx,
			   const char **error_r)
{
	const char *path;

	if (ctx->temp_fd == -1) {
		path = t_strdup_printf("%s/cove-mbox-save.%ld.tmp",
				       ctx->mbox->index_dir, (long)getpid());
		ctx->temp_fd = open(path, O_RDWR | O_CREAT | O_EXCL |
				    O_CLOEXEC, 0600);
		if (ctx->temp_fd == -1) {
			*error_r = t_strdup_printf("open(%s) failed: %m",
						   path);
			return -1;
		}
		/* nothing to clean up after a crash */
		(void)unlink(path);
	}
	if (write_full(ctx->temp_fd, ctx->buf->data, ctx->buf->used) < 0) {
		*error_r = t_strdup_printf("write(temp file in %s) failed: %m",
					   ctx->mbox->index_dir);
		return -1;
	}
	ctx->temp_size += ctx->buf->used;
	buffer_set_used_size(ctx->buf, 0);
	return 0;
}

/* Adds LF-converted data, storing each completed line. */
static void mbox_save_add(void *context, const unsigned char *data,
			  size_t size)
{
	struct mbox_save_context *ctx = context;
	const unsigned char *lf;
	size_t len;

	while (size > 0) {
		lf = memchr(data, '\n', size);
		len = lf == NULL ? size : (size_t)(lf - data) + 1;
		if (lf != NULL && ctx->line->used == 0) {
			mbox_save_line(ctx, data, len);
		} else {
			buffer_append(ctx->line, data, len);
			if (lf != NULL) {
				mbox_save_line(ctx, ctx->line->data,
					       ctx->line->used);
				buffer_set_used_size(ctx->line, 0);
			}
		}
		data += len;
		size -= len;
	}
}

int mbox_save_write(struct mail_save_context *_ctx, const void *data,
		    size_t size, const char **error_r)
{
	struct mbox_save_context *ctx = (struct mbox_save_context *)_ctx;

	if (ctx->failed) {
		*error_r = "Earlier write failed";
		return -1;
	}
	message_lf_convert(&ctx->lf, data, size, mbox_save_add, ctx);
	if (ctx->buf->used >= MBOX_SAVE_MEMORY_MAX &&
	    mbox_save_spill(ctx, error_r) < 0) {
		ctx->failed = true;
		return -1;
	}
	return 0;
}

/* Ends the message: the last line, the flag headers if the header never
   ended, and the separator's empty line. */
static void mbox_save_end(struct mbox_save_context *ctx)
{
	message_lf_convert_end(&ctx->lf, mbox_save_add, ctx);
	if (ctx->line->used > 0) {
		buffer_append_c(ctx->line, '\n');
		mbox_save_line(ctx, ctx->line->data, ctx->line->used);
		buffer_set_used_size(ctx->line, 0);
	}
	if (ctx->in_header) T_BEGIN {
		mbox_save_flag_headers(ctx);
	} T_END;
	buffer_append_c(ctx->buf, '\n');
}

/* Checks that the file is an mbox and finds where to append. Returns 0
   with *prefix_nl_r if the last byte is not a newline, or -1. */
static int mbox_save_check_end(struct mbox_mailbox *mbox, uoff_t size,
			       bool *prefix_nl_r, const char **error_r)
{
	buffer_t *buf;
	bool is_mbox;

	*prefix_nl_r = false;
	if (size == 0)
		return 0;
	if (size < 5 || mbox_file_read(mbox, 0, 5, &buf, error_r) < 0) {
		if (size < 5) {
			*error_r = t_strdup_printf("%s is not an mbox file",
						   mbox->path);
		}
		return -1;
	}
	is_mbox = memcmp(buf->data, "From ", 5) == 0;
	buffer_free(&buf);
	if (!is_mbox) {
		*error_r = t_strdup_printf("%s is not an mbox file (it does "
					   "not start with \"From \"): not "
					   "appending to it", mbox->path);
		return -1;
	}
	if (mbox_file_read(mbox, size - 1, 1, &buf, error_r) < 0)
		return -1;
	*prefix_nl_r = *(const unsigned char *)buf->data != '\n';
	buffer_free(&buf);
	return 0;
}

/* Copies the spilled part of the message to the file at offset. */
static int mbox_save_copy_temp(struct mbox_save_context *ctx, uoff_t offset,
			       const char **error_r)
{
	unsigned char *buf = i_malloc(MBOX_WRITER_CHUNK_SIZE);
	uoff_t pos = 0;
	ssize_t ret;
	int result = 0;

	while (pos < ctx->temp_size && result == 0) {
		ret = pread(ctx->temp_fd, buf, MBOX_WRITER_CHUNK_SIZE,
			    (off_t)pos);
		if (ret <= 0) {
			*error_r = ret == 0 ? "Temporary file shrank" :
				t_strdup_printf("pread(temp file) failed: %m");
			result = -1;
		} else {
			result = mbox_writer_pwrite(&ctx->writer,
						    ctx->mbox->fd,
						    ctx->mbox->path, buf,
						    (size_t)ret, offset + pos,
						    error_r);
			pos += ret;
		}
	}
	i_free(buf);
	return result;
}

/* Appends the spilled message (prefix, the temporary file, the rest in
   buf) under a journal, so that a crash in the middle is undone. */
static int mbox_save_append_large(struct mbox_save_context *ctx,
				  const string_t *prefix, uoff_t offset,
				  const char **error_r)
{
	struct mbox_mailbox *mbox = ctx->mbox;
	uoff_t size = str_len(prefix) + ctx->temp_size + ctx->buf->used;

	if (mbox_journal_write_append(mbox, offset, size, error_r) < 0 ||
	    mbox_writer_pwrite(&ctx->writer, mbox->fd, mbox->path,
			       str_data(prefix), str_len(prefix), offset,
			       error_r) < 0)
		return -1;
	offset += str_len(prefix);
	if (mbox_save_copy_temp(ctx, offset, error_r) < 0)
		return -1;
	offset += ctx->temp_size;
	return mbox_writer_pwrite(&ctx->writer, mbox->fd, mbox->path,
				  ctx->buf->data, ctx->buf->used, offset,
				  error_r);
}

/* Appends the message at the end of the file (size) under the write
   lock, keeping the dotlock fresh; a dotlock found broken at the end
   fails the append (the caller undoes it). */
static int mbox_save_append(struct mbox_save_context *ctx, uoff_t size,
			    const char **error_r)
{
	struct mbox_mailbox *mbox = ctx->mbox;
	string_t *prefix = t_str_new(128);
	bool prefix_nl;

	mbox_writer_init(&ctx->writer, mbox);
	if (mbox_save_check_end(mbox, size, &prefix_nl, error_r) < 0)
		return -1;
	/* the last message gets its final newline and the separator's
	   empty line */
	if (prefix_nl)
		str_append(prefix, "\n\n");
	mbox_from_line_write(prefix, ctx->ctx.envelope_sender,
			     ctx->ctx.received_date != (time_t)-1 ?
			     ctx->ctx.received_date : time(NULL));
	if (ctx->temp_fd != -1) {
		if (mbox_save_append_large(ctx, prefix, size, error_r) < 0)
			return -1;
	} else {
		buffer_insert(ctx->buf, 0, str_data(prefix), str_len(prefix));
		if (mbox_writer_pwrite(&ctx->writer, mbox->fd, mbox->path,
				       ctx->buf->data, ctx->buf->used, size,
				       error_r) < 0)
			return -1;
	}
	if (mbox_writer_check(&ctx->writer, error_r) < 0)
		return -1;
	if (mbox->box.user->fsync_mode != MAIL_STORAGE_FSYNC_NEVER &&
	    fsync(mbox->fd) < 0) {
		*error_r = t_strdup_printf("fsync(%s) failed: %m", mbox->path);
		return -1;
	}
	return ctx->temp_fd == -1 ? 0 : mbox_journal_remove(mbox, error_r);
}

/* Returns true if the saved message needs its UID now. */
static bool mbox_save_wants_uid(const struct mbox_mailbox *mbox)
{
	enum mailbox_flags flags = mbox->box.flags;

	return (flags & MAILBOX_FLAG_SAVEONLY) == 0 ||
		(flags & MAILBOX_FLAG_SAVE_UIDS) != 0;
}

/* Truncates the file back to size after a failed append. After our
   dotlock was broken, only if nobody wrote after our last byte: another
   writer's message is not cut off (what we wrote then stays, logged). */
static void mbox_save_undo(struct mbox_save_context *ctx, uoff_t size)
{
	struct mbox_mailbox *mbox = ctx->mbox;
	const char *error;
	struct stat st;

	if (ctx->writer.lock_broken &&
	    (fstat(mbox->fd, &st) < 0 ||
	     (uoff_t)st.st_size > ctx->writer.end_offset)) {
		i_error("mbox %s: the dotlock was broken and the file written "
			"by someone else during an append: not truncating "
			"the partial message at offset %llu", mbox->path,
			(unsigned long long)size);
	} else if (ftruncate(mbox->fd, (off_t)size) < 0) {
		/* the journal stays: the next writer truncates */
		i_error("ftruncate(%s, %llu) failed after a failed "
			"append: %m", mbox->path, (unsigned long long)size);
		return;
	}
	if (ctx->temp_fd != -1 && mbox_journal_remove(mbox, &error) < 0)
		i_error("%s", error);
}

static int mbox_save_locked(struct mbox_save_context *ctx, uint32_t *uid_r,
			    const char **error_r)
{
	struct mbox_mailbox *mbox = ctx->mbox;
	struct stat st;
	bool wants_uid = mbox_save_wants_uid(mbox);

	/* the state must end where this message starts, so that the
	   sync after it sees one appended message */
	if (wants_uid && mbox_sync_state(mbox, error_r) < 0)
		return -1;
	if (fstat(mbox->fd, &st) < 0) {
		*error_r = t_strdup_printf("fstat(%s) failed: %m", mbox->path);
		return -1;
	}
	if (mbox_save_append(ctx, st.st_size, error_r) < 0) {
		mbox_save_undo(ctx, st.st_size);
		return -1;
	}
	if (!wants_uid)
		return 0;
	if (mbox_sync_state(mbox, error_r) < 0)
		return -1;
	if (array_count(&mbox->mails) > 0)
		*uid_r = array_back(&mbox->mails)->uid;
	if (mbox->box.uidvalidity == 0)
		mbox->box.uidvalidity = mbox->uidvalidity;
	return 0;
}

int mbox_save_finish(struct mail_save_context *_ctx, uint32_t *uid_r,
		     const char **error_r)
{
	struct mbox_save_context *ctx = (struct mbox_save_context *)_ctx;
	struct mbox_mailbox *mbox = ctx->mbox;
	int ret;

	if (ctx->failed) {
		*error_r = "Earlier write failed";
		mbox_save_free(ctx);
		return -1;
	}
	mbox_save_end(ctx);
	ret = mbox_file_lock(mbox, MBOX_LOCK_WRITE, error_r);
	if (ret > 0 && mbox->fd == -1) {
		*error_r = t_strdup_printf("mbox %s does not exist",
					   mbox->path);
		ret = -1;
	} else if (ret > 0) {
		ret = mbox_save_locked(ctx, uid_r, error_r);
		mbox_file_unlock(mbox);
	} else {
		ret = -1;
	}
	mbox_save_free(ctx);
	return ret < 0 ? -1 : 0;
}

void mbox_save_abort(struct mail_save_context *ctx)
{
	mbox_save_free((struct mbox_save_context *)ctx);
}
