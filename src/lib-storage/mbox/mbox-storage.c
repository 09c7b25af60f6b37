/* Copyright (c) Cove authors. See AUTHORS. */

/* The mbox backend: opening mailboxes, locking the file, reading
   messages, keywords, and the backend registration. Flag changes are
   kept as pending and written by mailbox_flags_commit() (the end of a
   STORE or FETCH that set \Seen), the next sync, expunge or close: one
   rewrite for a whole STORE 1:*, see mbox-sync.c. */

#include "lib.h"
#include "array.h"
#include "buffer.h"
#include "istream.h"
#include "file-util.h"
#include "mbox-list.h"
#include "mbox-private.h"

#include <fcntl.h>
#include <unistd.h>
#include <strings.h>
#include <sys/stat.h>

static int mbox_location_check(const struct mail_location *location,
			       const char **error_r)
{
	if (location->layout != NULL &&
	    strcasecmp(location->layout, "fs") != 0) {
		*error_r = t_strdup_printf("Unsupported mbox LAYOUT: %s",
					   location->layout);
		return -1;
	}
	return 0;
}

static struct mailbox *mbox_mailbox_alloc(pool_t pool)
{
	struct mbox_mailbox *mbox = p_new(pool, struct mbox_mailbox, 1);

	mbox->fd = -1;
	return &mbox->box;
}

/* Opens path, read-write unless box is read-only (or the file is not
   writable for us). Returns 1, 0 if it does not exist, -1 error. */
static int mbox_file_open(struct mbox_mailbox *mbox, const char **error_r)
{
	int flags = mailbox_is_readonly(&mbox->box) ? O_RDONLY : O_RDWR;

	mbox->fd = open(mbox->path, flags | O_CLOEXEC);
	if (mbox->fd == -1 && errno == EACCES && (flags & O_RDWR) != 0)
		mbox->fd = open(mbox->path, O_RDONLY | O_CLOEXEC);
	if (mbox->fd != -1)
		return 1;
	if (errno == ENOENT || errno == ENOTDIR)
		return 0;
	*error_r = t_strdup_printf("open(%s) failed: %m", mbox->path);
	return -1;
}

static int mbox_mailbox_open(struct mailbox *box, const char **error_r)
{
	struct mbox_mailbox *mbox = (struct mbox_mailbox *)box;
	const char *path, *index_dir, *error;
	struct stat st;
	bool inbox = strcmp(box->name, "INBOX") == 0;
	int ret;

	/* a name that cannot be a file cannot exist */
	if (mbox_list_get_path(box->user, box->name, &path, &error) < 0 ||
	    mbox_list_get_index_dir(box->user, box->name, &index_dir,
				    &error) < 0)
		return 0;
	mbox->path = p_strdup(box->pool, path);
	mbox->index_dir = p_strdup(box->pool, index_dir);
	if (inbox) {
		/* a missing INBOX is empty; it is created to be written */
		ret = mbox_file_open(mbox, error_r);
		if (ret == 0 && !mailbox_is_readonly(box)) {
			ret = mbox_list_create_inbox(box->user, error_r) < 0 ?
				-1 : mbox_file_open(mbox, error_r);
		}
		if (ret < 0)
			return -1;
	} else {
		if (stat(mbox->path, &st) < 0) {
			if (errno == ENOENT || errno == ENOTDIR)
				return 0;
			*error_r = t_strdup_printf("stat(%s) failed: %m",
						   mbox->path);
			return -1;
		}
		if (!S_ISREG(st.st_mode))
			return 0;
		if ((ret = mbox_file_open(mbox, error_r)) <= 0)
			return ret;
	}
	if (mkdir_parents(mbox->index_dir, 0700) < 0 && errno != EEXIST) {
		*error_r = t_strdup_printf("mkdir(%s) failed: %m",
					   mbox->index_dir);
		if (mbox->fd != -1)
			i_close_fd(&mbox->fd);
		return -1;
	}
	p_array_init(&mbox->keywords, box->pool, 8);
	i_array_init(&mbox->mails, 64);
	i_array_init(&mbox->pending, 16);
	i_array_init(&mbox->recent, 4);
	return 1;
}

static void mbox_mailbox_close(struct mailbox *box)
{
	struct mbox_mailbox *mbox = (struct mbox_mailbox *)box;
	const char *error;

	if (array_count(&mbox->pending) > 0 &&
	    mbox_rewrite(mbox, NULL, &error) < 0) {
		i_error("Writing flags to mbox %s failed: %s", mbox->path,
			error);
	}
	if (mbox->lock != NULL)
		mbox_unlock(&mbox->lock);
	if (mbox->fd != -1)
		i_close_fd(&mbox->fd);
	array_free(&mbox->mails);
	array_free(&mbox->pending);
	array_free(&mbox->recent);
}

