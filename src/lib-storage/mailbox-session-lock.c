/* Copyright (c) Cove authors. See AUTHORS. */

/* Session locks (see mail-storage.h): a dotlock in the mailbox's
   directory, held from login to logout and touched periodically so that
   only a dead or hung holder's lock turns stale. */

#include "lib.h"
#include "file-dotlock.h"
#include "mail-storage-private.h"

/* The dotlock is this name + ".lock" in the mailbox's directory. */
#define MAILBOX_SESSION_LOCK_NAME "cove-session"

struct mailbox_session_lock {
	struct file_dotlock *dotlock;
};

int mailbox_session_lock(struct mailbox *box, unsigned int timeout_secs,
			 struct mailbox_session_lock **lock_r,
			 const char **error_r)
{
	struct file_dotlock *dotlock;
	const char *path;
	int ret;

	path = t_strconcat(box->v->get_dir(box), "/",
			   MAILBOX_SESSION_LOCK_NAME, NULL);
	ret = file_dotlock_create(path, timeout_secs, &dotlock, error_r);
	if (ret <= 0)
		return ret;
	*lock_r = i_new(struct mailbox_session_lock, 1);
	(*lock_r)->dotlock = dotlock;
	return 1;
}

int mailbox_session_lock_refresh(struct mailbox_session_lock *lock,
				 const char **error_r)
{
	return file_dotlock_touch(lock->dotlock, error_r);
}

int mailbox_session_unlock(struct mailbox_session_lock **_lock,
			   const char **error_r)
{
	struct mailbox_session_lock *lock = *_lock;
	int ret;

	*_lock = NULL;
	ret = file_dotlock_delete(&lock->dotlock, error_r);
	i_free(lock);
	return ret;
}
