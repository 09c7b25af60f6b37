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

/* Called after a stale lock was removed; reason says why it was stale. */
typedef void file_dotlock_stale_callback_t(const char *lock_path,
					   const char *reason, void *context);

struct file_dotlock_settings {
	/* How long to wait for a lock held by someone else. */
	unsigned int timeout_secs;
	/* A lock not modified for this long is stale. */
	unsigned int stale_secs;
	/* NULL: stale locks are removed silently. */
	file_dotlock_stale_callback_t *stale_callback;
	void *context;
};

/* Locks path by creating path.lock, waiting up to set->timeout_secs.
   Returns 1 locked, 0 timed out (error_r names the lock and its holder),
   -1 error. */
int file_dotlock_create_set(const char *path,
			    const struct file_dotlock_settings *set,
			    struct file_dotlock **lock_r, const char **error_r);
/* The same with FILE_DOTLOCK_STALE_SECS and no stale callback. */
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
