/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef MAIL_STORAGE_H
#define MAIL_STORAGE_H

/* The mail storage API used by imap, pop3 and lmtp. A mail_user owns the
   parsed mail_location; a mailbox is one session's view of one folder:
   a sequence (1..count) of message records sorted by UID, which only
   changes when the caller syncs or expunges. The format (Maildir, later
   mbox) is hidden behind a backend vtable. Errors are returned in
   error_r as temporary-frame strings. */

#include <time.h>

struct istream;
struct ostream;
struct mail_storage_settings;

enum mail_flags {
	MAIL_ANSWERED	= 0x01,
	MAIL_FLAGGED	= 0x02,
	MAIL_DELETED	= 0x04,
	MAIL_SEEN	= 0x08,
	MAIL_DRAFT	= 0x10,
	/* Session-only: never stored, only reported. */
	MAIL_RECENT	= 0x20,
};
#define MAIL_FLAGS_NONRECENT \
	(MAIL_ANSWERED | MAIL_FLAGGED | MAIL_DELETED | MAIL_SEEN | MAIL_DRAFT)

enum modify_type {
	MODIFY_ADD,
	MODIFY_REMOVE,
	MODIFY_REPLACE,
};

enum mailbox_flags {
	/* EXAMINE: no flag changes, no new/ -> cur/ moves, no \Recent. */
	MAILBOX_FLAG_READONLY	= 0x01,
	/* LMTP delivery: the mailbox is only saved to, never read; saved
	   mails get their UIDs at the next sync of a reader. */
	MAILBOX_FLAG_SAVEONLY	= 0x02,
};

struct mail_user;
struct mailbox;
struct mail_save_context;

struct mailbox_status {
	uint32_t messages;
	uint32_t recent;
	uint32_t unseen;
	/* Sequence of the first message without \Seen, 0 if none. */
	uint32_t first_unseen_seq;
	uint32_t uidvalidity;
	uint32_t uidnext;
};

struct mailbox_sync_callbacks {
	/* seq is relative to the view after the previous expunge call. */
	void (*expunge)(uint32_t seq, void *context);
	void (*flags_changed)(uint32_t seq, void *context);
};

struct mail_record {
	uint32_t uid;
	enum mail_flags flags;
	/* Size as stored (LF line ends). */
	uoff_t physical_size;
	/* Size with CRLF line ends, as sent to IMAP clients (RFC822.SIZE). */
	uoff_t virtual_size;
	/* INTERNALDATE. */
	time_t received_date;
};

/* Creates the user. mail_location NULL means set->mail_location; the
   syntax is "maildir:PATH[:INBOX=PATH][:LAYOUT=NAME]". "~/" at the start
   of a path and %u %n %d %h (var_expand_user_table()) are expanded; a
   location that needs home fails with an error naming the user when home
   is NULL or empty. set must stay valid for the user's lifetime.
   Returns 0, or -1 with error_r. */
int mail_user_init(const struct mail_storage_settings *set,
		   const char *username, const char *home,
		   const char *mail_location, struct mail_user **user_r,
		   const char **error_r);
/* All mailboxes must be closed first. */
void mail_user_deinit(struct mail_user **user);
/* Valid for the user's lifetime. */
const char *mail_user_get_username(const struct mail_user *user);

/* Opens a mailbox. INBOX (case-insensitive) always exists: it is created
   on first open. Returns 1 opened, 0 no such mailbox, -1 error. The new
   view is already synced (no callbacks are called for the initial state),
   except with MAILBOX_FLAG_SAVEONLY: then it stays empty and saving needs
   no directory scan. */
int mailbox_open(struct mail_user *user, const char *vname,
		 enum mailbox_flags flags, struct mailbox **box_r,
		 const char **error_r);
void mailbox_close(struct mailbox **box);
bool mailbox_is_readonly(const struct mailbox *box);
/* The name the mailbox was opened with ("INBOX" normalised to upper
   case); valid until mailbox_close(). */
const char *mailbox_get_vname(const struct mailbox *box);
/* Status of the session's view (no sync is done). */
void mailbox_get_status(struct mailbox *box,
			struct mailbox_status *status_r);
/* Brings the session's view up to date with the files. New messages get
   UIDs and are appended (flagged \Recent when this is the first session to
   see them and the mailbox is not read-only); messages removed by others
   are reported with expunge(seq) in IMAP order (each seq relative to the
   view after the previous expunge; highest first); flag changes made by
   others with flags_changed(seq) (seq in the final view). cb may be NULL.
   Returns 0 or -1. */
