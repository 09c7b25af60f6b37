/* Copyright (c) Cove authors. See AUTHORS. */

/* Keeping the state and the session's view in step with the mbox file,
   and rewriting it.

   Reading (under a read lock): when the file's stamp (device, inode,
   size, mtime) is the index's, the index is the state and the file is
   not read (the index is replaced atomically, so this needs no index
   lock). Otherwise, under the index's dotlock: when the file only grew
   (the last old message still parses with the same fingerprint at the
   same offset and its separator ends at the old size) only the last old
   message and the new ones are parsed, and the new ones get the next
   UIDs. Else someone rewrote the file: it is parsed whole (a window at
   a time) and matched with the old state in order by fingerprint (a
   rewrite keeps the order of messages; flag changes do not change
   fingerprints). Matched messages keep their UIDs, unmatched ones after
   the last match get new UIDs; an unmatched message before a matched one
   would need a UID below an existing one: then every message is
   renumbered under a new UIDVALIDITY. The result is written back to the
   index, which is where other sessions get their UIDs from.

   Rewriting (flag changes, expunges; under the write lock): the new
   bytes from the first changed message to the end are built in memory
   and written first to a journal in the index directory (with the
   file's identity and the offset), which is fsync()ed; only then are
   they written over the file in place and the file truncated, and the
   journal removed. A crash before the journal is complete leaves the
   file untouched (the partial journal is discarded); a crash after it
   leaves a journal that the next writer (mbox_file_lock()) copies in
   again. Both writes go in chunks between which the dotlock is kept
   fresh (struct mbox_writer); a dotlock that someone else broke while
   the journal was written drops the journal and fails the rewrite with
   the file untouched, one broken while the file is written is logged
   and the rewrite finished (the journal holds it anyway). A message too
   large to be appended with one write() leaves a journal with the old
   size while it is appended: after a crash the next writer truncates
   the half-written message away. The file is never renamed, so other
   programs that have it open or locked keep seeing the one file, and its
   ownership in a spool directory is kept.

   Force-resync (MAILBOX_FLAG_REBUILD_INDEX, see mbox_sync_resync())
   parses the whole file under the write lock whatever the index says,
   and matches it with what is left of the index. */

#include "lib.h"
#include "array.h"
#include "buffer.h"
#include "str.h"
#include "file-util.h"
#include "file-dotlock.h"
#include "mbox-private.h"

#include <fcntl.h>
#include <strings.h>
#include <unistd.h>
#include <sys/stat.h>

/* How much of the file is read and parsed at a time. */
#define MBOX_PARSE_WINDOW_SIZE (8 * 1024 * 1024)

#define MBOX_JOURNAL_MAGIC_REWRITE "CoveMbJ\n"
#define MBOX_JOURNAL_MAGIC_APPEND "CoveMbA\n"

struct mbox_journal_header {
	char magic[8];
	uint64_t dev;
	uint64_t ino;
	uint64_t offset;
	uint64_t size;
};

/* A fingerprint with the message's position, for matching. */
struct mbox_fp {
	uint64_t fingerprint;
	unsigned int idx;
};

static int mbox_fp_cmp(const struct mbox_fp *f1, const struct mbox_fp *f2)
{
	if (f1->fingerprint != f2->fingerprint)
		return f1->fingerprint < f2->fingerprint ? -1 : 1;
	return f1->idx < f2->idx ? -1 : (f1->idx > f2->idx ? 1 : 0);
}

static const char *mbox_journal_path(const struct mbox_mailbox *mbox)
{
	return t_strconcat(mbox->index_dir, "/" MBOX_JOURNAL_NAME, NULL);
}

static int mbox_fsync(struct mbox_mailbox *mbox, int fd, const char *path,
		      const char **error_r)
{
	if (mbox->box.user->fsync_mode == MAIL_STORAGE_FSYNC_NEVER)
		return 0;
	if (fsync(fd) < 0) {
		*error_r = t_strdup_printf("fsync(%s) failed: %m", path);
		return -1;
	}
	return 0;
}

static int mbox_fstat_stamp(struct mbox_mailbox *mbox,
			    struct mbox_stamp *stamp_r, const char **error_r)
{
	struct stat st;

	i_zero(stamp_r);
	if (mbox->fd == -1)
		return 0;
	if (fstat(mbox->fd, &st) < 0) {
		*error_r = t_strdup_printf("fstat(%s) failed: %m", mbox->path);
		return -1;
	}
	mbox_stamp_from_stat(&st, stamp_r);
	return 0;
}

/* Copies a message found by the parser into a state record (no UID). */
static void mbox_mail_set_parsed(struct mbox_mailbox *mbox,
				 struct mbox_mail *mail,
				 const struct mbox_file_mail *parsed,
				 time_t mtime)
{
	mail->flags = parsed->flags;
	mail->keywords = parsed->keywords == NULL ? 0 :
		mbox_keywords_parse(mbox, parsed->keywords);
	mail->from_offset = parsed->from_offset;
	mail->hdr_offset = parsed->hdr_offset;
	mail->end_offset = parsed->end_offset;
	mail->next_offset = parsed->next_offset;
	mail->physical_size = parsed->physical_size;
	mail->virtual_size = parsed->virtual_size;
	mail->received_date = parsed->received_date != (time_t)-1 ?
		parsed->received_date : mtime;
	mail->fingerprint = parsed->fingerprint;
	mail->pseudo = parsed->pseudo ? 1 : 0;
}

static void mbox_log_warnings(struct mbox_mailbox *mbox,
			      enum mbox_file_warnings warnings,
			      uoff_t offset)
{
	if ((warnings & MBOX_FILE_WARN_FROM_IN_BODY) != 0) {
		i_warning("mbox %s: a \"From \" line without an empty line "
			  "before it (offset %llu) starts a new message: "
			  "an unquoted \"From \" line in a body?", mbox->path,
			  (unsigned long long)offset);
	}
	if ((warnings & MBOX_FILE_WARN_NO_FINAL_NEWLINE) != 0) {
		i_warning("mbox %s: the file does not end with a newline",
			  mbox->path);
	}
}

