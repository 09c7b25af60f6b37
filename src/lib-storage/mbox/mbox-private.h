/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef MBOX_PRIVATE_H
#define MBOX_PRIVATE_H

/* The mbox backend's mailbox. INBOX is the file INBOX= (default
   ROOT/inbox), other mailboxes are files under ROOT. The file is the
   truth for the messages and their flags (Status, X-Status, X-Keywords);
   UIDs live only in the index (mbox-index.c): a message is known by its
   offset while the file only grows, and by its fingerprint (the "From "
   line and the visible header, see mbox-file.h) after someone else
   rewrote the file. Cove never writes X-UID or X-IMAPbase headers.

   The "state" is the file as last parsed (every message with its UID,
   offsets and flags); the session's view (mailbox.records) follows it at
   each sync. See mbox-sync.c for how the file is read and rewritten. */

#include "mail-storage-private.h"
#include "mbox-file.h"
#include "mbox-lock.h"

#include <sys/types.h>
#include <sys/stat.h>

/* In the index directory: the new tail of the file while a rewrite
   copies it in place, or the old size while a large message is appended
   (see mbox-sync.c). */
#define MBOX_JOURNAL_NAME "cove-mbox-journal"

/* The identity of the file as it was parsed: a change in any field means
   someone wrote it. */
struct mbox_stamp {
	uint64_t dev;
	uint64_t ino;
	uint64_t size;
	int64_t mtime_sec;
	int64_t mtime_nsec;
};

/* A message of the state (also the index record, host byte order). */
struct mbox_mail {
	uint32_t uid;
	/* MAIL_FLAGS_NONRECENT bits */
	uint32_t flags;
	uint32_t keywords;
	/* The folder data message (struct mbox_file_mail.pseudo): kept in
	   the file, never shown. */
	uint32_t pseudo;
	uint64_t from_offset;
	uint64_t hdr_offset;
	uint64_t end_offset;
	uint64_t next_offset;
	uint64_t physical_size;
	uint64_t virtual_size;
	int64_t received_date;
	uint64_t fingerprint;
};
ARRAY_DEFINE_TYPE(mbox_mail, struct mbox_mail);

/* A flag change of this session not yet written to the file: what it
   adds and removes, applied to the flags the file has then (another
   session may have changed others meanwhile). */
struct mbox_pending_flags {
	uint32_t uid;
	enum mail_flags flags_add, flags_remove;
	uint32_t keywords_add, keywords_remove;
};

/* UIDs [first, last) that are \Recent in this session. */
struct mbox_recent_range {
	uint32_t first;
	uint32_t last;
};

struct mbox_mailbox {
	struct mailbox box;
	/* The mbox file and the directory of its index files. */
	const char *path;
	const char *index_dir;
	/* Open on path (read-write unless read-only); -1 if the file does
	   not exist (an empty INBOX). */
	int fd;
	struct mbox_lock *lock;

	/* The state: sorted by UID (= file order). */
	ARRAY_TYPE(mbox_mail) mails;
	struct mbox_stamp stamp;
	bool state_loaded;
	uint32_t uidvalidity;
	uint32_t uidnext;
	/* Index header: the lowest UID no session has seen yet. */
	uint32_t recent_uid;
	/* Keyword names by index (box pool); masks refer to these. */
	ARRAY_TYPE(const_string) keywords;

	ARRAY(struct mbox_pending_flags) pending;
	ARRAY(struct mbox_recent_range) recent;
};

/* mbox-storage.c: the state's message with uid, or NULL if it is not in
   the state (expunged by someone else); valid until the state
   changes. */
const struct mbox_mail *mbox_mail_lookup(struct mbox_mailbox *mbox,
					 uint32_t uid);
/* The keyword names of mask, NULL-terminated, from the temporary frame. */
const char *const *mbox_keywords_names(struct mbox_mailbox *mbox,
				       uint32_t mask);
/* Maps the X-Keywords value (names separated by spaces or commas) to a
   mask, adding new names (up to MAIL_KEYWORDS_MAX; the rest are
   ignored). */
uint32_t mbox_keywords_parse(struct mbox_mailbox *mbox, const char *value);
/* Locks the file (reopening it if it was replaced). Returns 1, 0 timed
   out, -1 error. */
int mbox_file_lock(struct mbox_mailbox *mbox, enum mbox_lock_type type,
		   const char **error_r);
void mbox_file_unlock(struct mbox_mailbox *mbox);
/* Fills stamp_r from the file (by path). Returns 1, 0 if it does not
   exist, -1 error. */
int mbox_stamp_get(const char *path, struct mbox_stamp *stamp_r,
		   const char **error_r);
void mbox_stamp_from_stat(const struct stat *st, struct mbox_stamp *stamp_r);
bool mbox_stamp_equals(const struct mbox_stamp *s1,
		       const struct mbox_stamp *s2);
/* Reads size bytes at offset into a new buffer (caller frees). Returns 0,
   or -1 (also when the file is shorter). */
