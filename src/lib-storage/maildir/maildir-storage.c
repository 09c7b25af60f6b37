/* Copyright (c) Cove authors. See AUTHORS. */

/* The Maildir backend: opening mailboxes, reading messages, flag changes
   by rename, and the backend registration. */

#include "lib.h"
#include "array.h"
#include "hash.h"
#include "istream.h"
#include "buffer.h"
#include "file-util.h"
#include "message-size.h"
#include "maildir-filename.h"
#include "maildir-uidlist.h"
#include "maildir-keywords.h"
#include "maildir-index.h"

#include <dirent.h>
#include <fcntl.h>
#include <strings.h>
#include <sys/stat.h>

/* Read buffer of message streams. */
#define MAILDIR_MAIL_STREAM_BUFFER_SIZE 65536
/* How often a flag change follows a file that others keep renaming. */
#define MAILDIR_RENAME_MAX_TRIES 10
/* How often a file is looked for again while its directory changes. */
#define MAILDIR_FIND_MAX_TRIES 5

static const char *const maildir_subdirs[] = { "cur", "new", "tmp" };

static int maildir_location_check(const struct mail_location *location,
				  const char **error_r)
{
	if (location->layout != NULL &&
	    strcasecmp(location->layout, "maildir++") != 0) {
		*error_r = t_strdup_printf("Unsupported Maildir LAYOUT: %s",
					   location->layout);
		return -1;
	}
	return 0;
}

static struct mailbox *maildir_mailbox_alloc(pool_t pool)
{
	struct maildir_mailbox *mbox = p_new(pool, struct maildir_mailbox, 1);

	return &mbox->box;
}

static int maildir_create_inbox(const char *path, const char **error_r)
{
	for (unsigned int i = 0; i < N_ELEMENTS(maildir_subdirs); i++) {
		const char *dir = t_strdup_printf("%s/%s", path,
						  maildir_subdirs[i]);

		if (mkdir_parents(dir, 0700) < 0 && errno != EEXIST) {
			*error_r = t_strdup_printf("mkdir(%s) failed: %m",
						   dir);
			return -1;
		}
	}
	return 0;
}

static int maildir_mailbox_open(struct mailbox *box, const char **error_r)
{
	struct maildir_mailbox *mbox = (struct maildir_mailbox *)box;
	const struct mail_location *loc = &box->user->location;
	struct stat st;
	const char *cur, *path, *error;

	if (strcmp(box->name, "INBOX") == 0) {
		mbox->path = loc->inbox_path != NULL ? loc->inbox_path :
			loc->root;
		if (maildir_create_inbox(mbox->path, error_r) < 0 ||
		    maildir_list_init_uidlist(box->user, mbox->path,
					      error_r) < 0)
			return -1;
	} else {
		/* a name that cannot be a directory cannot exist */
		if (maildir_list_get_path(box->user, box->name, &path,
					  &error) < 0)
			return 0;
		mbox->path = p_strdup(box->pool, path);
		cur = t_strconcat(mbox->path, "/cur", NULL);
		if (stat(cur, &st) < 0) {
			if (errno == ENOENT || errno == ENOTDIR)
				return 0;
			*error_r = t_strdup_printf("stat(%s) failed: %m", cur);
			return -1;
		}
	}
	mbox->uidlist = maildir_uidlist_init(mbox->path,
		box->user->fsync_mode != MAIL_STORAGE_FSYNC_NEVER);
	mbox->keywords = maildir_keywords_init(mbox->path,
		box->user->fsync_mode != MAIL_STORAGE_FSYNC_NEVER);
	i_array_init(&mbox->mails, 64);
	mbox->names_pool = pool_alloconly_create("maildir names", 16384);
	mbox->infos = hash_table_create_str(default_pool, false);
	/* a cache: without it the first sync reads everything; a
	   save-only mailbox keeps its view empty */
	if ((box->flags & (MAILBOX_FLAG_SAVEONLY |
			   MAILBOX_FLAG_REBUILD_INDEX)) == 0 &&
	    maildir_index_read(mbox, &error) < 0)
		i_error("%s", error);
	return 1;
}

