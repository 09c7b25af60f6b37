/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef FILE_DOTLOCK_H
#define FILE_DOTLOCK_H

/* Dotlocks: "<path>.lock" created with O_EXCL, holding "<pid>:<host>".
   A lock older than the stale timeout, or whose holder (on this host) no
   longer exists, is broken. Works over NFS-less local filesystems and is
   what mail readers expect for mbox files. */

#include <time.h>

struct file_dotlock;

/* A lock not modified for this long is stale. */
#define FILE_DOTLOCK_STALE_SECS 120

/* Locks path by creating path.lock, waiting up to timeout_secs. Returns 1
   locked, 0 timed out (error_r says who holds it), -1 error. */
int file_dotlock_create(const char *path, unsigned int timeout_secs,
			struct file_dotlock **lock_r, const char **error_r);
/* Sets the lock file's mtime to now, so that a lock held longer than
   FILE_DOTLOCK_STALE_SECS is not taken for stale. Returns 0, or -1 if
   the lock was broken by someone else or touching failed. */
int file_dotlock_touch(struct file_dotlock *lock, const char **error_r);
/* Removes the lock and frees it. Returns 0, or -1 if the lock file was
   already gone or replaced (someone broke it: the caller's changes may
   have raced with another writer). */
int file_dotlock_delete(struct file_dotlock **lock, const char **error_r);

#endif
