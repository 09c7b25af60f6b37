/* Copyright (c) Cove authors. See AUTHORS. */

/* Keeping the session's view in step with the maildir.

   A sync reads new/ and then cur/ (a file only moves new/ -> cur/, so
   reading in this order cannot miss a moving file). readdir() may miss a
   file renamed while the directory is read, so a directory that changed
   meanwhile is read again; if it never stays still, every file that seems
   gone is looked for under each name a flag change could have given it
   before it is taken as expunged. Files are known by their base name. A file of
   the view is found with one lookup in the view's base -> UID table; other
   files get their UIDs from the uidlist, or new ones under the uidlist
   lock, in file name order. uidlist records that existed before the scan
   but whose file was not found are dropped then (the file was
   expunged). After an unstable scan a file not found may only have been
   renamed meanwhile (by a flag change that the uidlist has not recorded
   yet: the renamer takes the lock after the rename), so under the lock
   the directories are read once more and such files are looked for
   under the names of their recorded state and its flag changes; only a
   file found by none of these is gone. Records that other sessions
   added while this one scanned are looked for the same way, since a
   saver links its file before it takes the lock (UIDs are not given in
   the order files appear): one not found is "uncertain" (the scan may
   have been too early for it, or it is being expunged), and no file
   with a UID above it is appended (that file could never be shown
   below one appended later); the next sync reads the directories again.
   When the directories' mtimes have not changed since the last scan (and
   the scan was not too close to the change), nothing is read at all.

   Then view records whose file was not found are expunged (reported
   highest first), changed infos become flag changes, and files with UIDs
   above the view's last one are appended.

   Last, mod-sequences (RFC 7162): every view record takes the modseq
   that the uidlist has for its UID. A file whose flags and keywords (its
   "state") differ from the state the uidlist recorded has changed since
   (by this session, another one or another program): under the uidlist
   lock, the uidlist is reread and each such record gets the next modseq
   with its new state, so that sessions never disagree. A record's modseq
   only grows. The view's HIGHESTMODSEQ counts only what the view shows
   (its records' modseqs, and the expunge modseq once it saw an expunge):
   a change it has not shown cannot hide below it. */

#include "lib.h"
#include "array.h"
#include "hash.h"
#include "maildir-filename.h"
#include "maildir-uidlist.h"
#include "maildir-keywords.h"
#include "maildir-index.h"

#include <dirent.h>
#include <sys/stat.h>

/* How often a directory that keeps changing while it is read is read
   again before the result is used anyway. */
#define MAILDIR_SCAN_MAX_RETRIES 3
/* A directory mtime closer than this to the time it was read could still
   be the mtime of a change made after the read: the filesystem clock
   ticks coarsely. With whole-second timestamps, 2 seconds. */
#define MAILDIR_MTIME_SETTLE_NSECS (50 * 1000 * 1000)
/* How often a seemingly vanished file is looked for under all names. */
#define MAILDIR_PROBE_ROUNDS 2

/* A file name split at the info: "base" NUL ":2,FS" NUL. */
struct maildir_scan_name {
	const char *base;
	const char *info;
};
ARRAY_DEFINE_TYPE(maildir_scan_name, struct maildir_scan_name);

/* A file that is not in the view. */
struct maildir_scan_file {
	const char *base;
	const char *info;
	uint32_t uid;
	bool in_new;
	/* Moved from new/ to cur/ by this session now: \Recent. */
	bool recent;
	/* Expunged while this sync waited for the uidlist lock. */
	bool gone;
};

struct maildir_sync_ctx {
	struct maildir_mailbox *mbox;
	pool_t pool;
	/* Per view record: its file was found. */
	bool *seen;
	ARRAY(struct maildir_scan_file) files;
	/* base -> index in files + 1; in pool, freed with it */
	struct hash_table *files_hash;
	/* Both directories stayed unchanged while they were read: a file
	   not seen is gone. */
	bool stable;
	/* The lowest UID of an uncertain record not in the view (see the
	   top of the file), 0 if none. */
	uint32_t uncertain_uid;
};

/* Returns true if a change made after now could leave the directory's
   mtime unchanged. */
static bool maildir_mtime_is_recent(const struct timespec *mtime,
				    const struct timespec *now)
{
	int64_t diff_nsecs;

	if (mtime->tv_nsec == 0)
		return now->tv_sec - mtime->tv_sec < 2;
	diff_nsecs = (int64_t)(now->tv_sec - mtime->tv_sec) * 1000000000 +
		(now->tv_nsec - mtime->tv_nsec);
	return diff_nsecs < MAILDIR_MTIME_SETTLE_NSECS;
}

/* Reads the names in dir (without dot-files) until the directory stays
   unchanged during a read. *stable_r tells if it did (and its mtime
   was settled). Returns 0 or -1. */