int mbox_stamp_get(const char *path, struct mbox_stamp *stamp_r,
		   const char **error_r)
{
	struct stat st;

	i_zero(stamp_r);
	if (stat(path, &st) < 0) {
		if (errno == ENOENT)
			return 0;
		*error_r = t_strdup_printf("stat(%s) failed: %m", path);
		return -1;
	}
	mbox_stamp_from_stat(&st, stamp_r);
	return 1;
}

void mbox_stamp_from_stat(const struct stat *st, struct mbox_stamp *stamp_r)
{
	stamp_r->dev = st->st_dev;
	stamp_r->ino = st->st_ino;
	stamp_r->size = st->st_size;
	stamp_r->mtime_sec = st->st_mtim.tv_sec;
	stamp_r->mtime_nsec = st->st_mtim.tv_nsec;
}

bool mbox_stamp_equals(const struct mbox_stamp *s1,
		       const struct mbox_stamp *s2)
{
	return s1->dev == s2->dev && s1->ino == s2->ino &&
		s1->size == s2->size && s1->mtime_sec == s2->mtime_sec &&
		s1->mtime_nsec == s2->mtime_nsec;
}

/* Reopens the file if it was replaced (renamed over) or created since it
   was opened. Returns 0 or -1. */
static int mbox_file_reopen_if_replaced(struct mbox_mailbox *mbox,
					const char **error_r)
{
	struct stat st_path, st_fd;

	if (stat(mbox->path, &st_path) < 0) {
		if (errno == ENOENT)
			return 0;
		*error_r = t_strdup_printf("stat(%s) failed: %m", mbox->path);
		return -1;
	}
	if (mbox->fd != -1) {
		if (fstat(mbox->fd, &st_fd) < 0) {
			*error_r = t_strdup_printf("fstat(%s) failed: %m",
						   mbox->path);
			return -1;
		}
		if (st_fd.st_ino == st_path.st_ino &&
		    st_fd.st_dev == st_path.st_dev)
			return 0;
		i_close_fd(&mbox->fd);
	}
	return mbox_file_open(mbox, error_r) < 0 ? -1 : 0;
}

int mbox_file_lock(struct mbox_mailbox *mbox, enum mbox_lock_type type,
		   const char **error_r)
{
	const struct mail_storage_settings *set = mbox->box.user->set;
	struct stat st;
	int ret;

	i_assert(mbox->lock == NULL);
	if (mbox_file_reopen_if_replaced(mbox, error_r) < 0)
		return -1;
	if (mbox->fd == -1)
		return 1;
	/* a rewrite or append that a crash interrupted is dealt with
	   first */
	if (type == MBOX_LOCK_READ && !mailbox_is_readonly(&mbox->box) &&
	    stat(t_strconcat(mbox->index_dir, "/" MBOX_JOURNAL_NAME, NULL),
		 &st) == 0)
		type = MBOX_LOCK_WRITE;
	ret = mbox_lock(mbox->path, mbox->fd, type, set, &mbox->lock,
			error_r);
	if (ret <= 0)
		return ret;
	if (type == MBOX_LOCK_WRITE &&
	    mbox_journal_recover(mbox, error_r) < 0) {
		mbox_unlock(&mbox->lock);
		return -1;
	}
	return 1;
}

void mbox_file_unlock(struct mbox_mailbox *mbox)
{
	if (mbox->lock != NULL)
		mbox_unlock(&mbox->lock);
}

int mbox_file_read(struct mbox_mailbox *mbox, uoff_t offset, size_t size,
		   buffer_t **buf_r, const char **error_r)
{
	buffer_t *buf = buffer_create_dynamic(default_pool, size + 1);
	unsigned char *data = buffer_append_space_unsafe(buf, size);
	size_t pos = 0;
	ssize_t ret;

	while (pos < size) {
		ret = pread(mbox->fd, data + pos, size - pos,
			    (off_t)(offset + pos));
		if (ret <= 0) {
			if (ret == 0) {
				*error_r = t_strdup_printf(
					"mbox %s shrank while being read",
					mbox->path);
			} else {
				*error_r = t_strdup_printf(
					"pread(%s) failed: %m", mbox->path);
			}
			buffer_free(&buf);
			return -1;
		}
		pos += (size_t)ret;
	}
	*buf_r = buf;
	return 0;
}

