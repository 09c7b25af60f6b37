/* Copyright (c) Cove authors. See AUTHORS. */

/* Maildir++ folders: mailbox "a.b" (storage name, UTF-8) is the
   directory "<root>/.a.b" with the name in modified UTF-7; INBOX is the
   root itself. A folder directory without cur/ is a parent kept only for
   its children (NOSELECT). Each new folder gets a UIDVALIDITY above every
   earlier one, from "<root>/cove-uidvalidity", so that a folder deleted
   and created again never repeats its old UIDVALIDITY.

   Deleting renames the directory out of the namespace ("..cove-trash-")
   first, so that a crash halfway leaves no half-deleted mailbox. */

#include "lib.h"
#include "array.h"
#include "str.h"
#include "strfuncs.h"
#include "file-util.h"
#include "imap-utf7.h"
#include "maildir-uidlist.h"
#include "maildir-storage.h"

#include <dirent.h>
#include <stdio.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAILDIR_LIST_UIDVALIDITY_FILE "cove-uidvalidity"
#define MAILDIR_LIST_TRASH_PREFIX "..cove-trash-"
/* Directory names are limited by the filesystem (NAME_MAX), and
   Maildir++ puts the whole hierarchy into one name. */
#define MAILDIR_LIST_MAX_DIR_NAME_LEN 250

static const char *const maildir_list_subdirs[] = { "cur", "new", "tmp" };

int maildir_list_get_path(struct mail_user *user, const char *name,
			  const char **path_r, const char **error_r)
{
	string_t *str;

	if (strcmp(name, "INBOX") == 0) {
		*path_r = user->location.inbox_path != NULL ?
			user->location.inbox_path : user->location.root;
		return 0;
	}
	str = t_str_new(128);
	str_append(str, user->location.root);
	str_append(str, "/.");
	if (imap_utf8_to_utf7(name, str) < 0) {
		*error_r = "Mailbox name is not valid UTF-8";
		return -1;
	}
	if (str_len(str) - strlen(user->location.root) - 1 >
	    MAILDIR_LIST_MAX_DIR_NAME_LEN) {
		*error_r = "Mailbox name too long";
		return -1;
	}
	*path_r = str_c(str);
	return 0;
}

/* Returns a directory entry's storage name, or NULL if it is not a
   folder (from the temporary frame). */
static const char *maildir_list_entry_name(const char *d_name)
{
	string_t *str;
	const char *name;

	if (d_name[0] != '.' || d_name[1] == '\0' || d_name[1] == '.')
		return NULL;
	str = t_str_new(64);
	if (imap_utf7_to_utf8(d_name + 1, str) < 0)
		return NULL;
	name = str_c(str);
	/* an empty component cannot be named by a client */
	if (name[strlen(name) - 1] == '.' || strstr(name, "..") != NULL ||
	    strcasecmp(name, "INBOX") == 0)
		return NULL;
	return name;
}

static int maildir_list_get_entries(struct mail_user *user, pool_t pool,
				    ARRAY_TYPE(mailbox_list_entry) *entries,
				    const char **error_r)
{
	const char *root = user->location.root;
	struct mailbox_list_entry *entry;
	struct dirent *d;
	struct stat st;
	DIR *dirp;
	int ret = 0;

	if ((dirp = opendir(root)) == NULL) {
		if (errno == ENOENT)
			return 0;
		*error_r = t_strdup_printf("opendir(%s) failed: %m", root);
		return -1;
	}
	errno = 0;
	while ((d = readdir(dirp)) != NULL) T_BEGIN {
		const char *name = maildir_list_entry_name(d->d_name);
		const char *path = t_strdup_printf("%s/%s", root, d->d_name);

		if (name != NULL && stat(path, &st) == 0 &&
		    S_ISDIR(st.st_mode)) {
			entry = array_append_space(entries);
			entry->name = p_strdup(pool, name);
			entry->noselect = stat(t_strconcat(path, "/cur", NULL),
					       &st) < 0;
		}
		errno = 0;
	} T_END;
	if (errno != 0) {
		*error_r = t_strdup_printf("readdir(%s) failed: %m", root);
		ret = -1;
	}
	(void)closedir(dirp);
	return ret;
}