static int maildir_scan_dir(struct maildir_sync_ctx *ctx, const char *dir,
			    ARRAY_TYPE(maildir_scan_name) *names,
			    struct timespec *mtime_r, bool *stable_r,
			    const char **error_r)
{
	struct maildir_scan_name *name;
	struct stat st_before, st_after;
	struct timespec now;
	struct dirent *d;
	size_t base_len, len;
	char *p;
	DIR *dirp;

	for (unsigned int try = 0;; try++) {
		array_clear(names);
		if (stat(dir, &st_before) < 0) {
			*error_r = t_strdup_printf("stat(%s) failed: %m", dir);
			return -1;
		}
		if (clock_gettime(CLOCK_REALTIME, &now) < 0)
			i_fatal("clock_gettime() failed: %m");
		dirp = opendir(dir);
		if (dirp == NULL) {
			*error_r = t_strdup_printf("opendir(%s) failed: %m",
						   dir);
			return -1;
		}
		errno = 0;
		while ((d = readdir(dirp)) != NULL) {
			if (d->d_name[0] == '.')
				continue;
			len = strlen(d->d_name);
			base_len = maildir_filename_base_len(d->d_name);
			p = p_malloc(ctx->pool, len + 2);
			memcpy(p, d->d_name, base_len);
			memcpy(p + base_len + 1, d->d_name + base_len,
			       len - base_len);
			name = array_append_space(names);
			name->base = p;
			name->info = p + base_len + 1;
			errno = 0;
		}
		if (errno != 0) {
			*error_r = t_strdup_printf("readdir(%s) failed: %m",
						   dir);
			(void)closedir(dirp);
			return -1;
		}
		(void)closedir(dirp);
		if (stat(dir, &st_after) < 0) {
			*error_r = t_strdup_printf("stat(%s) failed: %m", dir);
			return -1;
		}
		*stable_r = st_before.st_mtim.tv_sec ==
				st_after.st_mtim.tv_sec &&
			st_before.st_mtim.tv_nsec == st_after.st_mtim.tv_nsec;
		if (*stable_r || try == MAILDIR_SCAN_MAX_RETRIES)
			break;
	}
	if (maildir_mtime_is_recent(&st_before.st_mtim, &now))
		*stable_r = false;
	*mtime_r = st_before.st_mtim;
	return 0;
}

static bool maildir_probe_name(const struct maildir_mailbox *mbox,
			       const char *subdir, const char *base,
			       const char *info)
{
	struct stat st;

	return stat(t_strconcat(mbox->path, subdir, base, info, NULL),
		    &st) == 0;
}

/* Looks for the file of base, last known with info, under every name a
   flag change could have given it. Returns true if found, with its info
   (temporary frame) and directory. */
static bool maildir_probe(const struct maildir_mailbox *mbox,
			  const char *base, const char *info,
			  const char **info_r, bool *in_new_r)
{
	const char *cand;

	for (unsigned int round = 0; round < MAILDIR_PROBE_ROUNDS; round++) {
		/* a file in new/ has no info unless another program gave
		   it one */
		*in_new_r = true;
		*info_r = "";
		if (maildir_probe_name(mbox, "/new/", base, ""))
			return true;
		*info_r = info;
		if (info[0] != '\0' &&
		    maildir_probe_name(mbox, "/new/", base, info))
			return true;
		*in_new_r = false;
		if (maildir_probe_name(mbox, "/cur/", base, info))
			return true;
		/* the standard flags are the bits of MAIL_FLAGS_NONRECENT */
		for (unsigned int flags = 0; flags <= MAIL_FLAGS_NONRECENT;
		     flags++) {
			cand = maildir_filename_info_set_flags(info, flags);
			if (maildir_probe_name(mbox, "/cur/", base, cand)) {
				*info_r = cand;
				return true;
			}
		}
	}
	return false;
}

/* Returns the UID of the view's file base, or 0 if it is not in the
   view. */
static uint32_t maildir_view_lookup(struct maildir_mailbox *mbox,
				    const char *base)
{
	if (mbox->view_hash == NULL)
		return 0;
	return (uintptr_t)hash_table_lookup(mbox->view_hash, base);
}

/* Adds one directory's names: view files are marked seen (following
   renames), others are collected. A name in new/ and cur/ both (moved
   during the scan) ends up as cur/'s, which is read second. */
