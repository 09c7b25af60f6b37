/* Copyright (c) Cove authors. See AUTHORS. */

/* Dotlock files with stale-lock detection (see file-dotlock.h). */

#include "lib.h"
#include "buffer.h"
#include "file-util.h"
#include "file-dotlock.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/time.h>

/* Wait between attempts while someone else holds the lock. */
#define FILE_DOTLOCK_RETRY_USECS 10000

struct file_dotlock {
	char *lock_path;
	dev_t dev;
	ino_t ino;
};

static const char *file_dotlock_hostname(void)
{
	static char hostname[256];

	if (hostname[0] == '\0' &&
	    gethostname(hostname, sizeof(hostname) - 1) < 0)
		hostname[0] = '\0';
	return hostname[0] == '\0' ? "localhost" : hostname;
}

/* Returns true if the lock file's holder is known to be gone: the
   content names a pid on this host that does not exist. */
static bool file_dotlock_holder_gone(const char *lock_path)
{
	char buf[512];
	const char *sep;
	unsigned int pid;
	ssize_t ret;
	int fd;

	fd = open(lock_path, O_RDONLY);
	if (fd < 0)
		return false;
	ret = read(fd, buf, sizeof(buf) - 1);
	(void)close(fd);
	if (ret <= 0)
		return false;
	buf[ret] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	sep = strchr(buf, ':');
	if (sep == NULL || strcmp(sep + 1, file_dotlock_hostname()) != 0)
		return false;
	if (str_to_uint(t_strndup(buf, sep - buf), &pid) < 0 || pid == 0)
		return false;
	return kill((pid_t)pid, 0) < 0 && errno == ESRCH;
}

/* Breaks the lock if it is stale. Returns 1 if it was removed (or is
   gone), 0 if it is held, -1 on error. */
static int file_dotlock_try_break(const char *lock_path, const char **error_r)
{
	struct stat st, st2;

	if (stat(lock_path, &st) < 0) {
		if (errno == ENOENT)
			return 1;
		*error_r = t_strdup_printf("stat(%s) failed: %m", lock_path);
		return -1;
	}
	if (st.st_mtime + FILE_DOTLOCK_STALE_SECS > time(NULL) &&
	    !file_dotlock_holder_gone(lock_path))
		return 0;
	/* make sure it is still the same stale file before removing it */
	if (stat(lock_path, &st2) < 0)
		return errno == ENOENT ? 1 : 0;
	if (st.st_ino != st2.st_ino || st.st_dev != st2.st_dev ||
	    st.st_mtime != st2.st_mtime)
		return 0;
	if (unlink(lock_path) < 0 && errno != ENOENT) {
		*error_r = t_strdup_printf("unlink(%s) failed: %m", lock_path);
		return -1;
	}
	return 1;
}

/* Returns 1 created, 0 exists, -1 error. */
static int file_dotlock_try_create(struct file_dotlock *lock,
				   const char **error_r)
{
	const char *content;
	struct stat st;
	int fd;

	fd = open(lock->lock_path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	if (fd < 0) {
		if (errno == EEXIST)
			return 0;
		*error_r = t_strdup_printf("open(%s) failed: %m",
					   lock->lock_path);
		return -1;
	}
	content = t_strdup_printf("%ld:%s\n", (long)getpid(),
				  file_dotlock_hostname());
	if (write_full(fd, content, strlen(content)) < 0 ||
	    fstat(fd, &st) < 0) {
		*error_r = t_strdup_printf("write(%s) failed: %m",
					   lock->lock_path);
		(void)close(fd);
		(void)unlink(lock->lock_path);
		return -1;
	}
	(void)close(fd);
	lock->dev = st.st_dev;
	lock->ino = st.st_ino;
	return 1;
}

int file_dotlock_create(const char *path, unsigned int timeout_secs,
			struct file_dotlock **lock_r, const char **error_r)
{
	struct file_dotlock *lock;
	time_t deadline = time(NULL) + timeout_secs;
	int ret;

	lock = i_new(struct file_dotlock, 1);
	lock->lock_path = i_strdup_printf("%s.lock", path);
	while ((ret = file_dotlock_try_create(lock, error_r)) == 0) {
		ret = file_dotlock_try_break(lock->lock_path, error_r);
		if (ret < 0)
			break;
		if (ret > 0) {
			/* stale lock removed: try again at once */
			continue;
		}
		if (time(NULL) >= deadline) {
			*error_r = t_strdup_printf(
				"Timed out waiting for lock %s",
				lock->lock_path);
			break;
		}
		usleep(FILE_DOTLOCK_RETRY_USECS);
	}
	if (ret > 0) {
		*lock_r = lock;
		return 1;
	}
	i_free(lock->lock_path);
	i_free(lock);
	return ret;
}

/* Returns true if lock_path is still the file this lock created. */
static bool file_dotlock_is_ours(const struct file_dotlock *lock)
{
	struct stat st;

	return stat(lock->lock_path, &st) == 0 && st.st_ino == lock->ino &&
		st.st_dev == lock->dev;
}

int file_dotlock_touch(struct file_dotlock *lock, const char **error_r)
{
	if (!file_dotlock_is_ours(lock)) {
		*error_r = t_strdup_printf("Lock %s was broken by someone else",
					   lock->lock_path);
		return -1;
	}
	if (utimes(lock->lock_path, NULL) < 0) {
		*error_r = t_strdup_printf("utimes(%s) failed: %m",
					   lock->lock_path);
		return -1;
	}
	return 0;
}

int file_dotlock_delete(struct file_dotlock **_lock, const char **error_r)
{
	struct file_dotlock *lock = *_lock;
	int ret = 0;

	*_lock = NULL;
	if (!file_dotlock_is_ours(lock)) {
		*error_r = t_strdup_printf("Lock %s was broken by someone else",
					   lock->lock_path);
		ret = -1;
	} else if (unlink(lock->lock_path) < 0) {
		*error_r = t_strdup_printf("unlink(%s) failed: %m",
					   lock->lock_path);
		ret = -1;
	}
	i_free(lock->lock_path);
	i_free(lock);
	return ret;
}