/* Returns a UIDVALIDITY for a new folder: above every one given before
   and, when the clock allows, the current time. */
static int maildir_list_next_uidvalidity_locked(const char *path,
						uint32_t *uidvalidity_r,
						const char **error_r)
{
	uint32_t last = 0, now = (uint32_t)time(NULL);
	buffer_t *buf;
	bool enoent;

	if (file_read_all(path, datastack_pool, 64, &buf, &enoent,
			  error_r) < 0) {
		if (!enoent)
			return -1;
	} else if (str_to_uint32(t_strndup(buf->data,
			strcspn(t_strndup(buf->data, buf->used), "\n")),
			&last) < 0) {
		/* corrupt: the clock alone will do */
		last = 0;
	}
	*uidvalidity_r = I_MAX(now, last + 1);
	if (*uidvalidity_r == 0)
		*uidvalidity_r = 1;
	return mailbox_list_write_file(path, t_strdup_printf(
		"%u\n", *uidvalidity_r), error_r);
}

static int maildir_list_next_uidvalidity(struct mail_user *user,
					 uint32_t *uidvalidity_r,
					 const char **error_r)
{
	const char *path = t_strconcat(user->location.root, "/",
				       MAILDIR_LIST_UIDVALIDITY_FILE, NULL);
	struct file_dotlock *lock;
	int ret;

	if (mailbox_list_lock(path, &lock, error_r) < 0)
		return -1;
	ret = maildir_list_next_uidvalidity_locked(path, uidvalidity_r,
						   error_r);
	return mailbox_list_unlock(&lock, ret, error_r);
}

int maildir_list_init_uidlist(struct mail_user *user, const char *path,
			      const char **error_r)
{
	const char *uidlist = t_strconcat(path, "/", MAILDIR_UIDLIST_NAME,
					  NULL);
	struct file_dotlock *lock;
	uint32_t uidvalidity = 0;
	struct stat st;
	int ret = 0;

	if (stat(uidlist, &st) == 0)
		return 0;
	if (errno != ENOENT) {
		*error_r = t_strdup_printf("stat(%s) failed: %m", uidlist);
		return -1;
	}
	if (maildir_list_next_uidvalidity(user, &uidvalidity, error_r) < 0)
		return -1;
	/* Sessions opening a new mailbox at once all get here: the file is
	   created under the uidlist lock, and only if it is still missing
	   then. Otherwise a later session's empty list (with another
	   UIDVALIDITY) replaced the list an earlier one had already given
	   UIDs in. A UIDVALIDITY taken but not used is harmless (they only
	   need to grow); taking it first keeps the two locks unnested. */
	if (mailbox_list_lock(uidlist, &lock, error_r) < 0)
		return -1;
	if (stat(uidlist, &st) < 0) {
		if (errno != ENOENT) {
			*error_r = t_strdup_printf("stat(%s) failed: %m",
						   uidlist);
			ret = -1;
		} else {
			ret = mailbox_list_write_file(uidlist,
				t_strdup_printf("V%u N1\n", uidvalidity),
				error_r);
		}
	}
	return mailbox_list_unlock(&lock, ret, error_r);
}

static int maildir_list_create(struct mail_user *user, const char *name,
			       const char **error_r)
{
	const char *path, *dir;

	if (maildir_list_get_path(user, name, &path, error_r) < 0)
		return -1;
	if (mkdir_parents(path, 0700) < 0 && errno != EEXIST) {
		*error_r = t_strdup_printf("mkdir(%s) failed: %m", path);
		return -1;
	}
	/* the UID list first: cur/ makes the folder visible */
	if (maildir_list_init_uidlist(user, path, error_r) < 0)
		return -1;
	if (mailbox_list_write_file(t_strconcat(path, "/maildirfolder", NULL),
				    "", error_r) < 0)
		return -1;
	for (unsigned int i = N_ELEMENTS(maildir_list_subdirs); i > 0; i--) {
		dir = t_strdup_printf("%s/%s", path,
				      maildir_list_subdirs[i - 1]);
		if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
			*error_r = t_strdup_printf("mkdir(%s) failed: %m",
						   dir);
			return -1;
		}
	}
	return 0;
}