static void maildir_scan_add_names(struct maildir_sync_ctx *ctx,
				   const ARRAY_TYPE(maildir_scan_name) *names,
				   bool in_new)
{
	struct maildir_mailbox *mbox = ctx->mbox;
	struct maildir_mail *mail;
	struct maildir_scan_file *file;
	uintptr_t uid, idx;

	array_foreach(names, name) {
		uid = maildir_view_lookup(mbox, name->base);
		if (uid != 0) {
			idx = mailbox_view_find_uid(&mbox->box, uid);
			i_assert(array_idx(&mbox->box.records,
					   idx)->uid == uid);
			ctx->seen[idx] = true;
			mail = array_idx_modifiable(&mbox->mails, idx);
			if (mail->in_new != in_new ||
			    strcmp(mail->info, name->info) != 0) {
				mail->in_new = in_new;
				mail->info = maildir_info_intern(mbox,
								 name->info);
			}
			continue;
		}
		idx = (uintptr_t)hash_table_lookup(ctx->files_hash,
						   name->base);
		if (idx == 0) {
			file = array_append_space(&ctx->files);
			file->base = name->base;
			hash_table_update(ctx->files_hash, file->base,
				(void *)(uintptr_t)array_count(&ctx->files));
		} else {
			file = array_idx_modifiable(&ctx->files, idx - 1);
		}
		file->info = name->info;
		file->in_new = in_new;
	}
}

/* Moves a file from new/ to cur/ with at least ":2," info. Returns true
   if this call moved it (false also if someone else did: then it is in
   cur/ anyway, with a name the next sync shows). The name is updated
   unless the move failed otherwise. */
static bool maildir_move_new(struct maildir_mailbox *mbox, const char *base,
			     const char **info, bool *in_new)
{
	const char *new_info = (*info)[0] == '\0' ? ":2," : *info;
	const char *old_path, *new_path;
	bool moved;

	old_path = t_strconcat(mbox->path, "/new/", base, *info, NULL);
	new_path = t_strconcat(mbox->path, "/cur/", base, new_info, NULL);
	moved = rename(old_path, new_path) == 0;
	if (moved || errno == ENOENT) {
		*in_new = false;
		*info = new_info;
	}
	return moved;
}

/* Moves the files in new/ to cur/. Files moved here are \Recent for this
   session. */
static void maildir_scan_move_new(struct maildir_sync_ctx *ctx)
{
	struct maildir_mailbox *mbox = ctx->mbox;
	const char *info;

	array_foreach_modifiable(&mbox->mails, mail) {
		if (!mail->in_new)
			continue;
		info = mail->info;
		(void)maildir_move_new(mbox, mail->base, &info,
				       &mail->in_new);
		mail->info = maildir_info_intern(mbox, info);
	}
	array_foreach_modifiable(&ctx->files, file) {
		if (file->in_new) {
			file->recent = maildir_move_new(mbox, file->base,
							&file->info,
							&file->in_new);
		}
	}
}

/* Looks up the UIDs of the files outside the view that have none yet
   (a base's UID never changes). Returns how many still have none. */
static unsigned int maildir_scan_lookup_uids(struct maildir_sync_ctx *ctx)
{
	unsigned int missing = 0;

	array_foreach_modifiable(&ctx->files, file) {
		if (file->uid != 0)
			continue;
		file->uid = maildir_uidlist_lookup(ctx->mbox->uidlist,
						   file->base);
		if (file->uid == 0)
			missing++;
	}
	return missing;
}

/* Returns true if the file of the uidlist record was found. */
static bool maildir_scan_has(struct maildir_sync_ctx *ctx,
			     const struct maildir_uidlist_rec *rec)
{
	uintptr_t uid;

	if (hash_table_lookup(ctx->files_hash, rec->base) != NULL)
		return true;
	uid = maildir_view_lookup(ctx->mbox, rec->base);
	return uid != 0 &&
		ctx->seen[mailbox_view_find_uid(&ctx->mbox->box, uid)];
}

/* The info of a uidlist record's state (see maildir_info_get_state()):
   the name its file had when the state was recorded. */
static const char *maildir_state_get_info(uint32_t state)
{
	return maildir_keywords_info_set("", state & MAIL_FLAGS_NONRECENT,
					 state >> 5);
}

/* Looks for the file of a uidlist record that the scan did not see:
   under the name of its recorded state and, for a view record, the
   view's name (with their flag changes). A view record found is marked
   seen, another file is added. Returns true if found. */
static bool maildir_scan_probe_rec(struct maildir_sync_ctx *ctx,
				   const struct maildir_uidlist_rec *rec)
{
	struct maildir_mailbox *mbox = ctx->mbox;
	struct maildir_scan_file *file;
	struct maildir_mail *mail = NULL;
	const char *info;
	unsigned int idx = 0;
	bool in_new, found;

	if (maildir_view_lookup(mbox, rec->base) == rec->uid) {
		idx = mailbox_view_find_uid(&mbox->box, rec->uid);
		mail = array_idx_modifiable(&mbox->mails, idx);
	}
	found = maildir_probe(mbox, rec->base,
			      maildir_state_get_info(rec->state),
			      &info, &in_new) ||
		(mail != NULL &&
		 maildir_probe(mbox, rec->base, mail->info, &info, &in_new));
	if (!found)
		return false;
	if (mail != NULL) {
		ctx->seen[idx] = true;
		mail->in_new = in_new;
		mail->info = maildir_info_intern(mbox, info);
		return true;
	}
	file = array_append_space(&ctx->files);
	file->base = p_strdup(ctx->pool, rec->base);
	file->info = p_strdup(ctx->pool, info);
	file->in_new = in_new;
	file->uid = rec->uid;
	hash_table_update(ctx->files_hash, file->base,
			  (void *)(uintptr_t)array_count(&ctx->files));
	return true;
}

