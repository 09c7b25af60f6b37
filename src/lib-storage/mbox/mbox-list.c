/* Copyright (c) Cove authors. See AUTHORS. */

/* mbox folders: mailbox "a/b" (storage name, UTF-8, '/' separated) is the
   file "<root>/a/b" with each name in modified UTF-7, as Dovecot keeps
   them; a directory is a parent kept only for its children (NOSELECT),
   and a file cannot have children. INBOX is the file of INBOX= (default
   "<root>/inbox"), usually in a spool directory; a file "inbox" in the
   root is never listed as another mailbox. Dotfiles (the index directory
   ".imap", ".subscriptions", temporary files) and "*.lock" dotlocks are
   not mailboxes. INBOX's file is created when it is missing, in a spool
   directory with mail_privileged_group (mbox_list_create_inbox()).

   The index of mailbox "a/b" lives in "<root>/.imap/a/b/" (or
   "<INDEX>/a/b/" with INDEX= in the location), so the index
   directory of a parent holds its children's: deleting removes only the
   files of the mailbox's own index directory, renaming moves the whole
   directory with the mailbox. An index is a cache that the storage
   rebuilds, so failing to move it is no error. */

#include "lib.h"
#include "array.h"
#include "str.h"
#include "file-util.h"
#include "imap-utf7.h"
#include "mbox-lock.h"
#include "mbox-list.h"

#include <dirent.h>
#include <fcntl.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

/* How deep get_entries() follows directories (and symlinks to them). */
#define MBOX_LIST_MAX_DEPTH 32
#define MBOX_LIST_COPY_BUF_SIZE (64 * 1024)

/* Appends name in modified UTF-7 to str. Returns 0, or -1 with error_r
   if it is not a name that can be a path below the root. */
static int mbox_list_append_name(string_t *str, const char *name,
				 const char **error_r)
{
	if (name[0] == '.' || name[0] == '/' ||
	    strstr(name, "/.") != NULL || strstr(name, "//") != NULL) {
		*error_r = "Mailbox name component may not begin with '.'";
		return -1;
	}
	if (imap_utf8_to_utf7(name, str) < 0) {
		*error_r = "Mailbox name is not valid UTF-8";
		return -1;
	}
	return 0;
}

int mbox_list_get_path(struct mail_user *user, const char *name,
		       const char **path_r, const char **error_r)
{
	string_t *str;

	if (strcmp(name, "INBOX") == 0) {
		*path_r = user->location.inbox_path != NULL ?
			user->location.inbox_path :
			t_strconcat(user->location.root, "/",
				    MBOX_LIST_DEFAULT_INBOX_NAME, NULL);
		return 0;
	}
	str = t_str_new(128);
	str_printfa(str, "%s/", user->location.root);
	if (mbox_list_append_name(str, name, error_r) < 0)
		return -1;
	*path_r = str_c(str);
	return 0;
}

int mbox_list_get_index_dir(struct mail_user *user, const char *name,
			    const char **dir_r, const char **error_r)
{
	const char *index_root = user->location.index_path;
	string_t *str = t_str_new(128);

	/* Dovecot's INDEX=MEMORY (no index files) is taken as the
	   default */
	if (index_root != NULL && strcmp(index_root, "MEMORY") != 0) {
		str_printfa(str, "%s/", index_root);
	} else {
		str_printfa(str, "%s/" MBOX_LIST_INDEX_DIR_NAME "/",
			    user->location.root);
	}
	if (strcmp(name, "INBOX") == 0)
		str_append(str, "INBOX");
	else if (mbox_list_append_name(str, name, error_r) < 0)
		return -1;
	*dir_r = str_c(str);
	return 0;
}

/* Creates INBOX's file path, mode 0600, with group gid gained (see
   mbox_lock_privileged_get()); the file gets group gid unless it is
   (gid_t)-1. Returns 1, 0 if it exists already, -1 error. */
static int mbox_list_create_inbox_file(const char *path, gid_t gid,
				       const char **error_r)
{
	struct stat st;
	gid_t old_gid;
	int fd, ret = 1;

	if (mbox_lock_privileged_begin(gid, &old_gid, error_r) < 0)
		return -1;
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd == -1) {
		ret = errno == EEXIST ? 0 : -1;
		*error_r = t_strdup_printf("open(%s) failed: %m", path);
	} else if (gid != (gid_t)-1 &&
		   (fstat(fd, &st) < 0 ||
		    (st.st_gid != gid && fchown(fd, (uid_t)-1, gid) < 0))) {
		*error_r = t_strdup_printf("fchown(%s, -1, %ld) failed: %m",
					   path, (long)gid);
		ret = -1;
	}
	if (fd != -1 && close(fd) < 0 && ret > 0) {
		*error_r = t_strdup_printf("close(%s) failed: %m", path);
		ret = -1;
	}
	/* never leave a file that others could not use */
	if (fd != -1 && ret < 0)
		(void)unlink(path);
	mbox_lock_privileged_end(old_gid);
	return ret;
}

