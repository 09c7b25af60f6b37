/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef MAIL_STORAGE_PRIVATE_H
#define MAIL_STORAGE_PRIVATE_H

/* Internals shared by the generic mailbox code and the storage backends
   (maildir/, later mbox/). A backend registers a struct
   mail_storage_backend in mail-user.c and implements struct
   mailbox_vfuncs; the generic code keeps the session's view (the record
   array) so that count, record, range and status lookups are shared. */

#include "array.h"
#include "mail-storage.h"
#include "mail-storage-settings.h"

enum mail_storage_fsync {
	/* fsync new mail (and its directory) and the UID list */
	MAIL_STORAGE_FSYNC_OPTIMIZED,
	/* also after flag changes and expunges */
	MAIL_STORAGE_FSYNC_ALWAYS,
	MAIL_STORAGE_FSYNC_NEVER,
};

/* The parsed mail_location. */
struct mail_location {
	const char *driver;
	/* The root directory (absolute unless configured relative). */
	const char *root;
	/* INBOX= path, or NULL for the backend's default. */
	const char *inbox_path;
	/* LAYOUT= value, or NULL for the backend's default. */
	const char *layout;
	/* INDEX= path (mbox: the root of the index directories), or NULL
	   for the backend's default. */
	const char *index_path;
};

struct mail_user {
	pool_t pool;
	const struct mail_storage_settings *set;
	const struct mail_storage_backend *backend;
	const char *username;
	const char *home;
	struct mail_location location;
	enum mail_storage_fsync fsync_mode;
	unsigned int open_mailboxes;

	/* mailbox-list.c: the namespace (NULL: defaults), its separator
	   and prefix */
	const struct mail_namespace_settings *ns;
	char list_sep;
	const char *list_prefix;
	bool autocreated;
};

/* A mailbox as the backend lists it: its storage name (UTF-8, separated
   by the backend's name_sep, without the namespace prefix; never
   INBOX). */
struct mailbox_list_entry {
	const char *name;
	/* A directory kept for children, without messages of its own. */
	bool noselect;
};
ARRAY_DEFINE_TYPE(mailbox_list_entry, struct mailbox_list_entry);

/* The backend's folder operations. Names are storage names (see struct
   mailbox_list_entry); the generic code has checked them and knows
   whether they exist. */
struct mailbox_list_vfuncs {
	/* Appends every mailbox but INBOX to entries (names from pool, which
	   is not datastack_pool). */
	int (*get_entries)(struct mail_user *user, pool_t pool,
			   ARRAY_TYPE(mailbox_list_entry) *entries,
			   const char **error_r);
	/* Creates a mailbox that does not exist (or is NOSELECT). */
	int (*create)(struct mail_user *user, const char *name,
		      const char **error_r);
	/* Optional: creates name as a directory only for children (CREATE
	   with a trailing separator, RFC 3501 6.3.3), for backends whose
	   mailboxes cannot have children; NULL: create() is used. */
	int (*create_dir)(struct mail_user *user, const char *name,
			  const char **error_r);
	/* Deletes an existing mailbox: its messages only when
	   keep_dir (it has children), else everything. */
	int (*delete)(struct mail_user *user, const char *name,
		      bool keep_dir, const char **error_r);
	/* Renames old_name and its children; new_name does not exist.
	   old_name INBOX: moves the messages into a new mailbox. */
	int (*rename)(struct mail_user *user, const char *old_name,
		      const char *new_name, const char **error_r);
};

