/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef MAILDIR_UIDLIST_H
#define MAILDIR_UIDLIST_H

/* The UID list "cove-uidlist" of a maildir: the first line is
   "V<uidvalidity> N<nextuid> M<highestmodseq> X<expungemodseq>", then
   one "<uid> <modseq> <state> <basename>" line per message, sorted by
   UID. It is replaced atomically (temp file, fsync, rename) while holding
   the dotlock "cove-uidlist.lock"; readers need no lock. UIDs are never
   reused: nextuid only grows.

   Mod-sequences (RFC 7162) live here too, because this is the one file
   every session changes under a lock: <state> (hex) is the message's
   flags and keywords as last given a mod-sequence, so a session that
   finds another state in the file name takes the next modseq (M + 1;
   one for all changes and expunges made under one lock, as Dovecot has
   one per transaction) and records both; all sessions then agree.
   X is the modseq of the last dropped record (expunge). A file of the
   older format ("<uid> <basename>" lines, no M) is read with modseq 0
   ("unknown") for every message: the next locked sync gives each a new
   one. Mod-sequences start at 1 with the UIDVALIDITY and only grow. */

#include "array.h"

#define MAILDIR_UIDLIST_NAME "cove-uidlist"
/* How long to wait for another process's uidlist lock. */
#define MAILDIR_UIDLIST_LOCK_TIMEOUT_SECS 30

struct maildir_uidlist_rec {
	uint32_t uid;
	/* See the file format above; modseq 0: unknown. */
	uint32_t state;
	uint64_t modseq;
	/* NULL once dropped (not written any more). */
	const char *base;
};

struct maildir_uidlist;

/* What tells one version of the uidlist file from another (it is always
   replaced by rename, and the reader keeps the file it read open, so the
   inode is not reused meanwhile). */
struct maildir_uidlist_id {
	uint64_t dev;
	uint64_t ino;
	uint64_t size;
	int64_t mtime_sec;
	int64_t mtime_nsec;
};

/* dir is the maildir; fsync tells whether writes are fsync()ed. */
struct maildir_uidlist *maildir_uidlist_init(const char *dir, bool fsync);
void maildir_uidlist_deinit(struct maildir_uidlist **uidlist);

/* Rereads the file if it changed since the last read or write. A missing
   or unreadable file gives an empty list with a new UIDVALIDITY; corrupt
   lines are skipped. Either way the list is marked to be rewritten.
   Returns 1 if reread, 0 if unchanged, -1 on I/O error. */
int maildir_uidlist_refresh(struct maildir_uidlist *uidlist,
			    const char **error_r);
/* Returns the UID of base, or 0 if it has none. */
uint32_t maildir_uidlist_lookup(struct maildir_uidlist *uidlist,
				const char *base);
uint32_t maildir_uidlist_get_uidvalidity(const struct maildir_uidlist *uidlist);
uint32_t maildir_uidlist_get_next_uid(const struct maildir_uidlist *uidlist);
/* The highest modseq given to a message or an expunge (at least 1). */
uint64_t
maildir_uidlist_get_highest_modseq(const struct maildir_uidlist *uidlist);
/* The modseq of the last expunge, 0 if none is known. */
uint64_t
maildir_uidlist_get_expunge_modseq(const struct maildir_uidlist *uidlist);
/* The records sorted by UID; valid until the next refresh. */
const struct maildir_uidlist_rec *
maildir_uidlist_get_recs(const struct maildir_uidlist *uidlist,
			 unsigned int *count_r);
/* True if the list must be written (it was rebuilt, or changed). */
bool maildir_uidlist_is_dirty(const struct maildir_uidlist *uidlist);

/* The id of the file last read or written. Returns false if there is
   none (never read, or missing). */
bool maildir_uidlist_get_id(const struct maildir_uidlist *uidlist,
			    struct maildir_uidlist_id *id_r);
/* The id of the file now in the maildir dir. Returns false if it cannot
   be stat()ed. */
bool maildir_uidlist_stat_id(const char *dir, struct maildir_uidlist_id *id_r);

/* Takes the dotlock, then refreshes. Returns 1 locked, 0 timeout, -1
   error. */
int maildir_uidlist_lock(struct maildir_uidlist *uidlist,
			 const char **error_r);
/* Writes the list if it is dirty, then releases the lock. Returns 0 or
   -1 (the lock is released either way). */
int maildir_uidlist_unlock(struct maildir_uidlist *uidlist,
			   const char **error_r);
/* Locked only: gives base the next UID (and a modseq of its own, with
   state) and returns it. */
uint32_t maildir_uidlist_add(struct maildir_uidlist *uidlist,
			     const char *base, uint32_t state);
/* Locked only: drops the record of index idx (see get_recs). The
   expunge gets the modseq of the lock: the next one, shared by all
   drops and state changes until the unlock. */
void maildir_uidlist_drop(struct maildir_uidlist *uidlist, unsigned int idx);
/* Locked only: records state for the record of index idx with the
   modseq of the lock (see drop), unless it already has that state and a
   modseq. Returns the record's modseq. */
uint64_t maildir_uidlist_set_state(struct maildir_uidlist *uidlist,
				   unsigned int idx, uint32_t state);

#endif
