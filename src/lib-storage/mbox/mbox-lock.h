/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef MBOX_LOCK_H
#define MBOX_LOCK_H

/* Locking of mbox files, shared with other programs (Postfix's local,
   procmail, mutt, mailx), with Dovecot's settings:

   - mbox_read_locks / mbox_write_locks: the methods, applied in the
     listed order and released in reverse: "dotlock" (path.lock, see
     file-dotlock.h), "dotlock_try" (a dotlock if the directory lets us
     create one, else skipped), "fcntl" (POSIX record lock on the whole
     file), "flock" (BSD lock).
   - mbox_lock_timeout: the total wait for all of them; a holder keeping
     a lock longer makes mbox_lock() return 0 (the caller answers with a
     temporary failure).
   - mbox_dotlock_change_timeout: a dotlock not modified for this long,
     or whose holder pid on this host is gone, is stale: it is removed
     and a warning names the file.
   - mail_privileged_group: when the dotlock's directory (a spool such as
     /var/mail, root:mail 2775) is not writable with our effective ids,
     the effective gid is switched to this group around creating and
     removing the dotlock (mbox_lock_privileged_*(), which also serve
     creating INBOX in the spool). Workers keep the group as a
     supplementary group (restrict_access()'s extra_gid), which makes the
     directory writable without a switch; the switch serves processes that
     hold the group as their real or saved gid.

   fcntl locks belong to the process and are released when any of its
   descriptors for the file is closed: the caller keeps one descriptor
   open for the file while it holds the lock. A WRITE fcntl lock needs fd
   opened for writing. */

#include "mail-storage-settings.h"

#include <sys/types.h>

enum mbox_lock_type {
	MBOX_LOCK_READ,
	MBOX_LOCK_WRITE,
};

struct mbox_lock;

/* Checks a mbox_read_locks / mbox_write_locks value (space-separated
   method names, each at most once). Returns 0, or -1 with error_r. */
int mbox_lock_methods_check(const char *methods, const char **error_r);

/* Sets gid_r to the group that creating a file next to path (in its
   directory) needs: mail_privileged_group when the directory is writable
   for us only through it (its group, not ours, not writable for others)
   or not writable at all; else (gid_t)-1. A file created there belongs
   to that group, as in Dovecot. Returns 1, 0 if the directory is not
   writable and mail_privileged_group is not set (gid_r is (gid_t)-1), -1
   error (the group does not exist). */
int mbox_lock_privileged_get(const char *path,
			     const struct mail_storage_settings *set,
			     gid_t *gid_r, const char **error_r);
/* Gains group gid for creating or removing files: nothing if gid is
   (gid_t)-1 or already ours (effective or supplementary), else the
   effective gid is switched to it. old_gid_r is what
   mbox_lock_privileged_end() switches back to. Returns 0, or -1 if the
   switch is not permitted. */
int mbox_lock_privileged_begin(gid_t gid, gid_t *old_gid_r,
			       const char **error_r);
/* Switches the effective gid back; panics if that fails. */
void mbox_lock_privileged_end(gid_t old_gid);

/* Locks the mbox file path (fd is open on it, for fcntl/flock) with the
   methods of set->mbox_read_locks or set->mbox_write_locks, in order,
   waiting up to set->mbox_lock_timeout seconds in total. Returns 1 locked,
   0 timed out (error_r names the file and the holder if known), -1 error.
   The lock is heap memory, freed by mbox_unlock(). */
int mbox_lock(const char *path, int fd, enum mbox_lock_type type,
	      const struct mail_storage_settings *set,
	      struct mbox_lock **lock_r, const char **error_r);
/* Keeps a dotlock fresh during a long operation (an EXPUNGE rewrite), so
   that others do not take it for stale after mbox_dotlock_change_timeout.
   Returns 0, or -1 if the dotlock was broken by someone else (the caller
   must assume another writer changed the file). No-op without a dotlock. */
int mbox_lock_touch(struct mbox_lock *lock, const char **error_r);
/* Upgrading READ to WRITE is done by unlocking and locking again (the
   caller re-checks the file afterwards). A dotlock that someone else broke
   meanwhile is logged as a warning. */
void mbox_unlock(struct mbox_lock **lock);

#endif