struct mailbox_vfuncs {
	/* Opens box (its vname, flags and user are set). Returns 1, 0 if
	   the mailbox does not exist, -1 error. The first sync follows. */
	int (*open)(struct mailbox *box, const char **error_r);
	/* Frees the backend's state; the generic code frees box->pool. */
	void (*close)(struct mailbox *box);
	int (*sync)(struct mailbox *box,
		    const struct mailbox_sync_callbacks *cb, void *context,
		    const char **error_r);
	/* Fills in the fields of record idx that the backend computes
	   lazily (see mailbox.record_filled): the view is a cache, so this
	   is done through a const mailbox. */
	void (*fill_record)(const struct mailbox *box, unsigned int idx);
	int (*open_mail_stream)(struct mailbox *box, unsigned int idx,
				struct istream **input_r,
				const char **error_r);
	/* Applies the change to the message's current flags (which may
	   have been changed by someone else meanwhile), and to its
	   keywords unless keywords is NULL. Returns 1, 0 if expunged, -1
	   error. */
	int (*update_flags)(struct mailbox *box, unsigned int idx,
			    enum modify_type modify, enum mail_flags flags,
			    const uint32_t *keywords, const char **error_r);
	/* Optional (NULL: no mod-sequences, every modseq stays 0): see
	   mailbox_flags_commit(). mbox: writes the pending flag changes
	   (and has no mod-sequences). */
	int (*flags_commit)(struct mailbox *box, const char **error_r);
	/* See mailbox_get_keywords() and mailbox_keywords_lookup(). */
	const char *const *(*get_keywords)(struct mailbox *box,
					   unsigned int *count_r);
	int (*keywords_lookup)(struct mailbox *box, const char *const *names,
			       unsigned int count, uint32_t *keywords_r,
			       const char **error_r);
	/* Removes the records whose marked[idx] is true (also what
	   mailbox_expunge_deleted() does). */
	int (*expunge_marked)(struct mailbox *box, const bool *marked,
			      const struct mailbox_sync_callbacks *cb,
			      void *context, const char **error_r);
	/* The directory that holds the mailbox's own files (for the
	   session lock); valid until the mailbox is closed. */
	const char *(*get_dir)(struct mailbox *box);
	/* The directories whose entries change when a message is
	   delivered, expunged or gets new flags, NULL-terminated, from the
	   temporary frame (mailbox_notify_changes() watches them). NULL:
	   changes are polled. */
	const char *const *(*get_notify_dirs)(struct mailbox *box);

	struct mail_save_context *(*save_init)(struct mailbox *box);
	int (*save_write)(struct mail_save_context *ctx, const void *data,
			  size_t size, const char **error_r);
	/* Optional: see mailbox_save_complete(). Returns 0 or -1. */
	int (*save_complete)(struct mail_save_context *ctx,
			     const char **error_r);
	/* Returns 0 or -1; must free ctx. */
	int (*save_finish)(struct mail_save_context *ctx, uint32_t *uid_r,
			   const char **error_r);
	void (*save_abort)(struct mail_save_context *ctx);
	/* Optional: puts message idx of src (a mailbox of the same
	   backend) into ctx without reading it, completed as by
	   save_complete; save_finish then saves it with ctx's flags and
	   keywords. Returns 1 done, 0 not possible here (e.g. another
	   filesystem: the caller writes the bytes), -1 error. */
	int (*copy)(struct mail_save_context *ctx, struct mailbox *src,
		    unsigned int idx, const char **error_r);
};

struct mail_storage_backend {
	const char *name;
	/* The hierarchy separator of storage names: '.' (Maildir++), '/'
	   (mbox: the names are paths under the root). Also the namespace's
	   separator when the config sets none. */
	char name_sep;
	/* The subscriptions file's name in the root (where it must not
	   look like a mailbox). */
	const char *subscriptions_name;
	/* Checks the location (e.g. LAYOUT). Returns 0 or -1. */
	int (*location_check)(const struct mail_location *location,
			      const char **error_r);
	/* Allocates the backend's mailbox struct (which begins with struct
	   mailbox) from pool. */
	struct mailbox *(*mailbox_alloc)(pool_t pool);
	const struct mailbox_vfuncs *v;
	const struct mailbox_list_vfuncs *list_v;
};

struct mailbox {
	pool_t pool;
	struct mail_user *user;
	const struct mailbox_vfuncs *v;
	const char *vname;
	/* Storage name (struct mailbox_list_entry); "INBOX" for INBOX. */
	const char *name;
	enum mailbox_flags flags;