int mbox_list_create_inbox(struct mail_user *user, const char **error_r)
{
	const char *path, *slash, *dir, *error, *hint = "";
	gid_t gid;
	int ret = 0;

	if (mbox_list_get_path(user, "INBOX", &path, error_r) < 0)
		return -1;
	slash = strrchr(path, '/');
	dir = slash == NULL || slash == path ? NULL :
		t_strndup(path, slash - path);
	if (dir != NULL && mkdir_parents(dir, 0700) < 0 && errno != EEXIST) {
		error = t_strdup_printf("mkdir(%s) failed: %m", dir);
		ret = -1;
	}
	if (ret == 0)
		ret = mbox_lock_privileged_get(path, user->set, &gid, &error);
	if (ret == 0) {
		hint = " (the directory is not writable for the user, and "
			"mail_privileged_group is not set)";
	}
	if (ret >= 0)
		ret = mbox_list_create_inbox_file(path, gid, &error);
	if (ret < 0) {
		*error_r = t_strdup_printf("Can't create INBOX %s for user %s: "
					   "%s%s", path, user->username,
					   error, hint);
		return -1;
	}
	return ret;
}

/* Whether directory entry d_name (top: in the root) is no mailbox. */
static bool mbox_list_is_hidden(const char *d_name, bool top)
{
	size_t len = strlen(d_name);

	return d_name[0] == '.' ||
		(len >= 5 && strcmp(d_name + len - 5, ".lock") == 0) ||
		(top && strcasecmp(d_name, MBOX_LIST_DEFAULT_INBOX_NAME) == 0);
}

static int mbox_list_scan(const char *dir, const char *prefix,
			  unsigned int depth, pool_t pool,
			  ARRAY_TYPE(mailbox_list_entry) *entries,
			  const char **error_r);

/* Adds the entry d_name of dir (and a directory's children). */
static int mbox_list_scan_entry(const char *dir, const char *prefix,
				const char *d_name, unsigned int depth,
				pool_t pool,
				ARRAY_TYPE(mailbox_list_entry) *entries,
				const char **error_r)
{
	struct mailbox_list_entry *entry;
	const char *path, *name;
	string_t *utf8;
	struct stat st;

	utf8 = t_str_new(64);
	str_append(utf8, prefix);
	if (mbox_list_is_hidden(d_name, prefix[0] == '\0') ||
	    imap_utf7_to_utf8(d_name, utf8) < 0)
		return 0;
	path = t_strconcat(dir, "/", d_name, NULL);
	/* gone meanwhile, or a dangling symlink: not a mailbox */
	if (stat(path, &st) < 0 ||
	    (!S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)))
		return 0;
	name = p_strdup(pool, str_c(utf8));
	entry = array_append_space(entries);
	entry->name = name;
	entry->noselect = S_ISDIR(st.st_mode);
	if (!entry->noselect || depth >= MBOX_LIST_MAX_DEPTH)
		return 0;
	return mbox_list_scan(path, t_strconcat(name, "/", NULL), depth + 1,
			      pool, entries, error_r);
}

/* Adds the mailboxes in dir, their names starting with prefix. */
static int mbox_list_scan(const char *dir, const char *prefix,
			  unsigned int depth, pool_t pool,
			  ARRAY_TYPE(mailbox_list_entry) *entries,
			  const char **error_r)
{
	struct dirent *d;
	DIR *dirp;
	int ret = 0;

	if ((dirp = opendir(dir)) == NULL) {
		if (errno == ENOENT)
			return 0;
		*error_r = t_strdup_printf("opendir(%s) failed: %m", dir);
		return -1;
	}
	errno = 0;
	while (ret == 0 && (d = readdir(dirp)) != NULL) {
		ret = mbox_list_scan_entry(dir, prefix, d->d_name, depth, pool,
					   entries, error_r);
		errno = 0;
	}
	if (ret == 0 && errno != 0) {
		*error_r = t_strdup_printf("readdir(%s) failed: %m", dir);
		ret = -1;
	}
	(void)closedir(dirp);
	return ret;
}

static int mbox_list_get_entries(struct mail_user *user, pool_t pool,
				 ARRAY_TYPE(mailbox_list_entry) *entries,
				 const char **error_r)
{
	return mbox_list_scan(user->location.root, "", 0, pool, entries,
			      error_r);
}

