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

/* This process's lock content without the LF: "<pid>:<host>" (from the
   temporary frame). */
static const char *file_dotlock_holder(void)
{
	return t_strdup_printf("%ld:%s", (long)getpid(),
			       file_dotlock_hostname());
}

/* The lock file's content ("<pid>:<host>"), or NULL if it cannot be
   read; from the temporary frame. */
static const char *file_dotlock_read_holder(const char *lock_path)
{
	char buf[512];
	ssize_t ret;
	int fd;

	fd = open(lock_path, O_RDONLY);
	if (fd < 0)
		return NULL;
	ret = read(fd, buf, sizeof(buf) - 1);
	(void)close(fd);
	if (ret <= 0)
		return NULL;
	buf[ret] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return t_strdup(buf);
}

/* Returns true if the lock's holder is known to be gone: holder names a
   pid on this host that does not exist. */
static bool file_dotlock_holder_gone(const char *holder)
{
	const char *sep;
	unsigned int pid;

	sep = holder == NULL ? NULL : strchr(holder, ':');
	if (sep == NULL || strcmp(sep + 1, file_dotlock_hostname()) != 0)
		return false;
	if (str_to_uint(t_strndup(holder, sep - holder), &pid) < 0 || pid == 0)
		return false;
	return kill((pid_t)pid, 0) < 0 && errno == ESRCH;
}

/* Why the lock is stale (from the temporary frame), or NULL if it is
   not. */
static const char *
file_dotlock_stale_reason(const char *lock_path, const struct stat *st,
			  const struct file_dotlock_settings *set)
{
	const char *holder = file_dotlock_read_holder(lock_path);
	time_t now = time(NULL);

	if (file_dotlock_holder_gone(holder)) {
		return t_strdup_printf("its holder %s no longer exists",
				       holder);
	}
	if (st->st_mtime + (time_t)set->stale_secs <= now) {
		return t_strdup_printf("not modified for %ld seconds",
				       (long)(now - st->st_mtime));
	}
	return NULL;
}

/* Breaks the lock if it is stale. Returns 1 if it was removed (or is
   gone), 0 if it is held, -1 on error. */
static int file_dotlock_try_break(const char *lock_path,
				  const struct file_dotlock_settings *set,
				  const char **error_r)
{
	struct stat st, st2;
	const char *reason;

	if (stat(lock_path, &st) < 0) {
		if (errno == ENOENT)
			return 1;
		*error_r = t_strdup_printf("stat(%s) failed: %m", lock_path);
		return -1;
	}
	reason = file_dotlock_stale_reason(lock_path, &st, set);
	if (reason == NULL)
		return 0;
	/* make sure it is still the same stale file before removing it */
	if (stat(lock_path, &st2) < 0)
		return errno == ENOENT ? 1 : 0;
	if (st.st_ino != st2.st_ino || st.st_dev != st2.st_dev ||
	    st.st_mtime != st2.st_mtime)
		return 0;
	if (unlink(lock_path) < 0) {
		if (errno == ENOENT)
			return 1;
		*error_r = t_strdup_printf("unlink(%s) failed: %m", lock_path);
		return -1;
	}
	if (set->stale_callback != NULL)
		set->stale_callback(lock_path, reason, set->context);
	return 1;
}

/* "dir/.name.<pid>.tmp" for "dir/name": a dot file, which mailbox
   listings skip. */
static const char *file_dotlock_tmp_path(const char *lock_path)
{
	const char *slash = strrchr(lock_path, '/');
	const char *name = slash == NULL ? lock_path : slash + 1;

	return t_strdup_printf("%.*s.%s.%ld.tmp", (int)(name - lock_path),
			       lock_path, name, (long)getpid());
}

/* Returns 1 created, 0 exists, -1 error. The content is written to a
   temporary file that is then linked to the lock path, so that a lock
   always names its holder: a holder killed between creating the lock and
   writing it would leave a nameless lock that only the stale timeout
   breaks. A temporary file left by a killed process is replaced by the
   next one with its pid. */
static int file_dotlock_try_create(struct file_dotlock *lock,
				   const char **error_r)
{
	const char *content, *tmp_path;
	struct stat st;
	int fd, ret;

	tmp_path = file_dotlock_tmp_path(lock->lock_path);
	fd = open(tmp_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0) {
		*error_r = t_strdup_printf("open(%s) failed: %m", tmp_path);
		return -1;
	}
	content = t_strconcat(file_dotlock_holder(), "\n", NULL);
	if (write_full(fd, content, strlen(content)) < 0 ||
	    fstat(fd, &st) < 0) {
		*error_r = t_strdup_printf("write(%s) failed: %m", tmp_path);
		(void)close(fd);
		(void)unlink(tmp_path);
		return -1;
	}
	(void)close(fd);
	ret = link(tmp_path, lock->lock_path) < 0 ? (errno == EEXIST ? 0 : -1) :
		1;
	if (ret < 0) {
		*error_r = t_strdup_printf("link(%s, %s) failed: %m", tmp_path,
					   lock->lock_path);
	}
	(void)unlink(tmp_path);
	if (ret <= 0)
		return ret;
	lock->dev = st.st_dev;
	lock->ino = st.st_ino;
	return 1;
}

/* The error for a lock still held after the timeout. */
static const char *file_dotlock_timeout_error(const char *lock_path)
{
	const char *holder = file_dotlock_read_holder(lock_path);

	if (holder == NULL)
		return t_strdup_printf("Timed out waiting for lock %s",
				       lock_path);
	return t_strdup_printf("Timed out waiting for lock %s (held by %s)",
			       lock_path, holder);
}

int file_dotlock_create_set(const char *path,
			    const struct file_dotlock_settings *set,
			    struct file_dotlock **lock_r, const char **error_r)
{
	struct file_dotlock *lock;
	time_t deadline = time(NULL) + set->timeout_secs;
	int ret;

	lock = i_new(struct file_dotlock, 1);
	lock->lock_path = i_strdup_printf("%s.lock", path);
	while ((ret = file_dotlock_try_create(lock, error_r)) == 0) {
		ret = file_dotlock_try_break(lock->lock_path, set, error_r);
		if (ret < 0)
			break;
		if (ret > 0) {
			/* stale lock removed: try again at once */
			continue;
		}
		if (time(NULL) >= deadline) {
			*error_r = file_dotlock_timeout_error(lock->lock_path);
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

int file_dotlock_create(const char *path, unsigned int timeout_secs,
			struct file_dotlock **lock_r, const char **error_r)
{
	const struct file_dotlock_settings set = {
		.timeout_secs = timeout_secs,
		.stale_secs = FILE_DOTLOCK_STALE_SECS,
	};

	return file_dotlock_create_set(path, &set, lock_r, error_r);
}

/* Returns true if lock_path is still the file this lock created: its
   inode and its content (a lock that someone broke and another took may
   have the same inode number again, but names another holder). */
static bool file_dotlock_is_ours(const struct file_dotlock *lock)
{
	const char *holder;
	struct stat st;

	if (stat(lock->lock_path, &st) < 0 || st.st_ino != lock->ino ||
	    st.st_dev != lock->dev)
		return false;
	holder = file_dotlock_read_holder(lock->lock_path);
	return holder != NULL && strcmp(holder, file_dotlock_holder()) == 0;
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
