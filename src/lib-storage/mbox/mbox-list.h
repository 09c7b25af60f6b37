/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef MBOX_LIST_H
#define MBOX_LIST_H

/* Where mbox mailboxes live (see mbox-list.c): the mailbox list vfuncs
   (mbox_list_vfuncs in mail-storage-private.h) and the paths that the
   storage shares with them. */

#include "mail-storage-private.h"

/* The directory under the root that holds the indexes; a dotfile, so
   that it is never listed as a mailbox. */
#define MBOX_LIST_INDEX_DIR_NAME ".imap"
/* The file of INBOX when the location has no INBOX=. */
#define MBOX_LIST_DEFAULT_INBOX_NAME "inbox"
/* Dovecot's name for the subscriptions file of mbox. */
#define MBOX_LIST_SUBSCRIPTIONS_NAME ".subscriptions"

/* Sets path_r to the mbox file of storage name ("INBOX" or a '/'
   separated name, stored in modified UTF-7 on disk); from the temporary
   frame. Returns 0, or -1 with error_r if the name cannot be a file. */
int mbox_list_get_path(struct mail_user *user, const char *name,
		       const char **path_r, const char **error_r);
/* Sets dir_r to the index directory of storage name: "<INDEX>/<name>"
   with INDEX= in the location (except Dovecot's INDEX=MEMORY), else
   "<root>/.imap/<name>" (from the temporary frame). Every index file of
   the mailbox lives there; DELETE and RENAME remove and move it. Returns 0
   or -1 as mbox_list_get_path(). */
int mbox_list_get_index_dir(struct mail_user *user, const char *name,
			    const char **dir_r, const char **error_r);

/* Creates INBOX's file if it does not exist: empty, mode 0600, owned by
   the user, in a spool directory such as /var/mail (root:mail 2775) with
   mail_privileged_group gained (see mbox-lock.h), the file then belonging
   to that group. Returns 1 created, 0 it existed, -1 error (error_r names
   the path and the user). */
int mbox_list_create_inbox(struct mail_user *user, const char **error_r);

#endif