static int mbox_mail_uid_cmp(const uint32_t *uid, const struct mbox_mail *mail)
{
	return *uid < mail->uid ? -1 : (*uid > mail->uid ? 1 : 0);
}

const struct mbox_mail *mbox_mail_lookup(struct mbox_mailbox *mbox,
					 uint32_t uid)
{
	return array_bsearch(&mbox->mails, &uid, mbox_mail_uid_cmp);
}

static void mbox_fill_record(const struct mailbox *box, unsigned int idx)
{
	struct mbox_mailbox *mbox = (struct mbox_mailbox *)box;
	struct mail_record *rec = array_idx_modifiable(&box->records, idx);
	const struct mbox_mail *mail = mbox_mail_lookup(mbox, rec->uid);

	if (mail == NULL)
		return;
	rec->physical_size = mail->physical_size;
	rec->virtual_size = mail->virtual_size;
	rec->received_date = mail->received_date;
}

static int mbox_open_mail_stream(struct mailbox *box, unsigned int idx,
				 struct istream **input_r,
				 const char **error_r)
{
	struct mbox_mailbox *mbox = (struct mbox_mailbox *)box;
	uint32_t uid = array_idx(&box->records, idx)->uid;
	const struct mbox_mail *mail;
	buffer_t *buf, *msg;
	int ret;

	ret = mbox_file_lock(mbox, MBOX_LOCK_READ, error_r);
	if (ret <= 0)
		return -1;
	if (mbox_sync_state(mbox, error_r) < 0) {
		mbox_file_unlock(mbox);
		return -1;
	}
	mail = mbox_mail_lookup(mbox, uid);
	if (mail == NULL) {
		mbox_file_unlock(mbox);
		return 0;
	}
	ret = mbox_file_read(mbox, mail->hdr_offset,
			     mail->end_offset - mail->hdr_offset, &buf,
			     error_r);
	mbox_file_unlock(mbox);
	if (ret < 0)
		return -1;
	msg = buffer_create_dynamic(default_pool, buf->used + 1);
	mbox_file_unquote(msg, buf->data, buf->used);
	*input_r = i_stream_create_from_data(msg->data, msg->used);
	buffer_free(&buf);
	buffer_free(&msg);
	return 1;
}

/* Adds the change of the bits of mask given by modify and set (the new
   bits for MODIFY_REPLACE) to *add and *remove, after what they hold. */
static void mbox_pending_modify(uint32_t *add, uint32_t *remove,
				uint32_t mask, enum modify_type modify,
				uint32_t set)
{
	uint32_t new_add = 0, new_remove = 0;

	switch (modify) {
	case MODIFY_ADD:
		new_add = set;
		break;
	case MODIFY_REMOVE:
		new_remove = set;
		break;
	case MODIFY_REPLACE:
		new_add = set;
		new_remove = mask & ~set;
		break;
	}
	*add = (*add & ~new_remove) | new_add;
	*remove = (*remove & ~new_add) | new_remove;
}

static void mbox_pending_add(struct mbox_mailbox *mbox, uint32_t uid,
			     enum modify_type modify, enum mail_flags flags,
			     const uint32_t *keywords)
{
	struct mbox_pending_flags *pending;
	unsigned int count = array_count(&mbox->pending);
	uint32_t add, remove;

	/* STORE goes in UID order: a message changed twice is usually
	   the last one */
	if (count > 0 && array_back(&mbox->pending)->uid == uid)
		pending = array_idx_modifiable(&mbox->pending, count - 1);
	else {
		pending = array_append_space(&mbox->pending);
		pending->uid = uid;
	}
	add = pending->flags_add;
	remove = pending->flags_remove;
	mbox_pending_modify(&add, &remove, MAIL_FLAGS_NONRECENT, modify,
			    flags & MAIL_FLAGS_NONRECENT);
	pending->flags_add = add;
	pending->flags_remove = remove;
	if (keywords != NULL) {
		mbox_pending_modify(&pending->keywords_add,
				    &pending->keywords_remove, UINT32_MAX,
				    modify, *keywords);
	}
}

static int mbox_update_flags(struct mailbox *box, unsigned int idx,
			     enum modify_type modify, enum mail_flags flags,
			     const uint32_t *keywords,
			     const char **error_r ATTR_UNUSED)
{
	struct mbox_mailbox *mbox = (struct mbox_mailbox *)box;
	struct mail_record *rec = array_idx_modifiable(&box->records, idx);

	rec->flags = mail_flags_modify(rec->flags, modify, flags);
	if (keywords != NULL)
		rec->keywords = mail_keywords_modify(rec->keywords, modify,
						     *keywords);
	mbox_pending_add(mbox, rec->uid, modify, flags, keywords);
	return 1;
}