/* Creates the directories above path. */
static int mbox_list_mkdir_parent(const char *path, const char **error_r)
{
	const char *dir = t_strndup(path, strrchr(path, '/') - path);

	if (mkdir_parents(dir, 0700) < 0 && errno != EEXIST) {
		*error_r = errno == ENOTDIR ?
			"Mailbox doesn't allow inferior mailboxes" :
			t_strdup_printf("mkdir(%s) failed: %m", dir);
		return -1;
	}
	return 0;
}

static int mbox_list_create(struct mail_user *user, const char *name,
			    const char **error_r)
{
	const char *path;
	int fd;

	if (mbox_list_get_path(user, name, &path, error_r) < 0 ||
	    mbox_list_mkdir_parent(path, error_r) < 0)
		return -1;
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	if (fd < 0) {
		if (errno == EEXIST)
			*error_r = "Mailbox already exists";
		else if (errno == ENOTDIR)
			*error_r = "Mailbox doesn't allow inferior mailboxes";
		else
			*error_r = t_strdup_printf("open(%s) failed: %m", path);
		return -1;
	}
	if (close(fd) < 0) {
		*error_r = t_strdup_printf("close(%s) failed: %m", path);
		return -1;
	}
	return 0;
}

static int mbox_list_create_dir(struct mail_user *user, const char *name,
				const char **error_r)
{
	const char *path;

	if (mbox_list_get_path(user, name, &path, error_r) < 0)
		return -1;
	if (mkdir_parents(path, 0700) < 0) {
		*error_r = errno == ENOTDIR || errno == EEXIST ?
			"Mailbox doesn't allow inferior mailboxes" :
			t_strdup_printf("mkdir(%s) failed: %m", path);
		return -1;
	}
	return 0;
}

/* Removes the files of index directory dir (not its subdirectories: the
   children's indexes), and dir if it is then empty. */
static int mbox_list_delete_index(const char *dir, const char **error_r)
{
	string_t *path = t_str_new(256);
	struct dirent *d;
	struct stat st;
	DIR *dirp;
	int ret = 0;

	if ((dirp = opendir(dir)) == NULL) {
		if (errno == ENOENT)
			return 0;
		*error_r = t_strdup_printf("opendir(%s) failed: %m", dir);
		return -1;
	}
	while (ret == 0 && (d = readdir(dirp)) != NULL) {
		str_truncate(path, 0);
		str_printfa(path, "%s/%s", dir, d->d_name);
		if (lstat(str_c(path), &st) < 0 || S_ISDIR(st.st_mode))
			continue;
		if (unlink(str_c(path)) < 0 && errno != ENOENT) {
			*error_r = t_strdup_printf("unlink(%s) failed: %m",
						   str_c(path));
			ret = -1;
		}
	}
	(void)closedir(dirp);
	if (ret == 0 && rmdir(dir) < 0 && errno != ENOTEMPTY &&
	    errno != EEXIST && errno != ENOENT) {
		*error_r = t_strdup_printf("rmdir(%s) failed: %m", dir);
		ret = -1;
	}
	return ret;
}

/* keep_dir is never set: an mbox file has no children, and the generic
   code refuses to delete a directory that has some. */
static int mbox_list_delete(struct mail_user *user, const char *name,
			    bool keep_dir ATTR_UNUSED, const char **error_r)
{
	const char *path, *index_dir;
	struct stat st;

	if (mbox_list_get_path(user, name, &path, error_r) < 0 ||
	    mbox_list_get_index_dir(user, name, &index_dir, error_r) < 0)
		return -1;
	if (lstat(path, &st) < 0) {
		*error_r = t_strdup_printf("lstat(%s) failed: %m", path);
		return -1;
	}
	if (S_ISDIR(st.st_mode) ? rmdir(path) < 0 : unlink(path) < 0) {
		*error_r = t_strdup_printf("%s(%s) failed: %m",
			S_ISDIR(st.st_mode) ? "rmdir" : "unlink", path);
		return -1;
	}
	return mbox_list_delete_index(index_dir, error_r);
}

/* Copies all of fd_in to the end of fd_out. */
static int mbox_list_copy_fd(int fd_in, const char *in_path, int fd_out,
			     const char *out_path, const char **error_r)
{
	unsigned char *buf = t_malloc(MBOX_LIST_COPY_BUF_SIZE);
	ssize_t ret;

	while ((ret = read(fd_in, buf, MBOX_LIST_COPY_BUF_SIZE)) > 0) {
		if (write_full(fd_out, buf, (size_t)ret) < 0) {
			*error_r = t_strdup_printf("write(%s) failed: %m",
						   out_path);
			return -1;
		}
	}
	if (ret < 0) {
		*error_r = t_strdup_printf("read(%s) failed: %m", in_path);
		return -1;
	}
	return 0;
}