/* Reads and parses the file from offset (a "From " line) to size, a
   window at a time: the last message of a window is parsed again from
   its start with the next one (a window grows to hold a message larger
   than it). */
static int mbox_parse_range(struct mbox_mailbox *mbox, uoff_t offset,
			    uoff_t size, pool_t pool,
			    ARRAY_TYPE(mbox_file_mail) *parsed,
			    const char **error_r)
{
	enum mbox_file_warnings warnings;
	uoff_t warn_offset, window = MBOX_PARSE_WINDOW_SIZE;
	unsigned int first, count;
	buffer_t *buf;
	size_t len;
	bool at_eof;
	int ret;

	while (offset < size) {
		if (size - offset > SSIZE_MAX || window > SSIZE_MAX) {
			*error_r = t_strdup_printf("mbox %s has a message "
						   "too large to read",
						   mbox->path);
			return -1;
		}
		len = (size_t)I_MIN(window, size - offset);
		at_eof = offset + len == size;
		if (mbox_file_read(mbox, offset, len, &buf, error_r) < 0)
			return -1;
		first = array_count(parsed);
		ret = mbox_file_parse(buf->data, buf->used, offset, at_eof,
				      pool, parsed, &warnings, &warn_offset,
				      error_r);
		buffer_free(&buf);
		if (ret < 0) {
			*error_r = t_strdup_printf("mbox %s: %s", mbox->path,
						   *error_r);
			return -1;
		}
		mbox_log_warnings(mbox, warnings, warn_offset);
		if (at_eof)
			break;
		count = array_count(parsed);
		if (count - first < 2) {
			array_delete(parsed, first, count - first);
			window *= 2;
			continue;
		}
		offset = array_idx(parsed, count - 1)->from_offset;
		array_delete(parsed, count - 1, 1);
	}
	return 0;
}

/* The file grew: parses from the last known message on. Returns false
   if it is not a pure append (the caller parses everything). */
static bool mbox_sync_append(struct mbox_mailbox *mbox,
			     const struct mbox_stamp *old,
			     const struct mbox_stamp *cur, pool_t pool)
{
	ARRAY_TYPE(mbox_file_mail) parsed;
	const struct mbox_file_mail *pmails;
	struct mbox_mail *last, *mail;
	unsigned int i, count;
	const char *error;

	if (array_count(&mbox->mails) == 0 || old->dev != cur->dev ||
	    old->ino != cur->ino || cur->size <= old->size)
		return false;
	last = array_idx_modifiable(&mbox->mails,
				    array_count(&mbox->mails) - 1);
	if (last->next_offset != old->size)
		return false;
	p_array_init(&parsed, pool, 16);
	if (mbox_parse_range(mbox, last->from_offset, cur->size, pool,
			     &parsed, &error) < 0)
		return false;
	pmails = array_get(&parsed, &count);
	if (count < 2 || pmails[0].fingerprint != last->fingerprint ||
	    pmails[0].next_offset < old->size)
		return false;
	mbox_mail_set_parsed(mbox, last, &pmails[0], cur->mtime_sec);
	for (i = 1; i < count; i++) {
		mail = array_append_space(&mbox->mails);
		mbox_mail_set_parsed(mbox, mail, &pmails[i], cur->mtime_sec);
		mail->uid = mbox->uidnext++;
	}
	return true;
}

/* Parses the whole file and matches its messages with the state by
   fingerprint. salvaged: the state is what a damaged index still had, so
   its UIDs are only trusted if some message matched (else the index may
   be another file's, or had no usable header). A new UIDVALIDITY is
   above the old one (RFC 3501 2.3.1.1). */
