/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef MAILDIR_STORAGE_H
#define MAILDIR_STORAGE_H

/* The Maildir backend's mailbox. INBOX is the root directory (or the
   INBOX= path); other mailboxes are Maildir++ folders "<root>/.<name>".
   Each has cur/, new/ and tmp/; see maildir-sync.c for how the session's
   view follows the files and maildir-uidlist.h for the UIDs. */

#include "mail-storage-private.h"

#include <time.h>

/* Per-message data, parallel to mailbox.records. */
struct maildir_mail {
	/* Base name (heap) and info (":2,FS" or "", interned in the
	   mailbox's info table). The file is new/ or cur/ + base + info. */
	char *base;
	const char *info;
	bool in_new;
};

struct maildir_mailbox {
	struct mailbox box;
	/* The maildir's directory. */
	const char *path;
	struct maildir_uidlist *uidlist;
	ARRAY(struct maildir_mail) mails;
	/* maildir_mail.base -> UID, for every message in the view */
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

/* maildir-sync.c */
int maildir_sync(struct mailbox *box, const struct mailbox_sync_callbacks *cb,
		 void *context, const char **error_r);
int maildir_expunge_deleted(struct mailbox *box,
			    const struct mailbox_sync_callbacks *cb,
			    void *context, const char **error_r);
int maildir_expunge_marked(struct mailbox *box, const bool *marked,
			   const struct mailbox_sync_callbacks *cb,
			   void *context, const char **error_r);

/* maildir-save.c */
struct mail_save_context *maildir_save_init(struct mailbox *box);
int maildir_save_write(struct mail_save_context *ctx, const void *data,
		       size_t size, const char **error_r);
int maildir_save_finish(struct mail_save_context *ctx, uint32_t *uid_r,
			const char **error_r);
void maildir_save_abort(struct mail_save_context *ctx);

#endif