static int mbox_flags_commit(struct mailbox *box, const char **error_r)
{
	struct mbox_mailbox *mbox = (struct mbox_mailbox *)box;

	if (array_count(&mbox->pending) == 0)
		return 0;
	return mbox_rewrite(mbox, NULL, error_r);
}

static const char *const *mbox_get_keywords(struct mailbox *box,
					    unsigned int *count_r)
{
	struct mbox_mailbox *mbox = (struct mbox_mailbox *)box;

	return array_get(&mbox->keywords, count_r);
}

/* Returns the index of name, adding it if there is room; -1 if not. */
static int mbox_keyword_find(struct mbox_mailbox *mbox, const char *name,
			     size_t len, bool add)
{
	const char *const *names;
	const char *new_name;
	unsigned int i, count;

	names = array_get(&mbox->keywords, &count);
	for (i = 0; i < count; i++) {
		if (strlen(names[i]) == len && memcmp(names[i], name, len) == 0)
			return (int)i;
	}
	if (!add || count >= MAIL_KEYWORDS_MAX)
		return -1;
	new_name = p_strndup(mbox->box.pool, name, len);
	array_push_back(&mbox->keywords, &new_name);
	return (int)count;
}

uint32_t mbox_keywords_parse(struct mbox_mailbox *mbox, const char *value)
{
	uint32_t mask = 0;
	size_t len;
	int idx;

	while (*value != '\0') {
		len = strcspn(value, " ,\t");
		if (len > 0 && len <= MAIL_KEYWORD_MAX_LEN) {
			idx = mbox_keyword_find(mbox, value, len, true);
			if (idx >= 0)
				mask |= 1U << idx;
		}
		value += len;
		value += strspn(value, " ,\t");
	}
	return mask;
}

const char *const *mbox_keywords_names(struct mbox_mailbox *mbox,
				       uint32_t mask)
{
	const char *const *names;
	const char **result;
	unsigned int i, count, n = 0;

	names = array_get(&mbox->keywords, &count);
	result = t_new(const char *, count + 1);
	for (i = 0; i < count; i++) {
		if ((mask & (1U << i)) != 0)
			result[n++] = names[i];
	}
	return result;
}

static int mbox_keywords_lookup(struct mailbox *box,
				const char *const *names, unsigned int count,
				uint32_t *keywords_r, const char **error_r)
{
	struct mbox_mailbox *mbox = (struct mbox_mailbox *)box;
	int idx;

	for (unsigned int i = 0; i < count; i++) {
		idx = mbox_keyword_find(mbox, names[i], strlen(names[i]),
					true);
		if (idx < 0) {
			*error_r = "Too many keywords in the mailbox";
			return 0;
		}
		*keywords_r |= 1U << idx;
	}
	return 1;
}

static const char *mbox_mailbox_get_dir(struct mailbox *box)
{
	return ((struct mbox_mailbox *)box)->index_dir;
}

static const char *const *mbox_get_notify_dirs(struct mailbox *box)
{
	const char *path = ((struct mbox_mailbox *)box)->path;
	const char *slash = strrchr(path, '/');
	const char **dirs = t_new(const char *, 2);

	dirs[0] = slash == NULL ? "." :
		slash == path ? "/" : t_strndup(path, slash - path);
	return dirs;
}

static const struct mailbox_vfuncs mbox_mailbox_vfuncs = {
	.open = mbox_mailbox_open,
	.close = mbox_mailbox_close,
	.sync = mbox_sync,
	.fill_record = mbox_fill_record,
	.open_mail_stream = mbox_open_mail_stream,
	.update_flags = mbox_update_flags,
	.flags_commit = mbox_flags_commit,
	.get_keywords = mbox_get_keywords,
	.keywords_lookup = mbox_keywords_lookup,
	.expunge_marked = mbox_expunge_marked,
	.get_dir = mbox_mailbox_get_dir,
	.get_notify_dirs = mbox_get_notify_dirs,
	.save_init = mbox_save_init,
	.save_write = mbox_save_write,
	.save_finish = mbox_save_finish,
	.save_abort = mbox_save_abort,
};

const struct mail_storage_backend mbox_storage_backend = {
	.name = "mbox",
	.name_sep = '/',
	.subscriptions_name = MBOX_LIST_SUBSCRIPTIONS_NAME,
	.location_check = mbox_location_check,
	.mailbox_alloc = mbox_mailbox_alloc,
	.v = &mbox_mailbox_vfuncs,
	.list_v = &mbox_list_vfuncs,
};