/* After an unstable scan: looks for the files of uidlist records below
   old_next_uid that were not seen, and adds those found. */
static void maildir_scan_probe_uidlist(struct maildir_sync_ctx *ctx,
				       uint32_t old_next_uid)
{
	const struct maildir_uidlist_rec *recs;
	unsigned int i, count;

	recs = maildir_uidlist_get_recs(ctx->mbox->uidlist, &count);
	for (i = 0; i < count && recs[i].uid < old_next_uid; i++) {
		if (recs[i].base != NULL && !maildir_scan_has(ctx, &recs[i]))
			(void)maildir_scan_probe_rec(ctx, &recs[i]);
	}
}

/* Under the uidlist lock: what to do with a record whose file was not
   seen (see the top of the file). A file that had its UID before the
   scan is gone if a stable scan or the second scan and the probe did not
   find it; one given its UID since is uncertain if not found. */
static void maildir_scan_unseen_rec(struct maildir_sync_ctx *ctx,
				    const struct maildir_uidlist_rec *rec,
				    unsigned int idx, uint32_t old_next_uid)
{
	struct maildir_mailbox *mbox = ctx->mbox;

	if (rec->uid < old_next_uid) {
		if (ctx->stable || !maildir_scan_probe_rec(ctx, rec))
			maildir_uidlist_drop(mbox->uidlist, idx);
		return;
	}
	if (maildir_scan_probe_rec(ctx, rec))
		return;
	/* the next sync must look again, even if nothing changes */
	mbox->scan_dirty = true;
	if (ctx->uncertain_uid == 0 || rec->uid < ctx->uncertain_uid)
		ctx->uncertain_uid = rec->uid;
}

/* Returns true if the file of a uidlist record below old_next_uid was not
   seen. */
static bool maildir_scan_have_unseen(struct maildir_sync_ctx *ctx,
				     uint32_t old_next_uid)
{
	const struct maildir_uidlist_rec *recs;
	unsigned int i, count;

	recs = maildir_uidlist_get_recs(ctx->mbox->uidlist, &count);
	for (i = 0; i < count && recs[i].uid < old_next_uid; i++) {
		if (recs[i].base != NULL && !maildir_scan_has(ctx, &recs[i]))
			return true;
	}
	return false;
}

/* Reads new/ and then cur/ into the scan; *stable_r tells if both
   stayed unchanged. Returns 0 or -1. */
static int maildir_scan_dirs(struct maildir_sync_ctx *ctx, bool *stable_r,
			     const char **error_r)
{
	struct maildir_mailbox *mbox = ctx->mbox;
	ARRAY_TYPE(maildir_scan_name) new_names, cur_names;
	bool new_stable, cur_stable;

	p_array_init(&new_names, ctx->pool, 256);
	p_array_init(&cur_names, ctx->pool, 1024);
	if (maildir_scan_dir(ctx, t_strconcat(mbox->path, "/new", NULL),
			     &new_names, &mbox->new_mtime, &new_stable,
			     error_r) < 0 ||
	    maildir_scan_dir(ctx, t_strconcat(mbox->path, "/cur", NULL),
			     &cur_names, &mbox->cur_mtime, &cur_stable,
			     error_r) < 0)
		return -1;
	maildir_scan_add_names(ctx, &new_names, true);
	maildir_scan_add_names(ctx, &cur_names, false);
	*stable_r = new_stable && cur_stable;
	return 0;
}

/* Returns true if some uidlist records below old_next_uid have no file
   (counting, without lookups). */
static bool maildir_scan_have_stale(struct maildir_sync_ctx *ctx,
				    uint32_t old_next_uid)
{
	const struct maildir_uidlist_rec *recs;
	const struct mail_record *view;
	unsigned int i, count, view_count, below = 0, found = 0;

	recs = maildir_uidlist_get_recs(ctx->mbox->uidlist, &count);
	for (i = 0; i < count && recs[i].uid < old_next_uid; i++) {
		if (recs[i].base != NULL)
			below++;
	}
	view = array_get(&ctx->mbox->box.records, &view_count);
	for (i = 0; i < view_count && view[i].uid < old_next_uid; i++) {
		if (ctx->seen[i])
			found++;
	}
	array_foreach(&ctx->files, file) {
		if (file->uid != 0 && file->uid < old_next_uid)
			found++;
	}
	return below > found;
}

/* A file that gets its UID now, with its sort key. */
struct maildir_scan_new_file {
	struct maildir_filename_key key;
	struct maildir_scan_file *file;
};

