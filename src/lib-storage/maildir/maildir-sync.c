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
   but whose file was not found are dropped then (the file was expunged).
   When the directories' mtimes have not changed since the last scan (and
   the scan was not too close to the change), nothing is read at all.

   Then view records whose file was not found are expunged (reported
   highest first), changed infos become flag changes, and files with UIDs
   above the view's last one are appended. */

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
		*in_new_r = true;
		*info_r = info;
		if (maildir_probe_name(mbox, "/new/", base, info))
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

/* After an unstable scan: looks for the view's files that were not
   seen. */
static void maildir_scan_probe_view(struct maildir_sync_ctx *ctx)
{
	struct maildir_mailbox *mbox = ctx->mbox;
	struct maildir_mail *mails;
	const char *info;
	unsigned int i, count;
	bool in_new;

	mails = array_get_modifiable(&mbox->mails, &count);
	for (i = 0; i < count; i++) {
		if (ctx->seen[i] ||
		    !maildir_probe(mbox, mails[i].base, mails[i].info,
				   &info, &in_new))
			continue;
		ctx->seen[i] = true;
		mails[i].in_new = in_new;
		mails[i].info = maildir_info_intern(mbox, info);
	}
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

/* After an unstable scan: looks for the files of uidlist records below
   old_next_uid that were not seen, and adds those found. */
static void maildir_scan_probe_uidlist(struct maildir_sync_ctx *ctx,
				       uint32_t old_next_uid)
{
	const struct maildir_uidlist_rec *recs;
	struct maildir_scan_file *file;
	const char *info;
	unsigned int i, count;
	bool in_new;

	recs = maildir_uidlist_get_recs(ctx->mbox->uidlist, &count);
	for (i = 0; i < count && recs[i].uid < old_next_uid; i++) {
		if (recs[i].base == NULL || maildir_scan_has(ctx, &recs[i]) ||
		    !maildir_probe(ctx->mbox, recs[i].base, "", &info,
				   &in_new))
			continue;
		file = array_append_space(&ctx->files);
		file->base = p_strdup(ctx->pool, recs[i].base);
		file->info = p_strdup(ctx->pool, info);
		file->in_new = in_new;
		file->uid = recs[i].uid;
		hash_table_update(ctx->files_hash, file->base,
				  (void *)(uintptr_t)array_count(&ctx->files));
	}
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

static int maildir_scan_file_base_cmp(struct maildir_scan_file *const *f1,
				      struct maildir_scan_file *const *f2)
{
	return maildir_filename_base_cmp((*f1)->base, (*f2)->base);
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

/* Under the uidlist lock: drops the records of vanished files and gives
   UIDs to the files that have none, in file name order. */
static int maildir_scan_update_uidlist(struct maildir_sync_ctx *ctx,
				       uint32_t old_next_uid,
				       const char **error_r)
{
	struct maildir_uidlist *uidlist = ctx->mbox->uidlist;
	ARRAY(struct maildir_scan_file *) new_files;
	const struct maildir_uidlist_rec *recs;
	unsigned int i, count;
	bool verify;

	if (maildir_uidlist_lock(uidlist, error_r) <= 0)
		return -1;
	recs = maildir_uidlist_get_recs(uidlist, &count);
	for (i = 0; i < count && recs[i].uid < old_next_uid; i++) {
		if (recs[i].base != NULL && !maildir_scan_has(ctx, &recs[i]))
			maildir_uidlist_drop(uidlist, i);
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
			if (!file->gone)
				array_push_back(&new_files, &file);
		}
		array_sort(&new_files, maildir_scan_file_base_cmp);
		array_foreach(&new_files, filep) {
			(*filep)->uid = maildir_uidlist_add(uidlist,
							    (*filep)->base);
		}
	}
	return maildir_uidlist_unlock(uidlist, error_r);
}

static int maildir_sync_scan(struct maildir_sync_ctx *ctx,
			     const char **error_r)
{
	struct maildir_mailbox *mbox = ctx->mbox;
	uint32_t old_next_uid = maildir_uidlist_get_next_uid(mbox->uidlist);
	ARRAY_TYPE(maildir_scan_name) new_names, cur_names;
	bool new_stable, cur_stable, stale;

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
	ctx->stable = new_stable && cur_stable;
	/* an unstable directory may change without a new mtime: read it
	   again next time */
	mbox->scan_dirty = !ctx->stable;
	if (!ctx->stable)
		maildir_scan_probe_view(ctx);

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

/* Expunges the records whose file is gone and finds flag changes. */
static void maildir_sync_view_existing(struct maildir_sync_ctx *ctx,
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
		return;
	count = array_count(&mbox->box.records);
	for (i = 0; i < count; i++) {
		if (changed[i])
			cb->flags_changed(i + 1, context);
	}
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

/* Appends the files with UIDs above the view's last one. */
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
		if (file->uid > last_uid && !file->gone) {
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
	int ret;

	/* the names of keyword letters seen in this sync */
	if (maildir_keywords_refresh(mbox->keywords, error_r) < 0)
		return -1;
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
	uidvalidity = maildir_uidlist_get_uidvalidity(mbox->uidlist);
	if (ret == 0 && box->uidvalidity != 0 &&
	    box->uidvalidity != uidvalidity) {
		*error_r = t_strdup_printf("UIDVALIDITY of %s changed "
					   "(%u -> %u)", mbox->path,
					   box->uidvalidity, uidvalidity);
		ret = -1;
	}
	if (ret == 0) {
		maildir_sync_view_existing(&ctx, cb, context);
		maildir_sync_view_new(&ctx);
		box->uidvalidity = uidvalidity;
		box->uidnext = maildir_uidlist_get_next_uid(mbox->uidlist);
		mbox->index_dirty = true;
	} else {
		mbox->scan_dirty = true;
	}
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

int maildir_expunge_deleted(struct mailbox *box,
			    const struct mailbox_sync_callbacks *cb,
			    void *context, const char **error_r)
{
	const struct mail_record *recs;
	unsigned int i, count;
	bool *marked;
	int ret;

	recs = array_get(&box->records, &count);
	marked = i_new(bool, count + 1);
	for (i = 0; i < count; i++)
		marked[i] = (recs[i].flags & MAIL_DELETED) != 0;
	ret = maildir_expunge_marked(box, marked, cb, context, error_r);
	i_free(marked);
	return ret;
}
