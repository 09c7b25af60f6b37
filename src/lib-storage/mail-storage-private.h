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
	   have been changed by someone else meanwhile). Returns 1, 0 if
	   expunged, -1 error. */
	int (*update_flags)(struct mailbox *box, unsigned int idx,
			    enum modify_type modify, enum mail_flags flags,
			    const char **error_r);
	int (*expunge_deleted)(struct mailbox *box,
			       const struct mailbox_sync_callbacks *cb,
			       void *context, const char **error_r);
	/* Removes the records whose marked[idx] is true. */
	int (*expunge_marked)(struct mailbox *box, const bool *marked,
			      const struct mailbox_sync_callbacks *cb,
			      void *context, const char **error_r);
	/* The directory that holds the mailbox's own files (for the
	   session lock); valid until the mailbox is closed. */
	const char *(*get_dir)(struct mailbox *box);

	struct mail_save_context *(*save_init)(struct mailbox *box);
	int (*save_write)(struct mail_save_context *ctx, const void *data,
			  size_t size, const char **error_r);
	/* Returns 0 or -1; must free ctx. */
	int (*save_finish)(struct mail_save_context *ctx, uint32_t *uid_r,
			   const char **error_r);
	void (*save_abort)(struct mail_save_context *ctx);
};

struct mail_storage_backend {
	const char *name;
	/* Checks the location (e.g. LAYOUT). Returns 0 or -1. */
	int (*location_check)(const struct mail_location *location,
			      const char **error_r);
	/* Allocates the backend's mailbox struct (which begins with struct
	   mailbox) from pool. */
	struct mailbox *(*mailbox_alloc)(pool_t pool);
	const struct mailbox_vfuncs *v;
};

struct mailbox {
	pool_t pool;
	struct mail_user *user;
	const struct mailbox_vfuncs *v;
	const char *vname;
	enum mailbox_flags flags;

	/* The session's view, sorted by UID. Backends keep any per-message
	   data of their own in arrays parallel to this one. */
	ARRAY(struct mail_record) records;
	/* Parallel to records: false while fill_record() has not run. */
	ARRAY(bool) record_filled;
	uint32_t uidvalidity;
	uint32_t uidnext;
};

struct mail_save_context {
	struct mailbox *box;
	enum mail_flags flags;
	/* (time_t)-1 when not set: the time of saving. */
	time_t received_date;
};

extern const struct mail_storage_backend maildir_storage_backend;

/* Returns old_flags changed by modify/flags (MAIL_RECENT of old_flags
   is kept, that of flags ignored). */
enum mail_flags mail_flags_modify(enum mail_flags old_flags,
				  enum modify_type modify,
				  enum mail_flags flags);

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