/* Moves the messages of the locked INBOX (fd) into the new, empty mailbox
   new_path, then empties INBOX. A crash in between leaves the messages in
   both, never in neither. */
static int mbox_list_move_inbox(struct mail_user *user, int fd,
				const char *inbox, const char *new_path,
				const char **error_r)
{
	int fd_out, ret;

	fd_out = open(new_path, O_WRONLY | O_APPEND);
	if (fd_out < 0) {
		*error_r = t_strdup_printf("open(%s) failed: %m", new_path);
		return -1;
	}
	ret = mbox_list_copy_fd(fd, inbox, fd_out, new_path, error_r);
	if (ret == 0 && user->fsync_mode != MAIL_STORAGE_FSYNC_NEVER &&
	    fdatasync(fd_out) < 0) {
		*error_r = t_strdup_printf("fdatasync(%s) failed: %m",
					   new_path);
		ret = -1;
	}
	if (close(fd_out) < 0 && ret == 0) {
		*error_r = t_strdup_printf("close(%s) failed: %m", new_path);
		ret = -1;
	}
	if (ret == 0 && ftruncate(fd, 0) < 0) {
		*error_r = t_strdup_printf("ftruncate(%s) failed: %m", inbox);
		ret = -1;
	}
	return ret;
}

/* RFC 3501 6.3.5: renaming INBOX moves its messages into a new mailbox
   and leaves INBOX empty. The file is changed under the mbox write lock,
   as every other writer of the spool does. */
static int mbox_list_rename_inbox(struct mail_user *user,
				  const char *new_name, const char **error_r)
{
	const char *inbox, *new_path;
	struct mbox_lock *lock;
	int fd, ret;

	if (mbox_list_get_path(user, "INBOX", &inbox, error_r) < 0 ||
	    mbox_list_get_path(user, new_name, &new_path, error_r) < 0 ||
	    mbox_list_create(user, new_name, error_r) < 0)
		return -1;
	fd = open(inbox, O_RDWR);
	if (fd < 0) {
		if (errno == ENOENT)
			return 0;
		*error_r = t_strdup_printf("open(%s) failed: %m", inbox);
		(void)unlink(new_path);
		return -1;
	}
	ret = mbox_lock(inbox, fd, MBOX_LOCK_WRITE, user->set, &lock,
			error_r);
	if (ret > 0) {
		ret = mbox_list_move_inbox(user, fd, inbox, new_path,
					   error_r) < 0 ? -1 : 1;
		mbox_unlock(&lock);
	}
	i_close_fd(&fd);
	if (ret <= 0) {
		(void)unlink(new_path);
		return -1;
	}
	return 0;
}

/* Moves the index of old_name (and its children's) to new_name. A failure
   only costs a rebuild: the old index is removed then. */
static void mbox_list_rename_index(struct mail_user *user,
				   const char *old_name, const char *new_name)
{
	const char *old_dir, *new_dir, *error;

	if (mbox_list_get_index_dir(user, old_name, &old_dir, &error) < 0 ||
	    mbox_list_get_index_dir(user, new_name, &new_dir, &error) < 0)
		return;
	/* a leftover of a mailbox once called new_name must not be taken
	   for the renamed one's */
	if (mbox_list_delete_index(new_dir, &error) < 0 ||
	    mbox_list_mkdir_parent(new_dir, &error) < 0 ||
	    (rename(old_dir, new_dir) < 0 && errno != ENOENT))
		(void)mbox_list_delete_index(old_dir, &error);
}

static int mbox_list_rename(struct mail_user *user, const char *old_name,
			    const char *new_name, const char **error_r)
{
	const char *old_path, *new_path;

	if (strcmp(old_name, "INBOX") == 0)
		return mbox_list_rename_inbox(user, new_name, error_r);
	if (mbox_list_get_path(user, old_name, &old_path, error_r) < 0 ||
	    mbox_list_get_path(user, new_name, &new_path, error_r) < 0 ||
	    mbox_list_mkdir_parent(new_path, error_r) < 0)
		return -1;
	/* a directory moves with its children */
	if (rename(old_path, new_path) < 0) {
		*error_r = t_strdup_printf("rename(%s, %s) failed: %m",
					   old_path, new_path);
		return -1;
	}
	mbox_list_rename_index(user, old_name, new_name);
	return 0;
}

const struct mailbox_list_vfuncs mbox_list_vfuncs = {
	.get_entries = mbox_list_get_entries,
	.create = mbox_list_create,
	.create_dir = mbox_list_create_dir,
	.delete = mbox_list_delete,
	.rename = mbox_list_rename,
};
