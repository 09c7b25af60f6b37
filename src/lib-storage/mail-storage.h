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

/* Keywords (RFC 3501 2.3.2) per mailbox: a message's keywords are a bit
   mask of indexes into the mailbox's keyword names (Maildir: the letters
   a..z), so a mailbox has at most this many. */
#define MAIL_KEYWORDS_MAX 26
/* Longest keyword name accepted. */
#define MAIL_KEYWORD_MAX_LEN 128

enum modify_type {
	MODIFY_ADD,
	MODIFY_REMOVE,
	MODIFY_REPLACE,
};

enum mailbox_flags {
	/* EXAMINE: no flag changes, no new/ -> cur/ moves; \Recent are
	   the messages that nobody has moved out of new/ yet. */
	MAILBOX_FLAG_READONLY	= 0x01,
	/* LMTP delivery: the mailbox is only saved to, never read; saved
	   mails get their UIDs at the next sync of a reader. */
	MAILBOX_FLAG_SAVEONLY	= 0x02,
	/* With MAILBOX_FLAG_SAVEONLY: saves and copies get their UIDs at
	   once (IMAP APPEND and COPY report them: RFC 4315 UIDPLUS), and
	   mailbox_get_status() then has the UIDVALIDITY they belong to. */
	MAILBOX_FLAG_SAVE_UIDS	= 0x04,
	/* coveadm force-resync: the backend's index (a cache) is not read;
	   the view is rebuilt from the files (UIDs, flags) and the index is
	   rewritten from it when the mailbox is closed. */
	MAILBOX_FLAG_REBUILD_INDEX = 0x08,
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
	/* RFC 7162 HIGHESTMODSEQ of the view: at least the mod-sequence of
	   every record and of every expunge the view has seen, and below
	   that of any change the view has not seen. 0: the mailbox has no
	   mod-sequences (IMAP NOMODSEQ). */
	uint64_t highest_modseq;
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
	/* Bit i set: the message has keyword i of
	   mailbox_get_keywords(). */
	uint32_t keywords;
	/* RFC 7162 mod-sequence: set when the message was saved and raised
	   above every earlier one at each flag or keyword change (also by
	   another session or process). Shared by all sessions and kept
	   across restarts; 0 if the mailbox has no mod-sequences. */
	uint64_t modseq;
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

/* Opens a mailbox. vname is UTF-8 with the namespace's prefix and
   separator (see "Mailbox lists" below); an invalid name is a mailbox that
   does not exist. INBOX (case-insensitive) always exists: it is created
   on first open; opening any other name first creates the namespace's
   auto = create|subscribe mailboxes. Returns 1 opened, 0 no such mailbox
   (or a \Noselect parent), -1 error. The new
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
/* Like mailbox_get_record() but without I/O: only uid, flags, keywords
   and modseq are sure to be valid (the sizes and received_date may not
   be filled in yet). */
const struct mail_record *
mailbox_get_record_flags(const struct mailbox *box, uint32_t seq);
/* The sequence range of the messages with uid1 <= UID <= uid2; returns
   false if there are none. */
bool mailbox_get_seq_range(const struct mailbox *box, uint32_t uid1,
			   uint32_t uid2, uint32_t *seq1_r, uint32_t *seq2_r);
/* The stored message (LF line ends) as a blocking istream; the caller
   destroys it. Returns 1 ok, 0 the message was expunged meanwhile,
   -1 error. */
int mailbox_open_mail_stream(struct mailbox *box, uint32_t seq,
			     struct istream **input_r, const char **error_r);

/* The mailbox's cache of values computed from messages (mail-cache.h:
   a file beside the index, shared by all sessions). */
enum mailbox_cache_field {
	MAILBOX_CACHE_FIELD_ENVELOPE,
	/* BODY: the non-extensible BODYSTRUCTURE */
	MAILBOX_CACHE_FIELD_BODY,
	MAILBOX_CACHE_FIELD_BODYSTRUCTURE,

