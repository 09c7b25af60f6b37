/* Copyright (c) Cove authors. See AUTHORS. */

/* What mailbox_notify_changes() watches in a Maildir: every change a
   reader must see is a directory entry change in new/ (delivery) or
   cur/ (flag change = rename, expunge = unlink, new/ -> cur/ moves). */

#include "lib.h"
#include "maildir-storage.h"

const char *const *maildir_get_notify_dirs(struct mailbox *box)
{
	const char *path = ((struct maildir_mailbox *)box)->path;
	const char **dirs = t_new(const char *, 3);

	dirs[0] = t_strconcat(path, "/new", NULL);
	dirs[1] = t_strconcat(path, "/cur", NULL);
	return dirs;
}