static int maildir_list_unlink_recursive(const char *path,
					 const char **error_r);

/* Removes every entry of the open directory path. */
static int maildir_list_unlink_entries(DIR *dirp, const char *path,
				       const char **error_r)
{
	string_t *child = t_str_new(256);
	struct dirent *d;
	int ret = 0;

	while (ret == 0 && (d = readdir(dirp)) != NULL) {
		if (strcmp(d->d_name, ".") == 0 || strcmp(d->d_name, "..") == 0)
			continue;
		str_truncate(child, 0);
		str_printfa(child, "%s/%s", path, d->d_name);
		ret = maildir_list_unlink_recursive(str_c(child), error_r);
	}
	return ret;
}

/* Removes path and everything below it. */
static int maildir_list_unlink_recursive(const char *path,
					 const char **error_r)
{
	struct stat st;
	DIR *dirp;
	int ret;

	if (lstat(path, &st) < 0) {
		if (errno == ENOENT)
			return 0;
		*error_r = t_strdup_printf("lstat(%s) failed: %m", path);
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		if (unlink(path) < 0 && errno != ENOENT) {
			*error_r = t_strdup_printf("unlink(%s) failed: %m",
						   path);
			return -1;
		}
		return 0;
	}
	if ((dirp = opendir(path)) == NULL) {
		*error_r = t_strdup_printf("opendir(%s) failed: %m", path);
		return -1;
	}
	ret = maildir_list_unlink_entries(dirp, path, error_r);
	(void)closedir(dirp);
	if (ret == 0 && rmdir(path) < 0 && errno != ENOENT) {
		*error_r = t_strdup_printf("rmdir(%s) failed: %m", path);
		ret = -1;
	}
	return ret;
}

/* Removes the mailbox's own files, keeping the directory (and so the
   children's place in the hierarchy) as a NOSELECT parent. */
static int maildir_list_delete_contents(const char *path,
					const char **error_r)
{
	DIR *dirp;
	int ret;

	/* cur/ first: without it the folder is NOSELECT at once */
	for (unsigned int i = 0; i < N_ELEMENTS(maildir_list_subdirs); i++) {
		if (maildir_list_unlink_recursive(t_strdup_printf("%s/%s",
				path, maildir_list_subdirs[i]), error_r) < 0)
			return -1;
	}
	if ((dirp = opendir(path)) == NULL) {
		*error_r = t_strdup_printf("opendir(%s) failed: %m", path);
		return -1;
	}
	ret = maildir_list_unlink_entries(dirp, path, error_r);
	(void)closedir(dirp);
	return ret;
}

static int maildir_list_delete(struct mail_user *user, const char *name,
			       bool keep_dir, const char **error_r)
{
	const char *path, *trash;

	if (maildir_list_get_path(user, name, &path, error_r) < 0)
		return -1;
	if (keep_dir)
		return maildir_list_delete_contents(path, error_r);
	trash = t_strdup_printf("%s/" MAILDIR_LIST_TRASH_PREFIX "%ld",
				user->location.root, (long)getpid());
	if (maildir_list_unlink_recursive(trash, error_r) < 0)
		return -1;
	if (rename(path, trash) < 0) {
		*error_r = t_strdup_printf("rename(%s, %s) failed: %m",
					   path, trash);
		return -1;
	}
	return maildir_list_unlink_recursive(trash, error_r);
}