int mailbox_sync(struct mailbox *box, const struct mailbox_sync_callbacks *cb,
		 void *context, const char **error_r);
uint32_t mailbox_get_count(const struct mailbox *box);
/* seq is 1..count. The record is valid until the next sync or expunge. */
const struct mail_record *
mailbox_get_record(const struct mailbox *box, uint32_t seq);
/* The sequence range of the messages with uid1 <= UID <= uid2; returns
   false if there are none. */
bool mailbox_get_seq_range(const struct mailbox *box, uint32_t uid1,
			   uint32_t uid2, uint32_t *seq1_r, uint32_t *seq2_r);
/* The stored message (LF line ends) as a blocking istream; the caller
   destroys it. Returns 1 ok, 0 the message was expunged meanwhile,
   -1 error. */
int mailbox_open_mail_stream(struct mailbox *box, uint32_t seq,
			     struct istream **input_r, const char **error_r);
/* Changes the flags of message seq (MAIL_RECENT is ignored). The change
   applies to the message's current flags, so flags set by others since
   the last sync are kept (and show in the record afterwards). Returns 1
   done, 0 the message was expunged meanwhile, -1 error (also when the
   mailbox is read-only). */
int mailbox_update_flags(struct mailbox *box, uint32_t seq,
			 enum modify_type modify, enum mail_flags flags,
			 const char **error_r);
/* Removes every \Deleted message of the view, reporting expunge(seq) for
   each (highest first). Returns 0 or -1. */
int mailbox_expunge_deleted(struct mailbox *box,
			    const struct mailbox_sync_callbacks *cb,
			    void *context, const char **error_r);

/* Removes the messages of the view whose marked[seq - 1] is true (marked
   has mailbox_get_count() entries), whatever their flags, reporting
   expunge(seq) for each (highest first). Used by POP3's UPDATE state
   (RFC 1939 6), which removes exactly the messages deleted in the
   session. Returns 0 or -1. */
int mailbox_expunge_marked(struct mailbox *box, const bool *marked,
			   const struct mailbox_sync_callbacks *cb,
			   void *context, const char **error_r);

/* An exclusive lock on a mailbox for the length of a session
   (pop3_lock_session): a file in the mailbox's directory. A lock whose
   holder process is gone, or that was not refreshed for two minutes
   (file-dotlock.h), is stale and taken over. */
struct mailbox_session_lock;
/* How often the holder must call mailbox_session_lock_refresh(). */
#define MAILBOX_SESSION_LOCK_REFRESH_SECS 30

/* Takes the lock, waiting up to timeout_secs while another session holds
   it. Returns 1 locked (lock_r set), 0 another session holds it, -1 error.
   The view is not synced: sync after locking to see what the previous
   holder changed. */
int mailbox_session_lock(struct mailbox *box, unsigned int timeout_secs,
			 struct mailbox_session_lock **lock_r,
			 const char **error_r);
/* Keeps the lock from going stale. Returns 0, or -1 if the lock was
   taken over or cannot be touched. */
int mailbox_session_lock_refresh(struct mailbox_session_lock *lock,
				 const char **error_r);
/* Releases the lock and frees it. Returns 0, or -1 if it had been taken
   over meanwhile. */
int mailbox_session_unlock(struct mailbox_session_lock **lock,
			   const char **error_r);

/* Saving (APPEND, LMTP delivery). The context owns a temporary file. */
struct mail_save_context *mailbox_save_init(struct mailbox *box);
void mailbox_save_set_flags(struct mail_save_context *ctx,
			    enum mail_flags flags);
void mailbox_save_set_received_date(struct mail_save_context *ctx,
				    time_t date);
/* Data with CRLF or LF line ends (a CRLF split across calls is fine); it
   is stored with LF. Returns 0 or -1. */
int mailbox_save_write(struct mail_save_context *ctx, const void *data,
		       size_t size, const char **error_r);
/* fsync()s the file (per mail_fsync) and moves it into place (Maildir:
   tmp/ -> new/, or cur/ when flags are set); only then returns 0. *uid_r
   is the new UID if it was assigned now, else 0. On -1 nothing is left
   behind. Frees ctx either way. */
int mailbox_save_finish(struct mail_save_context **ctx, uint32_t *uid_r,
			const char **error_r);
/* Removes the temporary file and frees ctx. */
void mailbox_save_abort(struct mail_save_context **ctx);

#endif
