/* Copyright (c) Cove authors. See AUTHORS. */

/* mbox locking (see mbox-lock.h). The methods of a lock are taken in the
   configured order against one deadline and released in reverse order,
   so that two Cove processes (and Postfix's local, which takes dotlock then
   fcntl) cannot deadlock on each other. fcntl and flock are polled with
   non-blocking calls, backing off up to MBOX_LOCK_RETRY_MAX_USECS, so that
   the deadline holds without signals. */

#include "lib.h"
#include "file-dotlock.h"
#include "restrict-access.h"
#include "mbox-lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#define MBOX_LOCK_RETRY_MIN_USECS 1000
#define MBOX_LOCK_RETRY_MAX_USECS 100000

enum mbox_lock_method {
	MBOX_LOCK_METHOD_DOTLOCK,
	MBOX_LOCK_METHOD_DOTLOCK_TRY,
	MBOX_LOCK_METHOD_FCNTL,
	MBOX_LOCK_METHOD_FLOCK,

	MBOX_LOCK_METHOD_COUNT
};

static const char *const mbox_lock_method_names[MBOX_LOCK_METHOD_COUNT] = {
	[MBOX_LOCK_METHOD_DOTLOCK] = "dotlock",
	[MBOX_LOCK_METHOD_DOTLOCK_TRY] = "dotlock_try",
	[MBOX_LOCK_METHOD_FCNTL] = "fcntl",
	[MBOX_LOCK_METHOD_FLOCK] = "flock",
};

struct mbox_lock {
	char *path;
	int fd;
	enum mbox_lock_type type;
	/* Methods in the order they were taken. */
	enum mbox_lock_method methods[MBOX_LOCK_METHOD_COUNT];
	unsigned int method_count;

	struct file_dotlock *dotlock;
	/* The group that the dotlock is created and removed with, or
	   (gid_t)-1 for our own. */
	gid_t dotlock_gid;
};

/* Parses methods into methods_r (MBOX_LOCK_METHOD_COUNT entries).
   Returns the number of methods, or -1 with error_r. */
static int mbox_lock_methods_parse(const char *methods,
				   enum mbox_lock_method *methods_r,
				   const char **error_r)
{
	const char *const *names = t_strsplit_spaces(methods, " ,");
	bool seen[MBOX_LOCK_METHOD_COUNT] = { false };
	unsigned int i, count = 0;

	for (; *names != NULL; names++) {
		for (i = 0; i < MBOX_LOCK_METHOD_COUNT; i++) {
			if (strcmp(*names, mbox_lock_method_names[i]) == 0)
				break;
		}
		if (i == MBOX_LOCK_METHOD_COUNT) {
			*error_r = t_strdup_printf(
				"Unknown mbox lock method: %s", *names);
			return -1;
		}
		/* dotlock and dotlock_try are the same lock */
		if (seen[i] || (i <= MBOX_LOCK_METHOD_DOTLOCK_TRY &&
				(seen[MBOX_LOCK_METHOD_DOTLOCK] ||
				 seen[MBOX_LOCK_METHOD_DOTLOCK_TRY]))) {
			*error_r = t_strdup_printf(
				"mbox lock method listed twice: %s", *names);
			return -1;
		}
		seen[i] = true;
		methods_r[count++] = i;
	}
	return (int)count;
}

int mbox_lock_methods_check(const char *methods, const char **error_r)
{
	enum mbox_lock_method parsed[MBOX_LOCK_METHOD_COUNT];

	return mbox_lock_methods_parse(methods, parsed, error_r) < 0 ? -1 : 0;
}

static void mbox_lock_stale_dotlock(const char *lock_path,
				    const char *reason,
				    void *context ATTR_UNUSED)
{
	i_warning("Removed stale mbox dotlock %s: %s", lock_path, reason);
}

int mbox_lock_privileged_get(const char *path,
			     const struct mail_storage_settings *set,
			     gid_t *gid_r, const char **error_r)
{
	const char *p = strrchr(path, '/');
	const char *dir = p == NULL ? "." :
		(p == path ? "/" : t_strndup(path, p - path));
	struct stat st;
	bool writable;
	gid_t gid;
	int ret;

	*gid_r = (gid_t)-1;
	writable = euidaccess(dir, W_OK) == 0;
	if (!writable && errno != EACCES) {
		/* e.g. missing: creating the file reports it */
		return 1;
	}
	if (set->mail_privileged_group[0] == '\0')
		return writable ? 1 : 0;
	ret = restrict_access_lookup_group(set->mail_privileged_group, &gid,
					   error_r);
	if (ret == 0) {
		*error_r = t_strdup_printf(
			"mail_privileged_group %s does not exist",
			set->mail_privileged_group);
	}
	if (ret <= 0)
		return -1;
	if (writable) {
		if (stat(dir, &st) < 0) {
			*error_r = t_strdup_printf("stat(%s) failed: %m", dir);
			return -1;
		}
		/* writable for us only as a member of the group */
		if (st.st_gid != gid || st.st_uid == geteuid() ||
		    (st.st_mode & S_IWOTH) != 0)
			return 1;
	}
	*gid_r = gid;
	return 1;
}