static int maildir_scan_new_file_cmp(const struct maildir_scan_new_file *f1,
				     const struct maildir_scan_new_file *f2)
{
	return maildir_filename_key_cmp(&f1->key, &f2->key);
}

static bool maildir_dir_is_unchanged(const char *dir,
				     const struct timespec *mtime)
{
	struct stat st;

	return stat(dir, &st) == 0 && st.st_mtim.tv_sec == mtime->tv_sec &&
		st.st_mtim.tv_nsec == mtime->tv_nsec;
}

static bool maildir_dirs_are_unchanged(struct maildir_mailbox *mbox)
{
	return !mbox->scan_dirty &&
		maildir_dir_is_unchanged(t_strconcat(mbox->path, "/new", NULL),
					 &mbox->new_mtime) &&
		maildir_dir_is_unchanged(t_strconcat(mbox->path, "/cur", NULL),
					 &mbox->cur_mtime);
}

/* Under the uidlist lock: drops the records of vanished files, looks for
   the files of the others not seen (see maildir_scan_unseen_rec()) and
   gives UIDs to the files that have none, in file name order. */
static int maildir_scan_update_uidlist(struct maildir_sync_ctx *ctx,
				       uint32_t old_next_uid,
				       const char **error_r)
{
	struct maildir_uidlist *uidlist = ctx->mbox->uidlist;
	ARRAY(struct maildir_scan_new_file) new_files;
	struct maildir_scan_new_file *new_file;
	const struct maildir_uidlist_rec *recs;
	unsigned int i, count;
	const char *error;
	bool verify;

	if (maildir_uidlist_lock(uidlist, error_r) <= 0)
		return -1;
	/* a stable second scan proves the files it does not see gone */
	if (!ctx->stable && maildir_scan_have_unseen(ctx, old_next_uid)) {
		if (maildir_scan_dirs(ctx, &ctx->stable, error_r) < 0) {
			(void)maildir_uidlist_unlock(uidlist, &error);
			return -1;
		}
		/* files delivered since the first scan are \Recent here */
		if (!mailbox_is_readonly(&ctx->mbox->box))
			maildir_scan_move_new(ctx);
	}
	recs = maildir_uidlist_get_recs(uidlist, &count);
	for (i = 0; i < count; i++) {
		if (recs[i].base != NULL && !maildir_scan_has(ctx, &recs[i]))
			maildir_scan_unseen_rec(ctx, &recs[i], i, old_next_uid);
	}
	if (maildir_scan_lookup_uids(ctx) > 0) {
		/* the scan is older than the lock: a file expunged (and
		   forgotten) meanwhile must not come back, unless the
		   directories show that nothing changed since */
		verify = !ctx->stable ||
			!maildir_dirs_are_unchanged(ctx->mbox);
		p_array_init(&new_files, ctx->pool, 64);
		array_foreach_modifiable(&ctx->files, file) {
			if (file->uid != 0)
				continue;
			if (verify) {
				file->gone = !maildir_probe(ctx->mbox,
					file->base, file->info, &file->info,
					&file->in_new);
			}
			if (file->gone)
				continue;
			new_file = array_append_space(&new_files);
			maildir_filename_key_init(&new_file->key, file->base);
			new_file->file = file;
		}
		/* in delivery order (each name's time parsed once) */
		array_sort(&new_files, maildir_scan_new_file_cmp);
		array_foreach(&new_files, sorted) {
			sorted->file->uid = maildir_uidlist_add(uidlist,
				sorted->file->base,
				maildir_info_get_state(sorted->file->info));
		}
	}
	return maildir_uidlist_unlock(uidlist, error_r);
}

static int maildir_sync_scan(struct maildir_sync_ctx *ctx,
			     const char **error_r)
{
	struct maildir_mailbox *mbox = ctx->mbox;
	uint32_t old_next_uid = maildir_uidlist_get_next_uid(mbox->uidlist);
	bool stale;

	if (maildir_scan_dirs(ctx, &ctx->stable, error_r) < 0)
		return -1;
	/* an unstable directory may change without a new mtime: read it
	   again next time */
	mbox->scan_dirty = !ctx->stable;

	(void)maildir_scan_lookup_uids(ctx);
	stale = maildir_scan_have_stale(ctx, old_next_uid);
	if (stale && !ctx->stable)
		maildir_scan_probe_uidlist(ctx, old_next_uid);
	if (!mailbox_is_readonly(&mbox->box))
		maildir_scan_move_new(ctx);

	if (maildir_scan_lookup_uids(ctx) > 0 || stale ||
	    maildir_uidlist_is_dirty(mbox->uidlist))
		return maildir_scan_update_uidlist(ctx, old_next_uid, error_r);
	return 0;
}

/* Expunges the records whose keep[] is false from the view, compacting
   changed[] (may be NULL) along. */