static void maildir_mailbox_close(struct mailbox *box)
{
	struct maildir_mailbox *mbox = (struct maildir_mailbox *)box;

	maildir_index_update(mbox);
	array_free(&mbox->mails);
	pool_unref(&mbox->names_pool);
	if (mbox->view_hash != NULL)
		hash_table_destroy(&mbox->view_hash);
	hash_table_destroy(&mbox->infos);
	maildir_uidlist_deinit(&mbox->uidlist);
	maildir_keywords_deinit(&mbox->keywords);
}

const char *maildir_info_intern(struct maildir_mailbox *mbox,
				const char *info)
{
	char *interned = hash_table_lookup(mbox->infos, info);

	if (interned == NULL) {
		interned = p_strdup(mbox->box.pool, info);
		hash_table_update(mbox->infos, interned, interned);
	}
	return interned;
}

const char *maildir_mail_get_path(const struct maildir_mailbox *mbox,
				  const struct maildir_mail *mail)
{
	return t_strconcat(mbox->path, mail->in_new ? "/new/" : "/cur/",
			   mail->base, mail->info, NULL);
}

int maildir_fsync_dir(struct maildir_mailbox *mbox, const char *dir,
		      bool optimized, const char **error_r)
{
	enum mail_storage_fsync mode = mbox->box.user->fsync_mode;
	int fd, ret = 0;

	if (mode == MAIL_STORAGE_FSYNC_NEVER ||
	    (mode == MAIL_STORAGE_FSYNC_OPTIMIZED && !optimized))
		return 0;
	fd = open(dir, O_RDONLY | O_DIRECTORY);
	if (fd < 0) {
		*error_r = t_strdup_printf("open(%s) failed: %m", dir);
		return -1;
	}
	if (fsync(fd) < 0) {
		*error_r = t_strdup_printf("fsync(%s) failed: %m", dir);
		ret = -1;
	}
	(void)close(fd);
	return ret;
}

/* Looks for base in dir. Returns 1 found (*name_r from the temporary
   frame), 0 not found, -1 error. *changed_r tells if dir changed while
   it was read: readdir() may then have missed a file renamed meanwhile. */
static int maildir_find_in_dir(const char *dir, const char *base,
			       const char **name_r, bool *changed_r,
			       const char **error_r)
{
	size_t base_len = strlen(base);
	struct stat st_before, st_after;
	struct dirent *d;
	DIR *dirp;
	int ret = 0;

	if (stat(dir, &st_before) < 0) {
		*error_r = t_strdup_printf("stat(%s) failed: %m", dir);
		return -1;
	}
	dirp = opendir(dir);
	if (dirp == NULL) {
		*error_r = t_strdup_printf("opendir(%s) failed: %m", dir);
		return -1;
	}
	errno = 0;
	while (ret == 0 && (d = readdir(dirp)) != NULL) {
		if (strncmp(d->d_name, base, base_len) == 0 &&
		    (d->d_name[base_len] == '\0' ||
		     d->d_name[base_len] == ':')) {
			*name_r = t_strdup(d->d_name);
			ret = 1;
		}
	}
	if (ret == 0 && errno != 0) {
		*error_r = t_strdup_printf("readdir(%s) failed: %m", dir);
		ret = -1;
	}
	(void)closedir(dirp);
	*changed_r = stat(dir, &st_after) < 0 ||
		st_before.st_mtim.tv_sec != st_after.st_mtim.tv_sec ||
		st_before.st_mtim.tv_nsec != st_after.st_mtim.tv_nsec;
	return ret;
}

/* Looks for the file of base in new/ and cur/. Returns 1 found (*name_r
   from the temporary frame), 0 not found, -1 error. */
static int maildir_find_mail(const struct maildir_mailbox *mbox,
			     const char *base, const char **name_r,
			     bool *in_new_r, const char **error_r)
{
	const char *new_dir = t_strconcat(mbox->path, "/new", NULL);
	const char *cur_dir = t_strconcat(mbox->path, "/cur", NULL);
	bool changed;
	int ret;

	/* new/ first: files only ever move from new/ to cur/, so one that
	   moves meanwhile is found in cur/; cur/ is read again while other
	   renames in it could hide the file */
	for (unsigned int try = 0;; try++) {
		*in_new_r = true;
		ret = maildir_find_in_dir(new_dir, base, name_r, &changed,
					  error_r);
		if (ret != 0)
			return ret;
		*in_new_r = false;
		ret = maildir_find_in_dir(cur_dir, base, name_r, &changed,
					  error_r);
		if (ret != 0 || !changed || try == MAILDIR_FIND_MAX_TRIES)
			return ret;
	}
}