int mbox_file_read(struct mbox_mailbox *mbox, uoff_t offset, size_t size,
		   buffer_t **buf_r, const char **error_r);

/* mbox-index.c: "<index_dir>/cove-mbox-index". */
/* Reads the index into the state (keyword names are added to the
   mailbox's). Returns 1, 0 missing or unusable (then the state's mails
   are undefined), -1 error. *stamp_r is the file it was made from. */
int mbox_index_read(struct mbox_mailbox *mbox, struct mbox_stamp *stamp_r,
		    const char **error_r);
/* Reads what a damaged or stale index still has into the state, for
   matching the file's messages by fingerprint (its stamp and offsets are
   not trusted): UIDVALIDITY, UIDNEXT and the records whose UIDs make
   sense. Returns 1, 0 if it is missing or its header is damaged (then
   the state is empty, with UIDVALIDITY 0 for a missing index, or above
   any the damaged one can have had), -1 error. */
int mbox_index_salvage(struct mbox_mailbox *mbox, const char **error_r);
/* Writes the state with the stamp. Returns 0 or -1. */
int mbox_index_write(struct mbox_mailbox *mbox, const char **error_r);
/* The index file's path, from the temporary frame. */
const char *mbox_index_path(const struct mbox_mailbox *mbox);

/* mbox-sync.c */
/* A long write under the write lock (a journal, an append, a rewrite in
   place) goes in chunks; between them the dotlock is refreshed every
   mbox_dotlock_change_timeout/2 seconds so that other programs do not
   take it for stale, and a dotlock broken meanwhile stops the write. */
struct mbox_writer {
	struct mbox_mailbox *mbox;
	time_t last_touch;
	/* Test hook: sleep this long after each chunk (environment
	   MBOX_WRITER_DELAY_ENV). */
	unsigned int delay_msecs;
	/* Where the last completed chunk ended. */
	uoff_t end_offset;
	bool lock_broken;
	/* The write cannot be undone any more (a rewrite in place, which
	   its journal completes after a crash): a broken dotlock is logged,
	   the write goes on. */
	bool committed;
};
#define MBOX_WRITER_DELAY_ENV "COVE_TEST_MBOX_WRITE_DELAY_MSECS"
#define MBOX_WRITER_CHUNK_SIZE (1024 * 1024)
/* The caller holds the write lock; the first chunk refreshes it. */
void mbox_writer_init(struct mbox_writer *writer, struct mbox_mailbox *mbox);
/* pwrite()s data at offset of fd (path names it in the error). Returns
   0, or -1 if a write failed or the dotlock was broken (lock_broken). */
int mbox_writer_pwrite(struct mbox_writer *writer, int fd, const char *path,
		       const void *data, size_t size, uoff_t offset,
		       const char **error_r);
/* Refreshes the dotlock now. Returns 0, or -1 if it was broken
   (lock_broken; 0 if committed). */
int mbox_writer_check(struct mbox_writer *writer, const char **error_r);
/* Brings the state up to date with the file; the caller holds an mbox
   lock. Returns 0 or -1. */
int mbox_sync_state(struct mbox_mailbox *mbox, const char **error_r);
/* Makes sure the state is that of the file now on disk (taking a read
   lock if it changed). Returns 0 or -1. */
int mbox_sync_state_refresh(struct mbox_mailbox *mbox, const char **error_r);
/* Finishes an interrupted rewrite or truncates an interrupted append
   away; the caller holds the write lock. Returns 0 or -1. */
int mbox_journal_recover(struct mbox_mailbox *mbox, const char **error_r);
/* Records that size bytes are being appended at offset: a crash leaves
   the journal, and the next writer truncates the file back. Returns 0 or
   -1. */
int mbox_journal_write_append(struct mbox_mailbox *mbox, uoff_t offset,
			      uoff_t size, const char **error_r);
/* Removes the journal. Returns 0 or -1. */
int mbox_journal_remove(struct mbox_mailbox *mbox, const char **error_r);
/* Writes the pending flag changes and removes the messages whose UIDs
   are in expunge (sorted, may be NULL) under the write lock. Returns 0
   or -1. */
int mbox_rewrite(struct mbox_mailbox *mbox,
		 const ARRAY_TYPE(uint32_t) *expunge, const char **error_r);
int mbox_sync(struct mailbox *box, const struct mailbox_sync_callbacks *cb,
	      void *context, const char **error_r);
int mbox_expunge_marked(struct mailbox *box, const bool *marked,
			const struct mailbox_sync_callbacks *cb,
			void *context, const char **error_r);

/* mbox-save.c */
struct mail_save_context *mbox_save_init(struct mailbox *box);
int mbox_save_write(struct mail_save_context *ctx, const void *data,
		    size_t size, const char **error_r);
int mbox_save_finish(struct mail_save_context *ctx, uint32_t *uid_r,
		     const char **error_r);
void mbox_save_abort(struct mail_save_context *ctx);

#endif