/* Whether gid is our effective gid or one of our supplementary groups. */
static bool mbox_lock_have_group(gid_t gid)
{
	bool found = false;
	int count;

	if (getegid() == gid)
		return true;
	count = getgroups(0, NULL);
	if (count <= 0)
		return false;
	T_BEGIN {
		gid_t *groups = t_new(gid_t, (size_t)count);

		count = getgroups(count, groups);
		for (int i = 0; i < count && !found; i++)
			found = groups[i] == gid;
	} T_END;
	return found;
}

int mbox_lock_privileged_begin(gid_t gid, gid_t *old_gid_r,
			       const char **error_r)
{
	*old_gid_r = getegid();
	if (gid == (gid_t)-1 || mbox_lock_have_group(gid))
		return 0;
	if (setegid(gid) < 0) {
		*error_r = t_strdup_printf(
			"setegid(%ld) failed: %m (the process does not have "
			"mail_privileged_group as its real or saved gid)",
			(long)gid);
		return -1;
	}
	return 0;
}

void mbox_lock_privileged_end(gid_t old_gid)
{
	/* continuing with the wrong group would be unsafe */
	if (getegid() != old_gid && setegid(old_gid) < 0)
		i_panic("setegid(%ld) failed: %m", (long)old_gid);
}

static int mbox_lock_dotlock(struct mbox_lock *lock,
			     enum mbox_lock_method method,
			     const struct mail_storage_settings *set,
			     time_t deadline, const char **error_r)
{
	time_t now = time(NULL);
	const struct file_dotlock_settings dset = {
		.timeout_secs = deadline > now ?
			(unsigned int)(deadline - now) : 0,
		.stale_secs = set->mbox_dotlock_change_timeout,
		.stale_callback = mbox_lock_stale_dotlock,
	};
	gid_t old_gid;
	int ret;

	ret = mbox_lock_privileged_get(lock->path, set, &lock->dotlock_gid,
				       error_r);
	if (ret == 0 && method == MBOX_LOCK_METHOD_DOTLOCK_TRY) {
		/* no permission to dotlock: the other methods suffice */
		return 1;
	}
	if (ret < 0 ||
	    mbox_lock_privileged_begin(lock->dotlock_gid, &old_gid,
				       error_r) < 0)
		return -1;
	ret = file_dotlock_create_set(lock->path, &dset, &lock->dotlock,
				      error_r);
	mbox_lock_privileged_end(old_gid);
	return ret;
}

static void mbox_unlock_dotlock(struct mbox_lock *lock)
{
	const char *error;
	gid_t old_gid;

	if (lock->dotlock == NULL)
		return;
	if (mbox_lock_privileged_begin(lock->dotlock_gid, &old_gid,
				       &error) < 0) {
		i_error("Can't remove dotlock of %s: %s", lock->path, error);
		return;
	}
	if (file_dotlock_delete(&lock->dotlock, &error) < 0)
		i_warning("mbox %s: %s", lock->path, error);
	mbox_lock_privileged_end(old_gid);
}

/* Tries an fcntl or flock lock once. Returns 1 locked, 0 held by someone
   else, -1 error. */
static int mbox_lock_fd_try(struct mbox_lock *lock,
			    enum mbox_lock_method method,
			    const char **error_r)
{
	struct flock fl;
	int ret;

	if (method == MBOX_LOCK_METHOD_FLOCK) {
		ret = flock(lock->fd, LOCK_NB | (lock->type == MBOX_LOCK_READ ?
						 LOCK_SH : LOCK_EX));
	} else {
		i_zero(&fl);
		fl.l_type = lock->type == MBOX_LOCK_READ ? F_RDLCK : F_WRLCK;
		fl.l_whence = SEEK_SET;
		ret = fcntl(lock->fd, F_SETLK, &fl);
	}
	if (ret == 0)
		return 1;
	if (errno == EAGAIN || errno == EACCES || errno == EWOULDBLOCK ||
	    errno == EINTR)
		return 0;
	*error_r = t_strdup_printf("%s(%s) failed: %m",
				   mbox_lock_method_names[method], lock->path);
	return -1;
}

/* The error for an fcntl or flock lock still held at the deadline. */
static const char *mbox_lock_fd_timeout_error(struct mbox_lock *lock,
					      enum mbox_lock_method method)
{
	struct flock fl;