int maildir_mail_refind(struct maildir_mailbox *mbox, unsigned int idx,
			const char **error_r)
{
	struct maildir_mail *mail = array_idx_modifiable(&mbox->mails, idx);
	const char *name;
	bool in_new;
	int ret;

	ret = maildir_find_mail(mbox, mail->base, &name, &in_new, error_r);
	if (ret <= 0)
		return ret;
	mail->in_new = in_new;
	mail->info = maildir_info_intern(mbox,
		name + maildir_filename_base_len(name));
	/* the new name may have letters of keywords added since the last
	   sync */
	return maildir_keywords_refresh(mbox->keywords, error_r) < 0 ? -1 : 1;
}

/* Opens the file of mail idx, following a rename by someone else.
   Returns 1 and fd, 0 if expunged, -1 error. */
static int maildir_mail_open(struct maildir_mailbox *mbox, unsigned int idx,
			     int *fd_r, const char **error_r)
{
	const struct maildir_mail *mail = array_idx(&mbox->mails, idx);
	const char *path = maildir_mail_get_path(mbox, mail);
	int ret;

	*fd_r = open(path, O_RDONLY);
	if (*fd_r == -1 && errno == ENOENT) {
		if ((ret = maildir_mail_refind(mbox, idx, error_r)) <= 0)
			return ret;
		path = maildir_mail_get_path(mbox, mail);
		*fd_r = open(path, O_RDONLY);
	}
	if (*fd_r == -1) {
		*error_r = t_strdup_printf("open(%s) failed: %m", path);
		return -1;
	}
	return 1;
}

/* Finds the file of mail (following a rename by someone else) and
   stat()s it. Returns the path (temporary frame), or NULL if it is
   gone. */
static const char *maildir_mail_stat(const struct maildir_mailbox *mbox,
				     const struct maildir_mail *mail,
				     struct stat *st_r)
{
	struct maildir_mail found = *mail;
	const char *path = maildir_mail_get_path(mbox, mail);
	const char *name, *error;

	if (stat(path, st_r) == 0)
		return path;
	/* renamed meanwhile: the next sync records the new name, here it
	   is only looked up */
	if (errno != ENOENT ||
	    maildir_find_mail(mbox, mail->base, &name, &found.in_new,
			      &error) <= 0)
		return NULL;
	found.info = name + maildir_filename_base_len(name);
	path = maildir_mail_get_path(mbox, &found);
	return stat(path, st_r) == 0 ? path : NULL;
}

static void maildir_fill_record(const struct mailbox *box, unsigned int idx)
{
	const struct maildir_mailbox *mbox =
		(const struct maildir_mailbox *)box;
	const struct maildir_mail *mail = array_idx(&mbox->mails, idx);
	struct mail_record *rec = array_idx_modifiable(&box->records, idx);
	struct maildir_filename fname;
	struct message_size hdr, body;
	struct istream *input;
	const char *path, *error;
	struct stat st;
	int fd = -1;

	maildir_filename_parse(mail->base, &fname);
	rec->physical_size = fname.physical_size;
	rec->virtual_size = fname.virtual_size;
	T_BEGIN {
		/* a stat() is enough when the name has the sizes (as
		   Cove's and Dovecot's deliveries write them) */
		path = maildir_mail_stat(mbox, mail, &st);
		if (path != NULL) {
			rec->received_date = st.st_mtime;
			if (!fname.have_physical_size)
				rec->physical_size = (uoff_t)st.st_size;
			if (!fname.have_virtual_size)
				fd = open(path, O_RDONLY);
		}
	} T_END;
	/* expunged meanwhile: the sizes from the name are all that is
	   known */
	if (fd == -1)
		return;
	input = i_stream_create_fd(fd, MAILDIR_MAIL_STREAM_BUFFER_SIZE, true);
	if (message_get_header_body_size(input, &hdr, &body, &error) == 0)
		rec->virtual_size = hdr.virtual_size + body.virtual_size;
	i_stream_destroy(&input);
}