static void
maildir_view_expunge(struct maildir_mailbox *mbox, const bool *keep,
		     bool *changed, const struct mailbox_sync_callbacks *cb,
		     void *context)
{
	struct maildir_mail *mails;
	unsigned int i, dest, count;

	mailbox_view_expunge(&mbox->box, keep, cb, context);
	mails = array_get_modifiable(&mbox->mails, &count);
	for (i = dest = 0; i < count; i++) {
		if (!keep[i]) {
			if (mbox->view_hash != NULL) {
				(void)hash_table_remove(mbox->view_hash,
							mails[i].base);
			}
			continue;
		}
		mails[dest] = mails[i];
		if (changed != NULL)
			changed[dest] = changed[i];
		dest++;
	}
	array_delete(&mbox->mails, dest, count - dest);
}

/* Expunges the records whose file is gone and finds flag changes.
   Returns true if something was expunged. */
static bool maildir_sync_view_existing(struct maildir_sync_ctx *ctx,
				       const struct mailbox_sync_callbacks *cb,
				       void *context)
{
	struct maildir_mailbox *mbox = ctx->mbox;
	struct mail_record *recs;
	const struct maildir_mail *mails;
	enum mail_flags flags;
	uint32_t keywords;
	unsigned int i, count;
	bool *changed, expunges = false;

	recs = array_get_modifiable(&mbox->box.records, &count);
	mails = array_get(&mbox->mails, NULL);
	changed = p_new(ctx->pool, bool, count + 1);
	for (i = 0; i < count; i++) {
		if (!ctx->seen[i]) {
			expunges = true;
			continue;
		}
		/* compared with the flags, not the old name: reading a
		   message may have followed a rename already */
		flags = (recs[i].flags & MAIL_RECENT) |
			maildir_filename_get_flags(mails[i].info);
		keywords = maildir_keywords_from_info(mails[i].info);
		if (flags != recs[i].flags || keywords != recs[i].keywords) {
			recs[i].flags = flags;
			recs[i].keywords = keywords;
			changed[i] = true;
		}
	}
	if (expunges)
		maildir_view_expunge(mbox, ctx->seen, changed, cb, context);
	if (cb == NULL || cb->flags_changed == NULL)
		return expunges;
	count = array_count(&mbox->box.records);
	for (i = 0; i < count; i++) {
		if (changed[i])
			cb->flags_changed(i + 1, context);
	}
	return expunges;
}

/* A file to append, sorted by UID without touching the file. */
struct maildir_new_file {
	uint32_t uid;
	const struct maildir_scan_file *file;
};

static int maildir_new_file_cmp(const struct maildir_new_file *f1,
				const struct maildir_new_file *f2)
{
	return f1->uid < f2->uid ? -1 : (f1->uid > f2->uid ? 1 : 0);
}

/* Appends the files with UIDs above the view's last one (and below an
   uncertain one). */
static void maildir_sync_view_new(struct maildir_sync_ctx *ctx)
{
	struct maildir_mailbox *mbox = ctx->mbox;
	ARRAY(struct maildir_new_file) new_files;
	struct maildir_new_file *new_file;
	struct mail_record *rec;
	struct maildir_mail *mail;
	uint32_t last_uid = 0;

	if (array_count(&mbox->box.records) > 0)
		last_uid = array_back(&mbox->box.records)->uid;
	p_array_init(&new_files, ctx->pool, array_count(&ctx->files) + 1);
	array_foreach(&ctx->files, file) {
		if (file->uid > last_uid && !file->gone &&
		    (ctx->uncertain_uid == 0 ||
		     file->uid < ctx->uncertain_uid)) {
			new_file = array_append_space(&new_files);
			new_file->uid = file->uid;
			new_file->file = file;
		}
	}
	array_sort(&new_files, maildir_new_file_cmp);
	array_foreach(&new_files, new_file_p) {
		const struct maildir_scan_file *file = new_file_p->file;

		mail = array_append_space(&mbox->mails);
		mail->base = p_strdup(mbox->names_pool, file->base);
		mail->info = maildir_info_intern(mbox, file->info);
		mail->in_new = file->in_new;
		rec = mailbox_view_append(&mbox->box, false);
		rec->uid = file->uid;
		/* from the interned info: the few of them stay cached */
		rec->flags = maildir_filename_get_flags(mail->info);
		rec->keywords = maildir_keywords_from_info(mail->info);
		/* a read-only view moves nothing: what is still in new/
		   is \Recent for it too (and stays so for the session
		   that moves it) */
		if (file->recent ||
		    (file->in_new && mailbox_is_readonly(&mbox->box)))
			rec->flags |= MAIL_RECENT;
		if (mbox->view_hash != NULL) {
			hash_table_update(mbox->view_hash, mail->base,
					  (void *)(uintptr_t)file->uid);
		}
	}
}

uint32_t maildir_info_get_state(const char *info)
{
	return maildir_filename_get_flags(info) |
		(maildir_keywords_from_info(info) << 5);
}

