/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef MAILDIR_STORAGE_H
#define MAILDIR_STORAGE_H

/* The Maildir backend's mailbox. INBOX is the root directory (or the
   INBOX= path); other mailboxes are Maildir++ folders "<root>/.<name>".
   Each has cur/, new/ and tmp/; see maildir-sync.c for how the session's
   view follows the files and maildir-uidlist.h for the UIDs. */

#include "mail-storage-private.h"
#include "maildir-uidlist.h"

#include <time.h>

/* Per-message data, parallel to mailbox.records. */
struct maildir_mail {
	/* Base name (in the mailbox's names_pool) and info (":2,FS" or "",
	   interned in the mailbox's info table). The file is new/ or cur/ +
	   base + info. */
	const char *base;
	const char *info;
	bool in_new;
};

struct maildir_mailbox {
	struct mailbox box;
	/* The maildir's directory. */
	const char *path;
	struct maildir_uidlist *uidlist;
	struct maildir_keywords *keywords;
	ARRAY(struct maildir_mail) mails;
	/* The base names of mails (and the index they were read from); an
	   expunged mail's name stays until the mailbox is closed. */
	pool_t names_pool;
	/* maildir_mail.base -> UID, for every message in the view; built
	   by the first scan (NULL before). */
	struct hash_table *view_hash;
	/* info string -> the same string in box.pool */
	struct hash_table *infos;

	/* Directory times seen by the last full scan; the next sync skips
	   reading the directories while they stay the same. */
	struct timespec new_mtime;
	struct timespec cur_mtime;
	/* The last scan could have missed a change made within the same
	   timestamp: scan again next time. */
	bool scan_dirty;
	/* The view came from the index and the uidlist has not been read:
	   it is read (and the directories scanned) once the uidlist file no
	   longer has uidlist_id or a directory mtime changed. */
	bool uidlist_deferred;
	struct maildir_uidlist_id uidlist_id;
	/* A scan changed the view since the index was read or written. */
	bool index_dirty;
};

/* Returns info as an interned string that lives as long as the
   mailbox. */
const char *maildir_info_intern(struct maildir_mailbox *mbox,
				const char *info);
/* "<path>/new/<base><info>" or cur/, from the temporary frame. */
const char *maildir_mail_get_path(const struct maildir_mailbox *mbox,
				  const struct maildir_mail *mail);
/* Finds the current name of mail idx after its file vanished (another
   process renamed or removed it) by reading the directories. Returns 1
   found (mail updated), 0 the file is gone, -1 error. */
int maildir_mail_refind(struct maildir_mailbox *mbox, unsigned int idx,
			const char **error_r);
/* fsync()s dir when mail_fsync=always, or also when it is "optimized"
   if optimized is true (new mail). Returns 0 or -1. */
int maildir_fsync_dir(struct maildir_mailbox *mbox, const char *dir,
		      bool optimized, const char **error_r);

/* maildir-list.c: the directory of mailbox name (a storage name), from
   the temporary frame. Returns 0, or -1 with error_r (for the client) if
   the name cannot be a directory name (invalid UTF-8, too long). */
int maildir_list_get_path(struct mail_user *user, const char *name,
			  const char **path_r, const char **error_r);

/* maildir-list.c: gives the maildir at path an empty UID list with a
   UIDVALIDITY of its own (see maildir-list.c) unless it has one.
   Returns 0 or -1. */
int maildir_list_init_uidlist(struct mail_user *user, const char *path,
			      const char **error_r);

/* maildir-sync.c */
/* The flags and keywords of a file name's info as one number (the state
   of maildir-uidlist.h). */
uint32_t maildir_info_get_state(const char *info);
/* See mailbox_flags_commit(). */
int maildir_flags_commit(struct mailbox *box, const char **error_r);
int maildir_sync(struct mailbox *box, const struct mailbox_sync_callbacks *cb,
		 void *context, const char **error_r);
int maildir_expunge_marked(struct mailbox *box, const bool *marked,
			   const struct mailbox_sync_callbacks *cb,
			   void *context, const char **error_r);

/* maildir-notify.c: the directories that mailbox_notify_changes()
   watches (new/ and cur/), from the temporary frame. */
const char *const *maildir_get_notify_dirs(struct mailbox *box);

/* maildir-keywords.c: the mailbox vfuncs */
const char *const *maildir_get_keywords(struct mailbox *box,
					unsigned int *count_r);
int maildir_keywords_lookup_names(struct mailbox *box,
				  const char *const *names,
				  unsigned int count, uint32_t *keywords_r,
				  const char **error_r);

/* maildir-save.c */
struct mail_save_context *maildir_save_init(struct mailbox *box);
int maildir_save_write(struct mail_save_context *ctx, const void *data,
		       size_t size, const char **error_r);
int maildir_save_complete(struct mail_save_context *ctx,
			  const char **error_r);
int maildir_save_finish(struct mail_save_context *ctx, uint32_t *uid_r,
			const char **error_r);
void maildir_save_abort(struct mail_save_context *ctx);
int maildir_copy(struct mail_save_context *ctx, struct mailbox *src,
		 unsigned int idx, const char **error_r);

#endif