static int maildir_open_mail_stream(struct mailbox *box, unsigned int idx,
				    struct istream **input_r,
				    const char **error_r)
{
	struct maildir_mailbox *mbox = (struct maildir_mailbox *)box;
	int fd, ret;

	ret = maildir_mail_open(mbox, idx, &fd, error_r);
	if (ret <= 0)
		return ret;
	*input_r = i_stream_create_fd(fd, MAILDIR_MAIL_STREAM_BUFFER_SIZE,
				      true);
	return 1;
}

/* Renames the file of mail to cur/ with new_info. Returns 1 done, 0 the
   source is gone, -1 error. */
static int maildir_mail_rename(struct maildir_mailbox *mbox,
			       struct maildir_mail *mail, const char *new_info,
			       const char **error_r)
{
	const char *old_path = maildir_mail_get_path(mbox, mail);
	const char *new_path = t_strconcat(mbox->path, "/cur/", mail->base,
					   new_info, NULL);

	if (rename(old_path, new_path) < 0) {
		if (errno == ENOENT)
			return 0;
		*error_r = t_strdup_printf("rename(%s, %s) failed: %m",
					   old_path, new_path);
		return -1;
	}
	mail->in_new = false;
	mail->info = maildir_info_intern(mbox, new_info);
	return 1;
}

static int maildir_update_flags(struct mailbox *box, unsigned int idx,
				enum modify_type modify, enum mail_flags flags,
				const uint32_t *keywords, const char **error_r)
{
	struct maildir_mailbox *mbox = (struct maildir_mailbox *)box;
	struct maildir_mail *mail = array_idx_modifiable(&mbox->mails, idx);
	struct mail_record *rec = array_idx_modifiable(&box->records, idx);
	enum mail_flags new_flags;
	uint32_t new_keywords;
	int ret;

	/* the change applies to the file's flags, which someone else may
	   have changed since the view was synced */
	for (unsigned int try = 0;; try++) {
		new_flags = mail_flags_modify((rec->flags & MAIL_RECENT) |
			maildir_filename_get_flags(mail->info), modify, flags);
		new_keywords = maildir_keywords_from_info(mail->info);
		if (keywords != NULL) {
			new_keywords = mail_keywords_modify(new_keywords,
							    modify, *keywords);
		}
		ret = maildir_mail_rename(mbox, mail,
			maildir_keywords_info_set(mail->info, new_flags,
						  new_keywords),
			error_r);
		if (ret != 0 || try == MAILDIR_RENAME_MAX_TRIES)
			break;
		/* renamed meanwhile: find its new name (sessions that
		   change the same messages at once can rename it again
		   before this one, so a few times) */
		if ((ret = maildir_mail_refind(mbox, idx, error_r)) <= 0)
			break;
	}
	if (ret <= 0)
		return ret;
	rec->flags = new_flags;
	rec->keywords = new_keywords;
	if (maildir_fsync_dir(mbox, t_strconcat(mbox->path, "/cur", NULL),
			      false, error_r) < 0)
		return -1;
	return 1;
}

static const char *maildir_mailbox_get_dir(struct mailbox *box)
{
	return ((struct maildir_mailbox *)box)->path;
}

static const struct mailbox_vfuncs maildir_mailbox_vfuncs = {
	.open = maildir_mailbox_open,
	.close = maildir_mailbox_close,
	.sync = maildir_sync,
	.fill_record = maildir_fill_record,
	.open_mail_stream = maildir_open_mail_stream,
	.update_flags = maildir_update_flags,
	.flags_commit = maildir_flags_commit,
	.get_keywords = maildir_get_keywords,
	.keywords_lookup = maildir_keywords_lookup_names,
	.expunge_marked = maildir_expunge_marked,
	.get_dir = maildir_mailbox_get_dir,
	.get_notify_dirs = maildir_get_notify_dirs,
	.save_init = maildir_save_init,
	.save_write = maildir_save_write,
	.save_complete = maildir_save_complete,
	.save_finish = maildir_save_finish,
	.save_abort = maildir_save_abort,
	.copy = maildir_copy,
};

const struct mail_storage_backend maildir_storage_backend = {
	.name = "maildir",
	.name_sep = '.',
	.subscriptions_name = MAILBOX_LIST_SUBSCRIPTIONS_FILE,
	.location_check = maildir_location_check,
	.mailbox_alloc = maildir_mailbox_alloc,
	.v = &maildir_mailbox_vfuncs,
	.list_v = &maildir_list_vfuncs,
};