static int mbox_sync_full(struct mbox_mailbox *mbox,
			  const struct mbox_stamp *cur, bool salvaged,
			  pool_t pool, const char **error_r)
{
	ARRAY_TYPE(mbox_file_mail) parsed;
	ARRAY_TYPE(mbox_mail) new_mails;
	const struct mbox_mail *old;
	const struct mbox_file_mail *pmails;
	struct mbox_fp *fps, key, *found;
	struct mbox_mail *mail;
	unsigned int i, count, old_count, lo, hi;
	int last = -1;
	bool unmatched = false, renumber = false, foreign;

	p_array_init(&parsed, pool, 256);
	if (cur->size > 0 &&
	    mbox_parse_range(mbox, 0, cur->size, pool, &parsed, error_r) < 0)
		return -1;
	pmails = array_get(&parsed, &count);
	old = array_get(&mbox->mails, &old_count);
	fps = p_new(pool, struct mbox_fp, old_count + 1);
	for (i = 0; i < old_count; i++) {
		fps[i].fingerprint = old[i].fingerprint;
		fps[i].idx = i;
	}
	qsort(fps, old_count, sizeof(*fps),
	      (int (*)(const void *, const void *))mbox_fp_cmp);

	i_array_init(&new_mails, count + 1);
	for (i = 0; i < count; i++) {
		mail = array_append_space(&new_mails);
		mbox_mail_set_parsed(mbox, mail, &pmails[i], cur->mtime_sec);
		/* the first old message with this fingerprint after the
		   last match */
		key.fingerprint = pmails[i].fingerprint;
		key.idx = (unsigned int)(last + 1);
		for (lo = 0, hi = old_count; lo < hi; ) {
			unsigned int mid = lo + (hi - lo) / 2;

			if (mbox_fp_cmp(&fps[mid], &key) < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		found = lo < old_count &&
			fps[lo].fingerprint == key.fingerprint ?
			&fps[lo] : NULL;
		if (found == NULL) {
			unmatched = true;
			continue;
		}
		if (unmatched)
			renumber = true;
		mail->uid = old[found->idx].uid;
		last = (int)found->idx;
	}
	foreign = salvaged && last == -1 && count > 0;
	array_free(&mbox->mails);
	mbox->mails = new_mails;
	if (foreign && old_count > 0) {
		i_warning("mbox %s: no message matches its index (the index "
			  "of another file?): new UIDVALIDITY", mbox->path);
	} else if (renumber && salvaged) {
		i_warning("mbox %s: its index does not have the messages in "
			  "the file's order (damaged?): new UIDVALIDITY",
			  mbox->path);
	} else if (renumber) {
		i_warning("mbox %s was rewritten with messages inserted: new "
			  "UIDVALIDITY", mbox->path);
	}
	if (renumber || foreign || mbox->uidvalidity == 0) {
		mbox->uidvalidity = I_MAX((uint32_t)time(NULL),
					  mbox->uidvalidity + 1);
		mbox->uidnext = 1;
		mbox->recent_uid = 1;
		array_foreach_modifiable(&mbox->mails, new_mail)
			new_mail->uid = 0;
	}
	array_foreach_modifiable(&mbox->mails, new_mail) {
		if (new_mail->uid == 0)
			new_mail->uid = mbox->uidnext++;
	}
	/* renumbered messages are not new */
	if (renumber)
		mbox->recent_uid = mbox->uidnext;
	return 0;
}

/* Reads the index; on failure keeps the state as it was. Returns 1 with
   *index_stamp_r if the state is now the index's, 0 if not, -1 error. */
static int mbox_sync_read_index(struct mbox_mailbox *mbox,
				struct mbox_stamp *index_stamp_r,
				const char **error_r)
{
	ARRAY_TYPE(mbox_mail) backup;
	uint32_t uidvalidity = mbox->uidvalidity;
	uint32_t uidnext = mbox->uidnext, recent_uid = mbox->recent_uid;
	int ret;

	i_array_init(&backup, array_count(&mbox->mails) + 1);
	array_foreach(&mbox->mails, mail)
		array_push_back(&backup, mail);
	ret = mbox_index_read(mbox, index_stamp_r, error_r);
	if (ret <= 0) {
		array_free(&mbox->mails);
		mbox->mails = backup;
		mbox->uidvalidity = uidvalidity;
		mbox->uidnext = uidnext;
		mbox->recent_uid = recent_uid;
		return ret;
	}
	array_free(&backup);
	return 1;
}

/* Returns true if this session would claim UIDs as \Recent. */
static bool mbox_sync_wants_recent(const struct mbox_mailbox *mbox)
{
	return !mailbox_is_readonly(&mbox->box) &&
		(mbox->box.flags & MAILBOX_FLAG_SAVEONLY) == 0 &&
		mbox->recent_uid < mbox->uidnext;
}

/* Claims the UIDs no session has seen yet as \Recent for this one. */
static bool mbox_sync_claim_recent(struct mbox_mailbox *mbox)
{
	struct mbox_recent_range *range;

	if (!mbox_sync_wants_recent(mbox))
		return false;
	range = array_append_space(&mbox->recent);
	range->first = mbox->recent_uid;
	range->last = mbox->uidnext;
	mbox->recent_uid = mbox->uidnext;
	return true;
}

int mbox_sync_state(struct mbox_mailbox *mbox, const char **error_r)
{
	struct mbox_stamp cur, index_stamp;
	struct file_dotlock *dotlock;
	bool write_index = false;
	pool_t pool;
	int ret;

	if (mbox_fstat_stamp(mbox, &cur, error_r) < 0)
		return -1;
	if (mbox->state_loaded && mbox_stamp_equals(&cur, &mbox->stamp))
		return 0;
	/* an index of the file as it is needs no lock to be read (it is
	   replaced atomically) unless recent UIDs are claimed */
	ret = mbox_sync_read_index(mbox, &index_stamp, error_r);
	if (ret < 0)
		return -1;
	if (ret > 0 && mbox_stamp_equals(&cur, &index_stamp) &&
	    !mbox_sync_wants_recent(mbox)) {
		mbox->stamp = cur;
		mbox->state_loaded = true;
		return 0;
	}
	if (mailbox_list_lock(mbox_index_path(mbox), &dotlock, error_r) < 0)
		return -1;
	ret = mbox_sync_read_index(mbox, &index_stamp, error_r);
	if (ret < 0) {
		(void)mailbox_list_unlock(&dotlock, -1, error_r);
		return -1;
	}
	if (ret == 0) {
		/* no index: what this session knew is the best guess */
		index_stamp = mbox->stamp;
	}
	if (ret == 0 || !mbox_stamp_equals(&cur, &index_stamp)) {
		pool = pool_alloconly_create("mbox sync", 65536);
		ret = mbox_sync_append(mbox, &index_stamp, &cur, pool) ? 0 :
			mbox_sync_full(mbox, &cur, false, pool, error_r);
		pool_unref(&pool);
		if (ret < 0) {
			mbox->state_loaded = false;
			(void)mailbox_list_unlock(&dotlock, -1, error_r);
			return -1;
		}
		write_index = true;
	}
	mbox->stamp = cur;
	mbox->state_loaded = true;
	if (mbox_sync_claim_recent(mbox))
		write_index = true;
	ret = write_index ? mbox_index_write(mbox, error_r) : 0;
	return mailbox_list_unlock(&dotlock, ret, error_r);
}

/* The resync under the locks: what the index still has, the file parsed
   whole, the index written anew. */
static int mbox_sync_resync_locked(struct mbox_mailbox *mbox,
				   const char **error_r)
{
	struct mbox_stamp cur;
	pool_t pool;
	int ret;

	if (mbox_index_salvage(mbox, error_r) < 0 ||
	    mbox_fstat_stamp(mbox, &cur, error_r) < 0)
		return -1;
	pool = pool_alloconly_create("mbox resync", 65536);
	ret = mbox_sync_full(mbox, &cur, true, pool, error_r);
	pool_unref(&pool);
	if (ret < 0)
		return -1;
	mbox->stamp = cur;
	mbox->state_loaded = true;
	return mbox_index_write(mbox, error_r);
}

/* coveadm force-resync and index rebuild (MAILBOX_FLAG_REBUILD_INDEX):
   under the write lock, which finishes or discards an interrupted
   rewrite or append first, the file is parsed whole whatever the index's
   stamp says, and matched by fingerprint with the records that the index
   still has (its offsets are not trusted): matched messages keep their
   UIDs and the UIDVALIDITY stays. A damaged header, or an index in which
   no message matches (another file's), means new UIDs under a new
   UIDVALIDITY. The index is then written anew. */
static int mbox_sync_resync(struct mbox_mailbox *mbox, const char **error_r)
{
	struct file_dotlock *dotlock;
	int ret;

	ret = mbox_file_lock(mbox, mailbox_is_readonly(&mbox->box) ?
			     MBOX_LOCK_READ : MBOX_LOCK_WRITE, error_r);
	if (ret <= 0)
		return -1;
	if (mailbox_list_lock(mbox_index_path(mbox), &dotlock, error_r) < 0) {
		mbox_file_unlock(mbox);
		return -1;
	}
	ret = mbox_sync_resync_locked(mbox, error_r);
	if (ret < 0)
		mbox->state_loaded = false;
	ret = mailbox_list_unlock(&dotlock, ret, error_r);
	mbox_file_unlock(mbox);
	return ret;
}

int mbox_sync_state_refresh(struct mbox_mailbox *mbox, const char **error_r)
{
	struct mbox_stamp cur;
	int ret;

	if (mbox->lock != NULL)
		return mbox_sync_state(mbox, error_r);
	if (mbox->state_loaded &&
	    mbox_stamp_get(mbox->path, &cur, error_r) > 0 &&
	    mbox_stamp_equals(&cur, &mbox->stamp))
		return 0;
	ret = mbox_file_lock(mbox, MBOX_LOCK_READ, error_r);
	if (ret <= 0)
		return -1;
	ret = mbox_sync_state(mbox, error_r);
	mbox_file_unlock(mbox);
	return ret;
}

/* Truncates the message that the append of the journal left half
   written. Returns 0 or -1. */
static int mbox_journal_recover_append(struct mbox_mailbox *mbox,
				       const struct mbox_journal_header *hdr,
				       const struct mbox_stamp *cur,
				       const char **error_r)
{
	if (hdr->dev != cur->dev || hdr->ino != cur->ino ||
	    cur->size <= hdr->offset || cur->size >= hdr->offset + hdr->size)
		return 0;
	if (ftruncate(mbox->fd, (off_t)hdr->offset) < 0) {
		*error_r = t_strdup_printf("ftruncate(%s) failed: %m",
					   mbox->path);
		return -1;
	}
	i_warning("mbox %s: truncated a message whose append was "
		  "interrupted by a crash (%llu bytes at offset %llu)",
		  mbox->path, (unsigned long long)(cur->size - hdr->offset),
		  (unsigned long long)hdr->offset);
	return mbox_fsync(mbox, mbox->fd, mbox->path, error_r);
}

/* Writes the new tail of the rewrite journal again. Returns 0 or -1. */
static int mbox_journal_recover_rewrite(struct mbox_mailbox *mbox,
					const struct mbox_journal_header *hdr,
					const buffer_t *data,
					const struct mbox_stamp *cur,
					const char **error_r)
{
	if (data->used - sizeof(*hdr) != hdr->size || hdr->dev != cur->dev ||
	    hdr->ino != cur->ino || hdr->offset > cur->size) {
		/* incomplete: the file was not touched yet */
		i_warning("mbox %s: discarding an incomplete rewrite journal",
			  mbox->path);
		return 0;
	}
	if (pwrite_full(mbox->fd,
			(const unsigned char *)data->data + sizeof(*hdr),
			hdr->size, (off_t)hdr->offset) < 0 ||
	    ftruncate(mbox->fd, (off_t)(hdr->offset + hdr->size)) < 0) {
		*error_r = t_strdup_printf("Finishing the rewrite of %s "
					   "failed: %m", mbox->path);
		return -1;
	}
	i_warning("mbox %s: finished a rewrite interrupted by a crash",
		  mbox->path);
	return mbox_fsync(mbox, mbox->fd, mbox->path, error_r);
}

int mbox_journal_recover(struct mbox_mailbox *mbox, const char **error_r)
{
	struct mbox_journal_header hdr;
	struct mbox_stamp cur;
	buffer_t *data = NULL;
	bool enoent;
	int ret = 0;

	if (file_read_all(mbox_journal_path(mbox), default_pool, SSIZE_MAX,
			  &data, &enoent, error_r) < 0)
		return enoent ? 0 : -1;
	i_zero(&hdr);
	if (data->used >= sizeof(hdr))
		memcpy(&hdr, data->data, sizeof(hdr));
	if (mbox_fstat_stamp(mbox, &cur, error_r) < 0)
		ret = -1;
	else if (memcmp(hdr.magic, MBOX_JOURNAL_MAGIC_APPEND,
			sizeof(hdr.magic)) == 0)
		ret = mbox_journal_recover_append(mbox, &hdr, &cur, error_r);
	else if (memcmp(hdr.magic, MBOX_JOURNAL_MAGIC_REWRITE,
			sizeof(hdr.magic)) == 0) {
		ret = mbox_journal_recover_rewrite(mbox, &hdr, data, &cur,
						   error_r);
	} else {
		i_warning("mbox %s: discarding a damaged journal",
			  mbox->path);
	}
	buffer_free(&data);
	if (ret == 0)
		ret = mbox_journal_remove(mbox, error_r);
	return ret;
}

int mbox_journal_remove(struct mbox_mailbox *mbox, const char **error_r)
{
	const char *path = mbox_journal_path(mbox);

	if (unlink(path) < 0 && errno != ENOENT) {
		*error_r = t_strdup_printf("unlink(%s) failed: %m", path);
		return -1;
	}
	return 0;
}

/* Appends message data[0..size) (from its "From " line to its next
   message) to dest: if changed, with its flag headers written anew, else
   as it is, with an empty X-Keywords line added if it has none. Either
   way the flag headers then have room for later changes in place. */
static void mbox_rewrite_mail(struct mbox_mailbox *mbox, buffer_t *dest,
			      const unsigned char *data, size_t size,
			      const struct mbox_mail *mail, bool changed)
{
	size_t hdr = mail->hdr_offset - mail->from_offset;
	size_t pos = hdr, end;
	const unsigned char *lf;
	string_t *flags_str;
	bool flags_line = false, have_keywords = false;

	buffer_append(dest, data, hdr);
	for (; pos < size; pos = end) {
		lf = memchr(data + pos, '\n', size - pos);
		end = lf == NULL ? size : (size_t)(lf - data) + 1;
		if (mbox_line_is_header_end(data + pos, end - pos))
			break;
		if (data[pos] != ' ' && data[pos] != '\t') {
			flags_line = mbox_header_is_flags(data + pos,
							  end - pos);
			have_keywords = have_keywords ||
				(end - pos >= 11 &&
				 strncasecmp((const char *)data + pos,
					     "X-Keywords:", 11) == 0);
		}
		if (!changed || !flags_line)
			buffer_append(dest, data + pos, end - pos);
	}
	flags_str = t_str_new(128);
	if (changed) {
		(void)mbox_flag_headers_write(flags_str, mail->flags,
			mbox_keywords_names(mbox, mail->keywords), true, 0);
	} else if (!have_keywords) {
		(void)mbox_flag_headers_write(flags_str, 0, NULL, false, 0);
	}
	buffer_append(dest, str_data(flags_str), str_len(flags_str));
	buffer_append(dest, data + pos, size - pos);
}

void mbox_writer_init(struct mbox_writer *writer, struct mbox_mailbox *mbox)
{
	const char *delay = getenv(MBOX_WRITER_DELAY_ENV);

	i_zero(writer);
	writer->mbox = mbox;
	if (delay != NULL && str_to_uint(delay, &writer->delay_msecs) < 0)
		writer->delay_msecs = 0;
}

int mbox_writer_check(struct mbox_writer *writer, const char **error_r)
{
	if (writer->mbox->lock == NULL)
		return 0;
	writer->last_touch = time(NULL);
	if (mbox_lock_touch(writer->mbox->lock, error_r) == 0)
		return 0;
	if (!writer->committed) {
		writer->lock_broken = true;
		return -1;
	}
	if (!writer->lock_broken) {
		i_warning("mbox %s: %s: finishing the rewrite its journal "
			  "holds", writer->mbox->path, *error_r);
	}
	writer->lock_broken = true;
	return 0;
}

/* After a chunk: the test hook's delay, then the dotlock refreshed if
   half of its change timeout has passed since the last time. */
static int mbox_writer_refresh(struct mbox_writer *writer,
			       const char **error_r)
{
	const struct mail_storage_settings *set = writer->mbox->box.user->set;
	time_t interval = I_MAX(set->mbox_dotlock_change_timeout / 2, 1U);

	if (writer->delay_msecs > 0)
		usleep(writer->delay_msecs * 1000);
	if (time(NULL) - writer->last_touch < interval)
		return 0;
	return mbox_writer_check(writer, error_r);
}

int mbox_writer_pwrite(struct mbox_writer *writer, int fd, const char *path,
		       const void *data, size_t size, uoff_t offset,
		       const char **error_r)
{
	size_t pos, len;

	for (pos = 0; pos < size; pos += len) {
		len = I_MIN(size - pos, MBOX_WRITER_CHUNK_SIZE);
		if (pwrite_full(fd, (const unsigned char *)data + pos, len,
				(off_t)(offset + pos)) < 0) {
			*error_r = t_strdup_printf("write(%s) failed: %m",
						   path);
			return -1;
		}
		writer->end_offset = offset + pos + len;
		if (mbox_writer_refresh(writer, error_r) < 0)
			return -1;
	}
	return 0;
}

/* Writes the journal: magic, the file's identity, offset and size, then
   data (may be NULL; else written through writer). It is on disk when
   this returns 0; on failure it is removed. */
static int mbox_journal_write(struct mbox_mailbox *mbox,
			      struct mbox_writer *writer, const char *magic,
			      uoff_t offset, uoff_t size, const void *data,
			      const char **error_r)
{
	const char *path = mbox_journal_path(mbox);
	struct mbox_journal_header hdr;
	struct mbox_stamp cur;
	int fd, ret = 0;

	if (mbox_fstat_stamp(mbox, &cur, error_r) < 0)
		return -1;
	i_zero(&hdr);
	memcpy(hdr.magic, magic, sizeof(hdr.magic));
	hdr.dev = cur.dev;
	hdr.ino = cur.ino;
	hdr.offset = offset;
	hdr.size = size;
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd == -1) {
		*error_r = t_strdup_printf("open(%s) failed: %m", path);
		return -1;
	}
	if (write_full(fd, &hdr, sizeof(hdr)) < 0) {
		*error_r = t_strdup_printf("write(%s) failed: %m", path);
		ret = -1;
	} else if (data != NULL &&
		   mbox_writer_pwrite(writer, fd, path, data, size,
				      sizeof(hdr), error_r) < 0) {
		ret = -1;
	}
	/* the journal must be complete on disk before the file changes */
	if (ret == 0 && fsync(fd) < 0) {
		*error_r = t_strdup_printf("fsync(%s) failed: %m", path);
		ret = -1;
	}
	if (close(fd) < 0 && ret == 0) {
		*error_r = t_strdup_printf("close(%s) failed: %m", path);
		ret = -1;
	}
	if (ret < 0)
		(void)unlink(path);
	return ret;
}

int mbox_journal_write_append(struct mbox_mailbox *mbox, uoff_t offset,
			      uoff_t size, const char **error_r)
{
	return mbox_journal_write(mbox, NULL, MBOX_JOURNAL_MAGIC_APPEND,
				  offset, size, NULL, error_r);
}

/* Writes new_tail over the file from offset through the journal. */
static int mbox_rewrite_tail(struct mbox_mailbox *mbox, uoff_t offset,
			     const buffer_t *new_tail, const char **error_r)
{
	struct mbox_writer writer;
	const char *error;

	/* the dotlock is kept fresh while the journal is written; if it
	   was broken meanwhile (the journal is then removed), or is found
	   broken now, the file is not touched: someone else may have
	   changed it, so the journal must not be applied either */
	mbox_writer_init(&writer, mbox);
	if (mbox_journal_write(mbox, &writer, MBOX_JOURNAL_MAGIC_REWRITE,
			       offset, new_tail->used, new_tail->data,
			       error_r) < 0)
		return -1;
	if (mbox_writer_check(&writer, error_r) < 0) {
		if (mbox_journal_remove(mbox, &error) < 0)
			i_error("%s", error);
		return -1;
	}
	/* from here on a failure leaves the journal: the next writer
	   finishes the job */
	writer.committed = true;
	if (mbox_writer_pwrite(&writer, mbox->fd, mbox->path, new_tail->data,
			       new_tail->used, offset, error_r) < 0)
		return -1;
	if (ftruncate(mbox->fd, (off_t)(offset + new_tail->used)) < 0) {
		*error_r = t_strdup_printf("ftruncate(%s) failed: %m",
					   mbox->path);
		return -1;
	}
	if (mbox_fsync(mbox, mbox->fd, mbox->path, error_r) < 0)
		return -1;
	return mbox_journal_remove(mbox, error_r);
}

/* Header bytes read to find a message's flag headers for a change in
   place; a message with a longer header is rewritten with the tail. */
#define MBOX_IN_PLACE_HEADER_MAX (64 * 1024)

/* Applies the pending flag changes to the state (the file's flags under
   the write lock), setting changed[] for the messages whose flags differ
   now. */
static void mbox_rewrite_apply_pending(struct mbox_mailbox *mbox,
				       bool *changed)
{
	struct mbox_mail *mails = array_get_modifiable(&mbox->mails, NULL);
	const struct mbox_mail *mail;
	enum mail_flags flags;
	uint32_t keywords;

	array_foreach(&mbox->pending, pending) {
		mail = mbox_mail_lookup(mbox, pending->uid);
		if (mail == NULL)
			continue;
		flags = (mail->flags & ~pending->flags_remove) |
			pending->flags_add;
		keywords = (mail->keywords & ~pending->keywords_remove) |
			pending->keywords_add;
		if (mail->flags != flags || mail->keywords != keywords) {
			changed[mail - mails] = true;
			mails[mail - mails].flags = flags;
			mails[mail - mails].keywords = keywords;
		}
	}
}

/* Builds the new tail from message first on (see mbox_rewrite_mail();
   the folder data message stays as it is). Returns the kept messages'
   records in kept. */
static void mbox_rewrite_build(struct mbox_mailbox *mbox, unsigned int first,
			       const buffer_t *old_tail, const bool *changed,
			       const bool *expunged, buffer_t *new_tail,
			       ARRAY_TYPE(mbox_mail) *kept)
{
	const struct mbox_mail *mails;
	const unsigned char *data;
	unsigned int i, count;
	uoff_t base;
	size_t start, size;

	mails = array_get(&mbox->mails, &count);
	base = mails[first].from_offset;
	for (i = first; i < count; i++) {
		if (expunged[i])
			continue;
		array_push_back(kept, &mails[i]);
		start = mails[i].from_offset - base;
		size = mails[i].next_offset - mails[i].from_offset;
		data = (const unsigned char *)old_tail->data + start;
		if (mails[i].pseudo != 0 && !changed[i]) {
			buffer_append(new_tail, data, size);
		} else {
			mbox_rewrite_mail(mbox, new_tail, data, size,
					  &mails[i], changed[i]);
		}
	}
}

/* The file was written as the state says: the stamp and the index
   follow. Returns 0 or -1. */
static int mbox_state_written(struct mbox_mailbox *mbox, const char **error_r)
{
	struct file_dotlock *dotlock;
	int ret;

	if (mbox_fstat_stamp(mbox, &mbox->stamp, error_r) < 0)
		return -1;
	if (mailbox_list_lock(mbox_index_path(mbox), &dotlock, error_r) < 0)
		return -1;
	ret = mbox_index_write(mbox, error_r);
	return mailbox_list_unlock(&dotlock, ret, error_r);
}

/* A flag change written in place: data at offset of the file. */
struct mbox_in_place_write {
	uoff_t offset;
	string_t *data;
};
ARRAY_DEFINE_TYPE(mbox_in_place_write, struct mbox_in_place_write);

/* Renders the flag headers of the changed messages into the room their
   present ones take (from the temporary frame). Returns 1 with writes, 0
   if a message has no room or its flag headers are apart, -1 error. */
static int mbox_in_place_prepare(struct mbox_mailbox *mbox,
				 const bool *changed,
				 ARRAY_TYPE(mbox_in_place_write) *writes,
				 const char **error_r)
{
	const struct mbox_mail *mails;
	struct mbox_in_place_write *write;
	unsigned int i, count;
	size_t size, start = 0, end = 0;
	buffer_t *hdr;
	string_t *str;
	int ret;

	mails = array_get(&mbox->mails, &count);
	for (i = 0; i < count; i++) {
		if (!changed[i])
			continue;
		size = I_MIN(mails[i].end_offset - mails[i].hdr_offset,
			     MBOX_IN_PLACE_HEADER_MAX);
		if (mbox_file_read(mbox, mails[i].hdr_offset, size, &hdr,
				   error_r) < 0)
			return -1;
		ret = mbox_flag_headers_find(hdr->data, hdr->used, &start,
					     &end);
		buffer_free(&hdr);
		if (ret <= 0)
			return 0;
		str = t_str_new(end - start);
		if (!mbox_flag_headers_write(str, mails[i].flags,
				mbox_keywords_names(mbox, mails[i].keywords),
				true, end - start))
			return 0;
		write = array_append_space(writes);
		write->offset = mails[i].hdr_offset + start;
		write->data = str;
	}
	return 1;
}

/* After a rewrite: the state from first on is the parsed new tail with
   the kept messages' UIDs. */
static int mbox_rewrite_update_state(struct mbox_mailbox *mbox,
				     unsigned int first, uoff_t offset,
				     const buffer_t *new_tail,
				     const ARRAY_TYPE(mbox_mail) *kept,
				     const char **error_r)
{
	ARRAY_TYPE(mbox_file_mail) parsed;
	enum mbox_file_warnings warnings;
	const struct mbox_file_mail *pmails;
	const struct mbox_mail *kmails;
	struct mbox_mail *mail;
	uoff_t warn_offset;
	unsigned int i, count, kept_count;
	pool_t pool;
	int ret;

	pool = pool_alloconly_create("mbox rewrite", 16384);
	p_array_init(&parsed, pool, 64);
	ret = mbox_file_parse(new_tail->data, new_tail->used, offset, true,
			      pool, &parsed, &warnings, &warn_offset,
			      error_r);
	pmails = array_get(&parsed, &count);
	kmails = array_get(kept, &kept_count);
	array_delete(&mbox->mails, first, array_count(&mbox->mails) - first);
	if (ret == 0 && count == kept_count) {
		for (i = 0; i < count; i++) {
			mail = array_append_space(&mbox->mails);
			mbox_mail_set_parsed(mbox, mail, &pmails[i],
					     kmails[i].received_date);
			mail->uid = kmails[i].uid;
		}
	}
	pool_unref(&pool);
	if (ret < 0 || count != kept_count) {
		/* cannot happen with what was written: parse it all */
		mbox->state_loaded = false;
		return mbox_sync_state(mbox, error_r);
	}
	return mbox_state_written(mbox, error_r);
}

/* Writes the changed messages' flags in place when the flag headers of
   each one have room for its new ones (those Cove writes keep some, see
   MBOX_FLAG_HEADERS_PADDING): no message moves, nothing else of the file
   is read or written. Returns 1 done, 0 if one has no room (the tail is
   rewritten then), -1 error. */
static int mbox_rewrite_in_place(struct mbox_mailbox *mbox,
				 const bool *changed, const char **error_r)
{
	ARRAY_TYPE(mbox_in_place_write) writes;
	struct mbox_writer writer;
	int ret;

	t_array_init(&writes, 16);
	ret = mbox_in_place_prepare(mbox, changed, &writes, error_r);
	if (ret <= 0)
		return ret;
	mbox_writer_init(&writer, mbox);
	array_foreach(&writes, write) {
		if (mbox_writer_pwrite(&writer, mbox->fd, mbox->path,
				       str_data(write->data),
				       str_len(write->data), write->offset,
				       error_r) < 0) {
			/* some may be written: the file is parsed again */
			mbox->state_loaded = false;
			return -1;
		}
	}
	if (mbox_fsync(mbox, mbox->fd, mbox->path, error_r) < 0 ||
	    mbox_state_written(mbox, error_r) < 0)
		return -1;
	return 1;
}

static int mbox_uint32_cmp(const uint32_t *u1, const uint32_t *u2)
{
	return *u1 < *u2 ? -1 : (*u1 > *u2 ? 1 : 0);
}

/* The rewrite under the write lock. */
static int mbox_rewrite_locked(struct mbox_mailbox *mbox,
			       const ARRAY_TYPE(uint32_t) *expunge,
			       const char **error_r)
{
	ARRAY_TYPE(mbox_mail) kept;
	const struct mbox_mail *mails;
	buffer_t *old_tail, *new_tail;
	unsigned int i, count, first;
	bool *changed, *expunged, expunges = false;
	uoff_t offset;
	int ret;

	if (mbox_sync_state(mbox, error_r) < 0)
		return -1;
	mails = array_get(&mbox->mails, &count);
	changed = i_new(bool, count + 1);
	expunged = i_new(bool, count + 1);
	mbox_rewrite_apply_pending(mbox, changed);
	for (i = 0; i < count && expunge != NULL; i++) {
		expunged[i] = array_bsearch(expunge, &mails[i].uid,
					    mbox_uint32_cmp) != NULL;
		expunges = expunges || expunged[i];
	}
	for (first = 0; first < count; first++) {
		if (changed[first] || expunged[first])
			break;
	}
	/* 1: nothing to write, or written in place; 0: the tail is
	   rewritten */
	ret = first == count ? 1 : 0;
	if (ret == 0 && !expunges)
		ret = mbox_rewrite_in_place(mbox, changed, error_r);
	if (ret != 0) {
		i_free(changed);
		i_free(expunged);
		return ret < 0 ? -1 : 0;
	}
	offset = mails[first].from_offset;
	ret = mbox_file_read(mbox, offset, mbox->stamp.size - offset,
			     &old_tail, error_r);
	if (ret == 0) {
		new_tail = buffer_create_dynamic(default_pool,
						 old_tail->used + 1024);
		i_array_init(&kept, count - first + 1);
		T_BEGIN {
			mbox_rewrite_build(mbox, first, old_tail, changed,
					   expunged, new_tail, &kept);
		} T_END;
		buffer_free(&old_tail);
		ret = mbox_rewrite_tail(mbox, offset, new_tail, error_r);
		if (ret == 0) {
			ret = mbox_rewrite_update_state(mbox, first, offset,
							new_tail, &kept,
							error_r);
		} else {
			mbox->state_loaded = false;
		}
		array_free(&kept);
		buffer_free(&new_tail);
	}
	i_free(changed);
	i_free(expunged);
	return ret;
}

int mbox_rewrite(struct mbox_mailbox *mbox,
		 const ARRAY_TYPE(uint32_t) *expunge, const char **error_r)
{
	int ret;

	if (mbox->fd == -1) {
		array_clear(&mbox->pending);
		return 0;
	}
	ret = mbox_file_lock(mbox, MBOX_LOCK_WRITE, error_r);
	if (ret == 0)
		ret = -1;
	if (ret > 0) {
		ret = mbox_rewrite_locked(mbox, expunge, error_r);
		mbox_file_unlock(mbox);
	}
	array_clear(&mbox->pending);
	return ret;
}

static bool mbox_uid_is_recent(struct mbox_mailbox *mbox, uint32_t uid)
{
	if (mailbox_is_readonly(&mbox->box))
		return uid >= mbox->recent_uid;
	array_foreach(&mbox->recent, range) {
		if (uid >= range->first && uid < range->last)
			return true;
	}
	return false;
}

/* Expunges the view's records that are not in the state and reports
   flag changes; appends the state's new messages. */
static void mbox_sync_view(struct mbox_mailbox *mbox,
			   const struct mailbox_sync_callbacks *cb,
			   void *context)
{
	struct mailbox *box = &mbox->box;
	const struct mbox_mail *mails;
	struct mail_record *recs, *rec;
	unsigned int i, j = 0, count, mail_count, dest;
	bool *keep, *changed, expunges = false;
	enum mail_flags flags;
	uint32_t last_uid = 0;

	mails = array_get(&mbox->mails, &mail_count);
	recs = array_get_modifiable(&box->records, &count);
	keep = i_new(bool, count + 1);
	changed = i_new(bool, count + 1);
	for (i = 0; i < count; i++) {
		while (j < mail_count && mails[j].uid < recs[i].uid)
			j++;
		if (j == mail_count || mails[j].uid != recs[i].uid) {
			expunges = true;
			continue;
		}
		keep[i] = true;
		/* an append may have given the last message its final
		   newline */
		recs[i].physical_size = mails[j].physical_size;
		recs[i].virtual_size = mails[j].virtual_size;
		flags = mails[j].flags | (recs[i].flags & MAIL_RECENT);
		if (flags != recs[i].flags ||
		    mails[j].keywords != recs[i].keywords) {
			recs[i].flags = flags;
			recs[i].keywords = mails[j].keywords;
			changed[i] = true;
		}
	}
	if (expunges) {
		mailbox_view_expunge(box, keep, cb, context);
		for (i = dest = 0; i < count; i++) {
			if (keep[i])
				changed[dest++] = changed[i];
		}
	}
	count = array_count(&box->records);
	if (cb != NULL && cb->flags_changed != NULL) {
		for (i = 0; i < count; i++) {
			if (changed[i])
				cb->flags_changed(i + 1, context);
		}
	}
	i_free(keep);
	i_free(changed);

	if (count > 0)
		last_uid = array_back(&box->records)->uid;
	for (j = 0; j < mail_count; j++) {
		if (mails[j].uid <= last_uid || mails[j].pseudo != 0)
			continue;
		rec = mailbox_view_append(box, true);
		rec->uid = mails[j].uid;
		rec->flags = mails[j].flags;
		if (mbox_uid_is_recent(mbox, rec->uid))
			rec->flags |= MAIL_RECENT;
		rec->keywords = mails[j].keywords;
		rec->physical_size = mails[j].physical_size;
		rec->virtual_size = mails[j].virtual_size;
		rec->received_date = mails[j].received_date;
	}
}

/* Updates the view from the state. Returns 0 or -1. */
static int mbox_sync_view_from_state(struct mbox_mailbox *mbox,
				     const struct mailbox_sync_callbacks *cb,
				     void *context, const char **error_r)
{
	struct mailbox *box = &mbox->box;

	if (box->uidvalidity != 0 && box->uidvalidity != mbox->uidvalidity) {
		*error_r = t_strdup_printf("UIDVALIDITY of %s changed "
					   "(%u -> %u)", mbox->path,
					   box->uidvalidity,
					   mbox->uidvalidity);
		return -1;
	}
	mbox_sync_view(mbox, cb, context);
	box->uidvalidity = mbox->uidvalidity;
	box->uidnext = mbox->uidnext;
	return 0;
}

int mbox_sync(struct mailbox *box, const struct mailbox_sync_callbacks *cb,
	      void *context, const char **error_r)
{
	struct mbox_mailbox *mbox = (struct mbox_mailbox *)box;

	if (array_count(&mbox->pending) > 0 &&
	    mbox_rewrite(mbox, NULL, error_r) < 0)
		return -1;
	if ((box->flags & MAILBOX_FLAG_REBUILD_INDEX) != 0 &&
	    !mbox->state_loaded) {
		if (mbox_sync_resync(mbox, error_r) < 0)
			return -1;
	} else if (mbox_sync_state_refresh(mbox, error_r) < 0) {
		return -1;
	}
	return mbox_sync_view_from_state(mbox, cb, context, error_r);
}

int mbox_expunge_marked(struct mailbox *box, const bool *marked,
			const struct mailbox_sync_callbacks *cb,
			void *context, const char **error_r)
{
	struct mbox_mailbox *mbox = (struct mbox_mailbox *)box;
	const struct mail_record *recs;
	ARRAY_TYPE(uint32_t) uids;
	unsigned int i, count;
	int ret;

	recs = array_get(&box->records, &count);
	i_array_init(&uids, 64);
	for (i = 0; i < count; i++) {
		if (marked[i])
			array_push_back(&uids, &recs[i].uid);
	}
	ret = array_count(&uids) == 0 && array_count(&mbox->pending) == 0 ?
		0 : mbox_rewrite(mbox, &uids, error_r);
	array_free(&uids);
	if (ret < 0)
		return -1;
	return mbox_sync_view_from_state(mbox, cb, context, error_r);
}