	/* The session's view, sorted by UID. Backends keep any per-message
	   data of their own in arrays parallel to this one. */
	ARRAY(struct mail_record) records;
	/* Parallel to records: false while fill_record() has not run. */
	ARRAY(bool) record_filled;
	uint32_t uidvalidity;
	uint32_t uidnext;
	/* Set by backends with mod-sequences (see struct mailbox_status
	   and mailbox_get_expunge_modseq()); 0 without. */
	uint64_t highest_modseq;
	uint64_t expunge_modseq;
	/* mailbox_notify_changes() state; NULL when not watching. */
	struct mailbox_notify *notify;
	/* mailbox_cache_*() (mail-cache.h); NULL until first used. */
	struct mail_cache *cache;
};

struct mail_save_context {
	struct mailbox *box;
	enum mail_flags flags;
	uint32_t keywords;
	/* (time_t)-1 when not set: the time of saving. */
	time_t received_date;
	/* The delivery's MAIL FROM, NULL if none (see
	   mailbox_save_set_envelope_sender()). */
	const char *envelope_sender;
};

extern const struct mail_storage_backend maildir_storage_backend;
extern const struct mailbox_list_vfuncs maildir_list_vfuncs;
extern const struct mailbox_list_vfuncs mbox_list_vfuncs;
extern const struct mail_storage_backend mbox_storage_backend;

/* In the mail root: one subscribed storage name per line. Maildir's
   name (struct mail_storage_backend.subscriptions_name); mbox uses
   Dovecot's ".subscriptions". */
#define MAILBOX_LIST_SUBSCRIPTIONS_FILE "subscriptions"
/* mailbox-list.c: appends the subscribed storage names (from the
   temporary frame). Returns 0, or -1 with error_r. */
int mailbox_list_subscriptions_read(struct mail_user *user,
				    ARRAY_TYPE(const_string) *names,
				    const char **error_r);
/* mailbox-list-change.c: dotlocks a file of the mailbox list (the
   subscriptions, Maildir++'s UIDVALIDITY counter) for a read-modify-write.
   Returns 0, or -1 with error_r (also on timeout). */
#define MAILBOX_LIST_LOCK_TIMEOUT_SECS 30
struct file_dotlock;
int mailbox_list_lock(const char *path, struct file_dotlock **lock_r,
		      const char **error_r);
/* Releases the lock. Returns ret, or -1 with error_r if ret was 0 and the
   lock had been broken meanwhile. */
int mailbox_list_unlock(struct file_dotlock **lock, int ret,
			const char **error_r);
/* mailbox-list-change.c: writes data to path through a temporary file
   and rename(). Returns 0 or -1. */
int mailbox_list_write_file(const char *path, const char *data,
			    const char **error_r);
/* mailbox-list.c: sets up the namespace fields of user. */
void mailbox_list_user_init(struct mail_user *user);
/* Converts vname to a storage name (from the temporary frame). Returns 1,
   or 0 with error_r (for the client) if the name is invalid. */
int mailbox_list_vname_to_name(struct mail_user *user, const char *vname,
			       const char **name_r, const char **error_r);

/* Returns old_flags changed by modify/flags (MAIL_RECENT of old_flags
   is kept, that of flags ignored). */
enum mail_flags mail_flags_modify(enum mail_flags old_flags,
				  enum modify_type modify,
				  enum mail_flags flags);
/* Returns the keyword mask old changed by modify/keywords. */
uint32_t mail_keywords_modify(uint32_t old, enum modify_type modify,
			      uint32_t keywords);

/* mailbox-cache.c: writes the pending values, compacts the cache if
   needed (logging a failure) and frees it; called at close, while the
   view is still there. */
void mailbox_cache_deinit(struct mailbox *box);

/* Generic view helpers for backends. */
/* Returns the index of the first record with UID >= uid (the record
   count if none). */
unsigned int mailbox_view_find_uid(const struct mailbox *box, uint32_t uid);
/* Appends a record (UID above every other) and returns it. */
struct mail_record *mailbox_view_append(struct mailbox *box, bool filled);
/* Deletes the records whose keep[idx] is false, calling cb->expunge for
   each, highest sequence first. keep has one entry per record. */
void mailbox_view_expunge(struct mailbox *box, const bool *keep,
			  const struct mailbox_sync_callbacks *cb,
			  void *context);

#endif