	MAILBOX_CACHE_FIELD_COUNT
};
/* Looks up the cached value of field for message seq. Returns 1 with
   value_r (from the temporary frame), 0 if not cached, -1 with error_r
   on I/O error (the cache is then off for the rest of the session:
   later calls return 0). */
int mailbox_cache_lookup(struct mailbox *box, uint32_t seq,
			 enum mailbox_cache_field field, const char **value_r,
			 const char **error_r);
/* Caches value (the IMAP string as sent) for message seq; values too long
   to cache are left out. Lookups in this session find it at once; other
   sessions after mailbox_cache_commit() (or when enough values are
   pending, or at close). Returns 0, or -1 with error_r as above. */
int mailbox_cache_add(struct mailbox *box, uint32_t seq,
		      enum mailbox_cache_field field, const char *value,
		      const char **error_r);
/* Writes the added values to the cache file in one go (at the end of a
   command). Returns 0, or -1 with error_r as above. */
int mailbox_cache_commit(struct mailbox *box, const char **error_r);
/* Changes the flags of message seq (MAIL_RECENT is ignored). The change
   applies to the message's current flags, so flags set by others since
   the last sync are kept (and show in the record afterwards). Returns 1
   done, 0 the message was expunged meanwhile, -1 error (also when the
   mailbox is read-only). */
int mailbox_update_flags(struct mailbox *box, uint32_t seq,
			 enum modify_type modify, enum mail_flags flags,
			 const char **error_r);
/* Like mailbox_update_flags(), and changes the keywords (a mask as in
   mail_record.keywords) with the same modify. */
int mailbox_update_flags_keywords(struct mailbox *box, uint32_t seq,
				  enum modify_type modify,
				  enum mail_flags flags, uint32_t keywords,
				  const char **error_r);
/* Gives the flag and keyword changes made with mailbox_update_flags*()
   since the last sync or commit their mod-sequences (records' modseq and
   the status's highest_modseq); a sync does this too. A mailbox without
   mod-sequences only writes the changes it keeps pending, if any (mbox).
   Returns 0 or -1. */
int mailbox_flags_commit(struct mailbox *box, const char **error_r);
/* The highest mod-sequence of an expunge in the mailbox, as of the last
   sync (0 if none is known, or no mod-sequences). The UIDs of the
   expunged messages are not kept: a QRESYNC client that knows an older
   mod-sequence is sent every UID it may know that is not in the view
   (RFC 7162 3.2.5.2 allows that). */
uint64_t mailbox_get_expunge_modseq(const struct mailbox *box);
/* The mailbox's keyword names by index (NULL for an unused index below
   count), as of the last sync or lookup; valid until the next one. */
const char *const *mailbox_get_keywords(struct mailbox *box,
					unsigned int *count_r);
/* Maps keyword names to a mask, adding unknown names to the mailbox.
   Returns 1 with keywords_r, 0 with error_r if the mailbox has no room for
   more keywords (MAIL_KEYWORDS_MAX), -1 with error_r on I/O error. */
int mailbox_keywords_lookup(struct mailbox *box, const char *const *names,
			    unsigned int count, uint32_t *keywords_r,
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
/* A mask from mailbox_keywords_lookup() on the saved-to mailbox. */
void mailbox_save_set_keywords(struct mail_save_context *ctx,
			       uint32_t keywords);
/* The envelope sender of a delivery ("" for the null sender), for the
   formats that record it (mbox's "From " line). It must stay valid until
   the save is finished or aborted. */
void mailbox_save_set_envelope_sender(struct mail_save_context *ctx,
				      const char *sender);
/* Data with CRLF or LF line ends (a CRLF split across calls is fine); it
   is stored with LF. Returns 0 or -1. */
int mailbox_save_write(struct mail_save_context *ctx, const void *data,
		       size_t size, const char **error_r);
/* After the last write: completes the temporary file (Maildir: flushed,
   fsync()ed and closed), so that a context waiting for its finish holds
   no file descriptor. Optional before mailbox_save_finish(). Returns 0
   or -1. */
int mailbox_save_complete(struct mail_save_context *ctx,
			  const char **error_r);
/* fsync()s the file (per mail_fsync) and moves it into place (Maildir:
   tmp/ -> new/, or cur/ when flags are set); only then returns 0. *uid_r
   is the new UID if it was assigned now, else 0. On -1 nothing is left
   behind. Frees ctx either way. */
int mailbox_save_finish(struct mail_save_context **ctx, uint32_t *uid_r,
			const char **error_r);
/* Removes the temporary file and frees ctx. */
void mailbox_save_abort(struct mail_save_context **ctx);

/* Prepares a copy of message seq of src into dest with its flags (not
   \Recent), keywords (by name; those dest has no room for are left out)
   and INTERNALDATE (Maildir: a hard link when both are on one
   filesystem, else a byte copy): *ctx_r is a completed save context
   (see mailbox_save_complete()) that mailbox_save_finish() puts into
   dest, or mailbox_save_abort() drops. Nothing is in dest before that,
   so a copy of several messages can fail without leaving part of it.
   Returns 1, 0 if the message was expunged meanwhile, -1 error. */
int mailbox_copy_prepare(struct mailbox *dest, struct mailbox *src,
			 uint32_t seq, struct mail_save_context **ctx_r,
			 const char **error_r);
/* mailbox_copy_prepare() and mailbox_save_finish() of one message. *uid_r
   is the new UID, 0 if it is assigned later (as in
   mailbox_save_finish()). Returns 1 copied, 0 the message was expunged
   meanwhile, -1 error. */
int mailbox_copy(struct mailbox *dest, struct mailbox *src, uint32_t seq,
		 uint32_t *uid_r, const char **error_r);

/* Watching a mailbox for changes made by other processes (IMAP IDLE).
   callback runs from the ioloop soon after a message is delivered,
   expunged or has its flags changed by someone else (and possibly after
   the session's own changes too, or for no visible change): the caller
   then syncs to see what changed. Backends that can watch their files
   (Maildir: inotify on new/ and cur/) report within a fraction of a
   second; otherwise, or when the watch cannot be set up (e.g. the
   inotify watch limit is reached), callback runs every few seconds. */
typedef void mailbox_notify_callback_t(void *context);
/* Starts calling callback(context) when the mailbox changes; replaces an
   earlier callback. Watching stops at mailbox_notify_changes_stop() or
   mailbox_close(). */
void mailbox_notify_changes_(struct mailbox *box,
			     mailbox_notify_callback_t *callback,
			     void *context);
#define mailbox_notify_changes(box, callback, context) \
	mailbox_notify_changes_(box, ((void)CALLBACK_TYPECHECK(callback, \
		void (*)(__typeof__(context))), \
		(mailbox_notify_callback_t *)(callback)), (void *)(context))
/* Stops calling the callback; nothing happens if none was set. */
void mailbox_notify_changes_stop(struct mailbox *box);

/* Mailbox lists (folders). Names in this API ("vnames") are UTF-8, with
   the namespace's prefix and hierarchy separator
   (mailbox_list_get_separator()); "INBOX" is case-insensitive and never
   has the prefix. The IMAP layer converts them to and from modified
   UTF-7. Maildir++ keeps folder "a<sep>b" in "<root>/.a.b" (on disk the
   separator is always '.', names are modified UTF-7), so a name with '.'
   is invalid when the separator is something else. */

/* Why a list operation failed. */
enum mail_error {
	MAIL_ERROR_NONE = 0,
	/* I/O or internal error: error_r is for the log. */
	MAIL_ERROR_TEMP,
	/* The mailbox does not exist ([NONEXISTENT]). */
	MAIL_ERROR_NOTFOUND,
	/* The mailbox already exists ([ALREADYEXISTS]). */
	MAIL_ERROR_EXISTS,
	/* Invalid name, or not possible (deleting INBOX): error_r is for
	   the client. */
	MAIL_ERROR_PARAMS,
};

enum mailbox_info_flags {
	/* Has no messages of its own (a parent kept for its children). */
	MAILBOX_INFO_NOSELECT		= 0x01,
	/* Does not exist (a subscription or an implied parent). */
	MAILBOX_INFO_NONEXISTENT	= 0x02,
	MAILBOX_INFO_CHILDREN		= 0x04,
	MAILBOX_INFO_NOCHILDREN		= 0x08,
	MAILBOX_INFO_SUBSCRIBED		= 0x10,
	/* A child (at any depth) is subscribed (RFC 5258 CHILDINFO). */
	MAILBOX_INFO_CHILD_SUBSCRIBED	= 0x20,
	/* Can never have children (an mbox file); set instead of
	   NOCHILDREN. */
	MAILBOX_INFO_NOINFERIORS	= 0x40,
};

enum mailbox_list_iter_flags {
	/* Only subscribed names, existing or not (LSUB, LIST (SUBSCRIBED)). */
	MAILBOX_LIST_ITER_SELECT_SUBSCRIBED	= 0x01,
	/* With SELECT_SUBSCRIBED: also names that do not match the
	   selection but have a subscribed child (RFC 5258 RECURSIVEMATCH). */
	MAILBOX_LIST_ITER_SELECT_RECURSIVEMATCH	= 0x02,
	/* Only mailboxes with a special-use flag (RFC 6154). */
	MAILBOX_LIST_ITER_SELECT_SPECIALUSE	= 0x04,
};

struct mailbox_info {
	const char *vname;
	enum mailbox_info_flags flags;
	/* "\\Sent" etc. from the namespace's mailbox settings; NULL if
	   none. */
	const char *special_use;
};

struct mailbox_list_iter;

/* The hierarchy separator shown to clients. */
char mailbox_list_get_separator(const struct mail_user *user);
/* The namespace prefix ("" or ends with the separator). */
const char *mailbox_list_get_prefix(const struct mail_user *user);
/* Creates the namespace's auto = create|subscribe mailboxes that are
   missing (done once per user; the login calls it). Returns 0 or -1. */
int mailbox_list_autocreate(struct mail_user *user, const char **error_r);

/* Iterates the mailboxes whose vname matches one of patterns
   (NULL-terminated; '*' matches anything, '%' anything but the separator;
   "INBOX" is matched case-insensitively). Implied parents (a.b exists,
   a does not) are listed NOSELECT|NONEXISTENT. The result is sorted. */
struct mailbox_list_iter *
mailbox_list_iter_init(struct mail_user *user, const char *const *patterns,
		       enum mailbox_list_iter_flags flags);
/* Returns the next mailbox, or NULL at the end (or on error). The info is
   valid until the next call. */
const struct mailbox_info *
mailbox_list_iter_next(struct mailbox_list_iter *iter);
/* Returns 0, or -1 with error_r if listing failed. */
int mailbox_list_iter_deinit(struct mailbox_list_iter **iter,
			     const char **error_r);
/* Returns true if name matches pattern (see mailbox_list_iter_init()). */
bool mailbox_list_pattern_match(const char *pattern, const char *name,
				char sep);

/* Creates a mailbox (parents need not exist). A name ending with the
   separator only creates a hierarchy (RFC 3501 6.3.3), which for
   Maildir++ means nothing. Returns 0, or -1 with error_code_r and
   error_r. */
int mailbox_create(struct mail_user *user, const char *vname,
		   enum mail_error *error_code_r, const char **error_r);
/* Deletes a mailbox and its messages (RFC 3501 6.3.4). One with children
   only loses its messages and becomes NOSELECT; deleting a NOSELECT
   mailbox with children fails (PARAMS), as does deleting INBOX.
   Returns 0, or -1 with error_code_r and error_r. */
int mailbox_delete(struct mail_user *user, const char *vname,
		   enum mail_error *error_code_r, const char **error_r);
/* Renames a mailbox with its children (RFC 3501 6.3.5). Renaming INBOX
   moves its messages into a new mailbox new_vname and leaves INBOX empty.
   Returns 0, or -1 with error_code_r and error_r. */
int mailbox_rename(struct mail_user *user, const char *old_vname,
		   const char *new_vname, enum mail_error *error_code_r,
		   const char **error_r);
/* Adds (set=true) or removes a subscription. Only an existing mailbox
   (or a parent of one) can be subscribed to (NOTFOUND); a subscription
   stays when its mailbox is deleted. Returns 0, or -1 with error_code_r
   and error_r. */
int mailbox_list_set_subscribed(struct mail_user *user, const char *vname,
				bool set, enum mail_error *error_code_r,
				const char **error_r);
/* Status of a mailbox that the caller does not have open: opens it
   read-only for a moment. Returns 1, 0 if it does not exist, -1 error. */
int mailbox_get_status_by_name(struct mail_user *user, const char *vname,
			       struct mailbox_status *status_r,
			       const char **error_r);

#endif