/* Walks the view and the uidlist in UID order. A record whose file
   state differs from the uidlist's gets the next modseq when locked
   (else it is only counted); the others take the uidlist's modseq.
   Returns the number of differences. */
static unsigned int maildir_sync_modseqs_walk(struct maildir_mailbox *mbox,
					      bool locked)
{
	const struct maildir_uidlist_rec *urecs;
	const struct maildir_mail *mails;
	struct mail_record *recs;
	unsigned int i, j = 0, count, ucount, diffs = 0;
	uint32_t state;

	recs = array_get_modifiable(&mbox->box.records, &count);
	mails = array_get(&mbox->mails, NULL);
	urecs = maildir_uidlist_get_recs(mbox->uidlist, &ucount);
	for (i = 0; i < count; i++) {
		while (j < ucount && urecs[j].uid < recs[i].uid)
			j++;
		if (j == ucount)
			break;
		if (urecs[j].uid != recs[i].uid || urecs[j].base == NULL)
			continue;
		state = maildir_info_get_state(mails[i].info);
		if (urecs[j].modseq == 0 || urecs[j].state != state) {
			diffs++;
			if (!locked)
				continue;
			(void)maildir_uidlist_set_state(mbox->uidlist, j,
							state);
		}
		recs[i].modseq = urecs[j].modseq;
		mbox->box.highest_modseq =
			I_MAX(mbox->box.highest_modseq, recs[i].modseq);
	}
	return diffs;
}

/* Gives the view its modseqs (see the top of the file). Returns 0 or
   -1. */
static int maildir_sync_modseqs(struct maildir_mailbox *mbox,
				const char **error_r)
{
	int ret = 0;

	if (maildir_sync_modseqs_walk(mbox, false) > 0) {
		if (maildir_uidlist_lock(mbox->uidlist, error_r) <= 0)
			return -1;
		(void)maildir_sync_modseqs_walk(mbox, true);
		ret = maildir_uidlist_unlock(mbox->uidlist, error_r);
	}
	mbox->box.expunge_modseq =
		maildir_uidlist_get_expunge_modseq(mbox->uidlist);
	return ret;
}

int maildir_flags_commit(struct mailbox *box, const char **error_r)
{
	struct maildir_mailbox *mbox = (struct maildir_mailbox *)box;

	/* a view from the index has not read the uidlist yet */
	mbox->uidlist_deferred = false;
	if (maildir_uidlist_refresh(mbox->uidlist, error_r) < 0)
		return -1;
	mbox->index_dirty = true;
	return maildir_sync_modseqs(mbox, error_r);
}

/* While the view is the index's: returns true if the uidlist file and
   the directories are still what the index was made from. Once not, the
   uidlist is read from then on. */
static bool maildir_index_view_is_current(struct maildir_mailbox *mbox)
{
	struct maildir_uidlist_id id;

	if (maildir_uidlist_stat_id(mbox->path, &id) &&
	    memcmp(&id, &mbox->uidlist_id, sizeof(id)) == 0 &&
	    maildir_dirs_are_unchanged(mbox))
		return true;
	mbox->uidlist_deferred = false;
	return false;
}

/* The view's base -> UID table, as a scan needs it. An empty view needs
   none (a scan then finds only files outside the view): the table is
   made by the next scan. */
static void maildir_view_hash_build(struct maildir_mailbox *mbox)
{
	const struct mail_record *recs;
	const struct maildir_mail *mails;
	unsigned int i, count;

	recs = array_get(&mbox->box.records, &count);
	if (mbox->view_hash != NULL || count == 0)
		return;
	mbox->view_hash = hash_table_create_str(default_pool, false);
	mails = array_get(&mbox->mails, NULL);
	for (i = 0; i < count; i++) {
		hash_table_update(mbox->view_hash, mails[i].base,
				  (void *)(uintptr_t)recs[i].uid);
	}
}

