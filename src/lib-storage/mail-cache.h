/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef MAIL_CACHE_H
#define MAIL_CACHE_H

/* A per-mailbox cache of values that are costly to compute from a
   message (ENVELOPE, BODYSTRUCTURE, BODY), keyed by (UID, field), in one
   file beside the mailbox's index. Both backends use it through
   mailbox_cache_lookup() and mailbox_cache_add(). The file is only a
   cache: any value missing from it is computed again, so a lost, torn or
   foreign file costs time, never correctness.

   File format (native byte order; another byte order fails the magic
   check and the file is rebuilt):
     header: uint32 magic, uint32 version, uint32 UIDVALIDITY,
             uint32 reserved (0)
     records, appended: uint32 uid, uint32 field, uint32 size, then size
             bytes of the value (no NUL, no padding)
   A header with another magic, version or UIDVALIDITY makes the file
   empty for readers; the next writer replaces it.

   Locking: writers take flock(LOCK_EX | LOCK_NB) on the file itself; a
   writer that cannot get it at once does not cache the value (the next
   FETCH will), so a FETCH never waits for another process. Readers take
   no lock: a record is used only when all of it is in the file, and the
   bytes after the last whole record (a writer that died mid-write) are
   ignored and cut off by the next writer. A file is only ever appended
   to or replaced by rename(); a writer that finds, once locked, that its
   file is no longer the one at the path reopens it.

   Compaction: records of expunged UIDs stay in the file until the cache
   is closed with more than half of the file dead; then the live records
   are written to a temporary file that is renamed over the old one. */

#include "mail-storage.h"

/* The file's name in the mailbox's directory (get_dir). */
#define MAIL_CACHE_FILE_NAME "cove-cache"
/* A value longer than this is not cached (e.g. the BODYSTRUCTURE of a
   message with thousands of parts: parsing such a message costs more
   than the lookup saves anyway); a record claiming more in the file is
   taken as the start of garbage. */
#define MAIL_CACHE_MAX_VALUE_SIZE (64 * 1024)
/* Files smaller than this are never compacted: rewriting them saves
   nothing worth the I/O. */
#define MAIL_CACHE_COMPACT_MIN_SIZE (8 * 1024)

struct mail_cache;

/* Whether the message uid is known to be gone (its records are dead). */
typedef bool mail_cache_is_expunged_callback_t(uint32_t uid, void *context);

/* Creates the cache of the file at path for a mailbox with uidvalidity;
   nothing is read until the first lookup or add. */
struct mail_cache *mail_cache_open(const char *path, uint32_t uidvalidity);
/* Frees the cache and closes its file; pending values are dropped. */
void mail_cache_close(struct mail_cache **cache);

/* Looks up the value of (uid, field). Returns 1 with value_r (from the
   temporary frame), 0 if it is not cached, -1 with error_r on I/O error
   (after which the cache is disabled: lookups return 0, adds do
   nothing). The file is read once, at the first call. */
int mail_cache_lookup(struct mail_cache *cache, uint32_t uid,
		      enum mailbox_cache_field field, const char **value_r,
		      const char **error_r);
/* Adds the value of (uid, field) unless it is cached already or is too
   long (MAIL_CACHE_MAX_VALUE_SIZE). Values are kept in memory (lookups
   find them) and appended to the file (creating it) in batches, by
   mail_cache_flush() or when enough are pending. Returns 0, or -1 with
   error_r on I/O error (which disables the cache as in
   mail_cache_lookup()). */
int mail_cache_add(struct mail_cache *cache, uint32_t uid,
		   enum mailbox_cache_field field, const char *value,
		   const char **error_r);
/* Appends the pending values to the file, unless another process holds
   its lock: then they are dropped. Returns 0, or -1 with error_r as
   mail_cache_add(). */
int mail_cache_flush(struct mail_cache *cache, const char **error_r);
/* Rewrites the file without the records of the UIDs for which
   is_expunged returns true, if they are more than half of it (and the
   file is at least MAIL_CACHE_COMPACT_MIN_SIZE). Returns 1 compacted,
   0 nothing done, -1 with error_r. */
int mail_cache_compact_if_needed(struct mail_cache *cache,
				 mail_cache_is_expunged_callback_t *is_expunged,
				 void *context, const char **error_r);

#endif