	i_zero(&fl);
	fl.l_type = lock->type == MBOX_LOCK_READ ? F_RDLCK : F_WRLCK;
	fl.l_whence = SEEK_SET;
	if (method == MBOX_LOCK_METHOD_FCNTL &&
	    fcntl(lock->fd, F_GETLK, &fl) == 0 && fl.l_type != F_UNLCK) {
		return t_strdup_printf(
			"Timed out waiting for fcntl lock of %s "
			"(held by pid %ld)", lock->path, (long)fl.l_pid);
	}
	return t_strdup_printf("Timed out waiting for %s lock of %s",
			       mbox_lock_method_names[method], lock->path);
}

static int mbox_lock_fd(struct mbox_lock *lock, enum mbox_lock_method method,
			time_t deadline, const char **error_r)
{
	unsigned int usecs = MBOX_LOCK_RETRY_MIN_USECS;
	int ret;

	while ((ret = mbox_lock_fd_try(lock, method, error_r)) == 0) {
		if (time(NULL) >= deadline) {
			*error_r = mbox_lock_fd_timeout_error(lock, method);
			return 0;
		}
		usleep(usecs);
		usecs = I_MIN(usecs * 2, MBOX_LOCK_RETRY_MAX_USECS);
	}
	return ret;
}

static void mbox_unlock_fd(struct mbox_lock *lock,
			   enum mbox_lock_method method)
{
	struct flock fl;
	int ret;

	if (method == MBOX_LOCK_METHOD_FLOCK)
		ret = flock(lock->fd, LOCK_UN);
	else {
		i_zero(&fl);
		fl.l_type = F_UNLCK;
		fl.l_whence = SEEK_SET;
		ret = fcntl(lock->fd, F_SETLK, &fl);
	}
	if (ret < 0) {
		i_error("%s(%s, unlock) failed: %m",
			mbox_lock_method_names[method], lock->path);
	}
}

static int mbox_lock_method(struct mbox_lock *lock,
			    enum mbox_lock_method method,
			    const struct mail_storage_settings *set,
			    time_t deadline, const char **error_r)
{
	switch (method) {
	case MBOX_LOCK_METHOD_DOTLOCK:
	case MBOX_LOCK_METHOD_DOTLOCK_TRY:
		return mbox_lock_dotlock(lock, method, set, deadline, error_r);
	case MBOX_LOCK_METHOD_FCNTL:
	case MBOX_LOCK_METHOD_FLOCK:
		return mbox_lock_fd(lock, method, deadline, error_r);
	case MBOX_LOCK_METHOD_COUNT:
		break;
	}
	i_unreached();
}

/* Releases the methods taken so far, in reverse order, and frees lock. */
static void mbox_lock_free(struct mbox_lock **_lock)
{
	struct mbox_lock *lock = *_lock;

	*_lock = NULL;
	while (lock->method_count > 0) {
		enum mbox_lock_method method =
			lock->methods[--lock->method_count];

		if (method == MBOX_LOCK_METHOD_DOTLOCK ||
		    method == MBOX_LOCK_METHOD_DOTLOCK_TRY)
			mbox_unlock_dotlock(lock);
		else
			mbox_unlock_fd(lock, method);
	}
	i_free(lock->path);
	i_free(lock);
}

int mbox_lock(const char *path, int fd, enum mbox_lock_type type,
	      const struct mail_storage_settings *set,
	      struct mbox_lock **lock_r, const char **error_r)
{
	enum mbox_lock_method methods[MBOX_LOCK_METHOD_COUNT];
	time_t deadline = time(NULL) + set->mbox_lock_timeout;
	struct mbox_lock *lock;
	int i, count, ret = 1;

	count = mbox_lock_methods_parse(type == MBOX_LOCK_READ ?
					set->mbox_read_locks :
					set->mbox_write_locks,
					methods, error_r);
	if (count < 0)
		return -1;
	lock = i_new(struct mbox_lock, 1);
	lock->path = i_strdup(path);
	lock->fd = fd;
	lock->type = type;
	lock->dotlock_gid = (gid_t)-1;
	for (i = 0; i < count && ret > 0; i++) {
		ret = mbox_lock_method(lock, methods[i], set, deadline,
				       error_r);
		if (ret > 0)
			lock->methods[lock->method_count++] = methods[i];
	}
	if (ret <= 0) {
		mbox_lock_free(&lock);
		return ret;
	}
	*lock_r = lock;
	return 1;
}

int mbox_lock_touch(struct mbox_lock *lock, const char **error_r)
{
	if (lock->dotlock == NULL)
		return 0;
	return file_dotlock_touch(lock->dotlock, error_r);
}

void mbox_unlock(struct mbox_lock **lock)
{
	mbox_lock_free(lock);
}