int maildir_sync(struct mailbox *box, const struct mailbox_sync_callbacks *cb,
		 void *context, const char **error_r)
{
	struct maildir_mailbox *mbox = (struct maildir_mailbox *)box;
	struct maildir_sync_ctx ctx;
	uint32_t uidvalidity;
	bool expunged;
	int ret;

	if (mbox->uidlist_deferred && maildir_index_view_is_current(mbox))
		return 0;
	ret = maildir_uidlist_refresh(mbox->uidlist, error_r);
	if (ret < 0)
		return -1;
	if (ret == 0 && maildir_dirs_are_unchanged(mbox))
		return 0;
	maildir_view_hash_build(mbox);

	memset(&ctx, 0, sizeof(ctx));
	ctx.mbox = mbox;
	ctx.pool = pool_alloconly_create("maildir sync", 65536);
	ctx.seen = p_new(ctx.pool, bool, array_count(&box->records) + 1);
	p_array_init(&ctx.files, ctx.pool, 64);
	ctx.files_hash = hash_table_create_str(ctx.pool, false);
	ret = maildir_sync_scan(&ctx, error_r);
	/* read after the scan: a keyword's name is written before any file
	   name has its letter, so every letter the scan saw is named now
	   (a session shows no keyword as missing that later appears) */
	if (ret == 0)
		ret = maildir_keywords_refresh(mbox->keywords, error_r);
	uidvalidity = maildir_uidlist_get_uidvalidity(mbox->uidlist);
	if (ret == 0 && box->uidvalidity != 0 &&
	    box->uidvalidity != uidvalidity) {
		*error_r = t_strdup_printf("UIDVALIDITY of %s changed "
					   "(%u -> %u)", mbox->path,
					   box->uidvalidity, uidvalidity);
		ret = -1;
	}
	if (ret == 0) {
		/* the first sync shows every expunge there was */
		expunged = maildir_sync_view_existing(&ctx, cb, context) ||
			box->uidvalidity == 0;
		maildir_sync_view_new(&ctx);
		box->uidvalidity = uidvalidity;
		box->uidnext = maildir_uidlist_get_next_uid(mbox->uidlist);
		mbox->index_dirty = true;
		ret = maildir_sync_modseqs(mbox, error_r);
		if (expunged) {
			box->highest_modseq = I_MAX(box->highest_modseq,
						    box->expunge_modseq);
		}
		box->highest_modseq = I_MAX(box->highest_modseq, 1);
	}
	if (ret < 0)
		mbox->scan_dirty = true;
	pool_unref(&ctx.pool);
	return ret;
}

/* Unlinks the file of mail idx. Returns 0 (also if it was gone already),
   or -1. */
static int maildir_mail_unlink(struct maildir_mailbox *mbox, unsigned int idx,
			       const char **error_r)
{
	const char *path;
	int ret;

	path = maildir_mail_get_path(mbox, array_idx(&mbox->mails, idx));
	if (unlink(path) == 0)
		return 0;
	if (errno == ENOENT) {
		ret = maildir_mail_refind(mbox, idx, error_r);
		if (ret <= 0)
			return ret;
		path = maildir_mail_get_path(mbox,
					     array_idx(&mbox->mails, idx));
		if (unlink(path) == 0 || errno == ENOENT)
			return 0;
	}
	*error_r = t_strdup_printf("unlink(%s) failed: %m", path);
	return -1;
}

/* Drops the uidlist records of the UIDs whose keep[] is false, so that
   the expunges get their modseqs now (a sync would only find them
   later). Returns 0 or -1. */
static int maildir_expunge_drop_uids(struct maildir_mailbox *mbox,
				     const bool *keep, const char **error_r)
{
	const struct maildir_uidlist_rec *urecs;
	const struct mail_record *recs;
	unsigned int i, j = 0, count, ucount;

	mbox->uidlist_deferred = false;
	if (maildir_uidlist_lock(mbox->uidlist, error_r) <= 0)
		return -1;
	recs = array_get(&mbox->box.records, &count);
	urecs = maildir_uidlist_get_recs(mbox->uidlist, &ucount);
	for (i = 0; i < count; i++) {
		if (keep[i])
			continue;
		while (j < ucount && urecs[j].uid < recs[i].uid)
			j++;
		if (j < ucount && urecs[j].uid == recs[i].uid)
			maildir_uidlist_drop(mbox->uidlist, j);
	}
	if (maildir_uidlist_unlock(mbox->uidlist, error_r) < 0)
		return -1;
	mbox->box.expunge_modseq =
		maildir_uidlist_get_expunge_modseq(mbox->uidlist);
	mbox->box.highest_modseq = I_MAX(mbox->box.highest_modseq,
					 mbox->box.expunge_modseq);
	return 0;
}

int maildir_expunge_marked(struct mailbox *box, const bool *marked,
			   const struct mailbox_sync_callbacks *cb,
			   void *context, const char **error_r)
{
	struct maildir_mailbox *mbox = (struct maildir_mailbox *)box;
	unsigned int i, count = array_count(&box->records);
	bool *keep, expunges = false;
	int ret = 0;

	keep = i_new(bool, count + 1);
	for (i = 0; i < count; i++) {
		keep[i] = ret < 0 || !marked[i];
		if (keep[i])
			continue;
		if (maildir_mail_unlink(mbox, i, error_r) < 0) {
			keep[i] = true;
			ret = -1;
		} else {
			expunges = true;
		}
	}
	if (expunges && maildir_expunge_drop_uids(mbox, keep, error_r) < 0)
		ret = -1;
	if (expunges) {
		maildir_view_expunge(mbox, keep, NULL, cb, context);
		if (ret == 0 &&
		    maildir_fsync_dir(mbox, t_strconcat(mbox->path, "/cur",
							NULL),
				      false, error_r) < 0)
			ret = -1;
	}
	i_free(keep);
	return ret;
}