/* Moves every message file of src_dir (cur/ or new/) into dest_dir. */
static int maildir_list_move_files(const char *src_dir, const char *dest_dir,
				   const char **error_r)
{
	string_t *src, *dest;
	struct dirent *d;
	DIR *dirp;
	int ret = 0;

	if ((dirp = opendir(src_dir)) == NULL) {
		if (errno == ENOENT)
			return 0;
		*error_r = t_strdup_printf("opendir(%s) failed: %m", src_dir);
		return -1;
	}
	src = t_str_new(256);
	dest = t_str_new(256);
	while (ret == 0 && (d = readdir(dirp)) != NULL) {
		if (d->d_name[0] == '.')
			continue;
		str_truncate(src, 0);
		str_printfa(src, "%s/%s", src_dir, d->d_name);
		str_truncate(dest, 0);
		str_printfa(dest, "%s/%s", dest_dir, d->d_name);
		if (rename(str_c(src), str_c(dest)) < 0 && errno != ENOENT) {
			*error_r = t_strdup_printf("rename(%s, %s) failed: %m",
						   str_c(src), str_c(dest));
			ret = -1;
		}
	}
	(void)closedir(dirp);
	return ret;
}

/* RFC 3501 6.3.5: renaming INBOX moves its messages into a new mailbox
   and leaves INBOX empty; its children stay where they are. The messages
   get new UIDs in the new mailbox. */
static int maildir_list_rename_inbox(struct mail_user *user,
				     const char *new_name,
				     const char **error_r)
{
	const char *inbox, *path;

	if (maildir_list_create(user, new_name, error_r) < 0 ||
	    maildir_list_get_path(user, "INBOX", &inbox, error_r) < 0 ||
	    maildir_list_get_path(user, new_name, &path, error_r) < 0)
		return -1;
	if (maildir_list_move_files(t_strconcat(inbox, "/new", NULL),
				    t_strconcat(path, "/new", NULL),
				    error_r) < 0 ||
	    maildir_list_move_files(t_strconcat(inbox, "/cur", NULL),
				    t_strconcat(path, "/cur", NULL),
				    error_r) < 0)
		return -1;
	return 0;
}

static int maildir_list_rename(struct mail_user *user, const char *old_name,
			       const char *new_name, const char **error_r)
{
	ARRAY_TYPE(mailbox_list_entry) entries;
	const char *old_path, *new_path, *suffix;
	size_t old_len = strlen(old_name);
	pool_t pool;
	int ret;

	if (strcmp(old_name, "INBOX") == 0)
		return maildir_list_rename_inbox(user, new_name, error_r);

	if (maildir_list_get_path(user, old_name, &old_path, error_r) < 0 ||
	    maildir_list_get_path(user, new_name, &new_path, error_r) < 0)
		return -1;
	if (rename(old_path, new_path) < 0) {
		*error_r = t_strdup_printf("rename(%s, %s) failed: %m",
					   old_path, new_path);
		return -1;
	}
	/* the children are directories of their own in Maildir++ */
	pool = pool_alloconly_create("maildir rename", 1024);
	t_array_init(&entries, 16);
	ret = maildir_list_get_entries(user, pool, &entries, error_r);
	array_foreach(&entries, entry) {
		if (ret < 0)
			break;
		if (strncmp(entry->name, old_name, old_len) != 0 ||
		    entry->name[old_len] != '.')
			continue;
		suffix = entry->name + old_len;
		if (maildir_list_get_path(user, entry->name, &old_path,
					  error_r) < 0 ||
		    maildir_list_get_path(user, t_strconcat(new_name, suffix,
				NULL), &new_path, error_r) < 0) {
			ret = -1;
		} else if (rename(old_path, new_path) < 0) {
			*error_r = t_strdup_printf(
				"rename(%s, %s) failed: %m",
				old_path, new_path);
			ret = -1;
		}
	}
	pool_unref(&pool);
	return ret;
}

const struct mailbox_list_vfuncs maildir_list_vfuncs = {
	.get_entries = maildir_list_get_entries,
	.create = maildir_list_create,
	.delete = maildir_list_delete,
	.rename = maildir_list_rename,
};
