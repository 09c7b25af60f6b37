/* Copyright (c) Cove authors. See AUTHORS. */

/* Tests for mbox locking: method lists, exclusion against another process
   (fcntl, flock, dotlock), timeouts naming the holder, stale dotlocks,
   dotlock_try in a directory we cannot write. */

#include "lib.h"
#include "mail-storage-settings.h"
#include "mbox/mbox-lock.h"
#include "test-storage-common.h"

#include <fcntl.h>
#include <grp.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>

struct test_lock_child {
	pid_t pid;
	/* the child exits when this is closed */
	int release_fd;
};

void test_mbox_lock_methods(void)
{
	static const struct {
		const char *methods;
		int ret;
	} tests[] = {
		{ "", 0 },
		{ "fcntl", 0 },
		{ "dotlock fcntl", 0 },
		{ "dotlock_try  flock fcntl", 0 },
		{ "fcntl, dotlock", 0 },
		{ "lockf", -1 },
		{ "fcntl fcntl", -1 },
		{ "dotlock dotlock_try", -1 },
		{ "dotlock_try dotlock", -1 },
		{ "Fcntl", -1 },
	};
	const char *error;
	unsigned int i;

	test_begin("mbox lock methods");
	for (i = 0; i < N_ELEMENTS(tests); i++) {
		error = NULL;
		test_assert_idx(mbox_lock_methods_check(tests[i].methods,
							&error) ==
				tests[i].ret, i);
		test_assert_idx((error != NULL) == (tests[i].ret < 0), i);
	}
	test_end();
}

/* Settings with the given methods for both lock types and timeouts. */
static struct mail_storage_settings *
test_mbox_lock_settings(const char *methods, unsigned int timeout)
{
	struct mail_storage_settings *set;

	set = t_new(struct mail_storage_settings, 1);
	*set = *test_storage_settings();
	set->mbox_read_locks = methods;
	set->mbox_write_locks = methods;
	set->mbox_lock_timeout = timeout;
	return set;
}

/* Forks a child that takes the lock (flock or fcntl, shared or exclusive)
   on path and holds it until released. */
static struct test_lock_child
test_lock_child_start(const char *path, bool use_flock, bool exclusive)
{
	struct test_lock_child child;
	int ready[2], release[2];
	char c;

	if (pipe(ready) < 0 || pipe(release) < 0)
		i_fatal("pipe() failed: %m");
	child.pid = fork();
	if (child.pid < 0)
		i_fatal("fork() failed: %m");
	if (child.pid == 0) {
		struct flock fl = {
			.l_type = exclusive ? F_WRLCK : F_RDLCK,
			.l_whence = SEEK_SET,
		};
		int fd = open(path, O_RDWR);

		if (fd < 0 ||
		    (use_flock ? flock(fd, exclusive ? LOCK_EX : LOCK_SH) :
		     fcntl(fd, F_SETLKW, &fl)) < 0)
			_exit(1);
		if (write(ready[1], "", 1) != 1)
			_exit(1);
		(void)close(release[1]);
		(void)read(release[0], &c, 1);
		_exit(0);
	}
	(void)close(ready[1]);
	(void)close(release[0]);
	if (read(ready[0], &c, 1) != 1)
		i_fatal("lock child failed");
	(void)close(ready[0]);
	child.release_fd = release[1];
	return child;
}

static void test_lock_child_stop(struct test_lock_child *child)
{
	int status;

	(void)close(child->release_fd);
	if (waitpid(child->pid, &status, 0) < 0)
		i_fatal("waitpid() failed: %m");
}

/* Returns true if another process can take the lock now. */
static bool test_lock_other_can(const char *path, bool use_flock,
				bool exclusive)
{
	pid_t pid = fork();
	int status;

	if (pid < 0)
		i_fatal("fork() failed: %m");
	if (pid == 0) {
		struct flock fl = {
			.l_type = exclusive ? F_WRLCK : F_RDLCK,
			.l_whence = SEEK_SET,
		};
		int fd = open(path, O_RDWR);

		if (fd < 0)
			_exit(2);
		if (use_flock) {
			_exit(flock(fd, LOCK_NB | (exclusive ? LOCK_EX :
						   LOCK_SH)) == 0 ? 0 : 1);
		}
		_exit(fcntl(fd, F_SETLK, &fl) == 0 ? 0 : 1);
	}
	if (waitpid(pid, &status, 0) < 0)
		i_fatal("waitpid() failed: %m");
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

void test_mbox_lock_fcntl_dotlock(void)
{
	struct mail_storage_settings *set;
	struct test_lock_child child;
	struct mbox_lock *lock, *lock2;
	const char *dir, *path, *lock_path, *error;
	int fd;

	test_begin("mbox lock dotlock fcntl");
	dir = test_storage_mkdtemp();
	path = t_strconcat(dir, "/inbox", NULL);
	lock_path = t_strconcat(path, ".lock", NULL);
	test_storage_write_file(path, "", 0);
	fd = open(path, O_RDWR);
	set = test_mbox_lock_settings("dotlock fcntl", 0);

	test_assert(mbox_lock(path, fd, MBOX_LOCK_WRITE, set, &lock,
			      &error) == 1);
	test_assert(access(lock_path, F_OK) == 0);
	test_assert(!test_lock_other_can(path, false, false));
	test_assert(mbox_lock_touch(lock, &error) == 0);
	/* the dotlock is ours: a second lock times out naming us */
	error = NULL;
	test_assert(mbox_lock(path, fd, MBOX_LOCK_WRITE, set, &lock2,
			      &error) == 0);
	test_assert(error != NULL && strstr(error, lock_path) != NULL &&
		    strstr(error, t_strdup_printf("held by %ld:",
						  (long)getpid())) != NULL);
	mbox_unlock(&lock);
	test_assert(lock == NULL);
	test_assert(access(lock_path, F_OK) < 0);
	test_assert(test_lock_other_can(path, false, true));

	/* another process holds the fcntl lock: times out naming its pid,
	   and the dotlock taken before it is released again */
	child = test_lock_child_start(path, false, true);
	error = NULL;
	test_assert(mbox_lock(path, fd, MBOX_LOCK_WRITE, set, &lock,
			      &error) == 0);
	test_assert(error != NULL && strstr(error, path) != NULL &&
		    strstr(error, t_strdup_printf("held by pid %ld",
						  (long)child.pid)) != NULL);
	test_assert(access(lock_path, F_OK) < 0);
	/* a shared lock of another process blocks writing only */
	test_lock_child_stop(&child);
	child = test_lock_child_start(path, false, false);
	test_assert(mbox_lock(path, fd, MBOX_LOCK_READ,
			      test_mbox_lock_settings("fcntl", 0), &lock,
			      &error) == 1);
	mbox_unlock(&lock);
	test_assert(mbox_lock(path, fd, MBOX_LOCK_WRITE, set, &lock,
			      &error) == 0);
	test_lock_child_stop(&child);
	/* waits while the holder lets go within the timeout */
	set->mbox_lock_timeout = 30;
	child = test_lock_child_start(path, false, true);
	(void)close(child.release_fd);
	test_assert(mbox_lock(path, fd, MBOX_LOCK_WRITE, set, &lock,
			      &error) == 1);
	mbox_unlock(&lock);
	(void)waitpid(child.pid, NULL, 0);

	i_close_fd(&fd);
	test_storage_rmdir(dir);
	test_end();
}

void test_mbox_lock_flock(void)
{
	struct mail_storage_settings *set;
	struct test_lock_child child;
	struct mbox_lock *lock;
	const char *dir, *path, *error;
	int fd;

	test_begin("mbox lock flock");
	dir = test_storage_mkdtemp();
	path = t_strconcat(dir, "/box", NULL);
	test_storage_write_file(path, "", 0);
	fd = open(path, O_RDONLY);
	set = test_mbox_lock_settings("flock", 0);

	test_assert(mbox_lock(path, fd, MBOX_LOCK_READ, set, &lock,
			      &error) == 1);
	test_assert(test_lock_other_can(path, true, false));
	test_assert(!test_lock_other_can(path, true, true));
	mbox_unlock(&lock);
	test_assert(test_lock_other_can(path, true, true));

	child = test_lock_child_start(path, true, true);
	error = NULL;
	test_assert(mbox_lock(path, fd, MBOX_LOCK_READ, set, &lock,
			      &error) == 0);
	test_assert(error != NULL && strstr(error, "flock") != NULL &&
		    strstr(error, path) != NULL);
	test_lock_child_stop(&child);

	i_close_fd(&fd);
	test_storage_rmdir(dir);
	test_end();
}

void test_mbox_lock_stale_dotlock(void)
{
	struct mail_storage_settings *set;
	struct mbox_lock *lock;
	const char *dir, *path, *lock_path, *error, *content;
	int fd;

	test_begin("mbox lock stale dotlock");
	dir = test_storage_mkdtemp();
	path = t_strconcat(dir, "/inbox", NULL);
	lock_path = t_strconcat(path, ".lock", NULL);
	test_storage_write_file(path, "", 0);
	fd = open(path, O_RDWR);
	set = test_mbox_lock_settings("dotlock", 0);
	set->mbox_dotlock_change_timeout = 10;

	/* held on another host, modified recently: waits */
	test_storage_write_file(lock_path, "1:otherhost\n", time(NULL) - 5);
	test_assert(mbox_lock(path, fd, MBOX_LOCK_WRITE, set, &lock,
			      &error) == 0);
	test_assert(strstr(error, "held by 1:otherhost") != NULL);
	/* older than mbox_dotlock_change_timeout: replaced by ours */
	test_storage_write_file(lock_path, "1:otherhost\n", time(NULL) - 11);
	test_assert(mbox_lock(path, fd, MBOX_LOCK_WRITE, set, &lock,
			      &error) == 1);
	content = test_storage_read_file(lock_path);
	test_assert(content != NULL &&
		    str_begins(content, t_strdup_printf("%ld:",
							(long)getpid())));
	/* broken by someone else meanwhile: touch notices */
	test_assert(unlink(lock_path) == 0);
	test_assert(mbox_lock_touch(lock, &error) < 0);
	mbox_unlock(&lock);

	i_close_fd(&fd);
	test_storage_rmdir(dir);
	test_end();
}

void test_mbox_lock_dotlock_try(void)
{
	struct mail_storage_settings *set;
	struct mbox_lock *lock;
	const char *dir, *spool, *path, *error;
	int fd;

	test_begin("mbox lock dotlock_try");
	dir = test_storage_mkdtemp();
	spool = t_strconcat(dir, "/spool", NULL);
	path = t_strconcat(spool, "/user", NULL);
	test_assert(mkdir(spool, 0700) == 0);
	test_storage_write_file(path, "", 0);
	fd = open(path, O_RDWR);
	set = test_mbox_lock_settings("dotlock_try fcntl", 0);

	test_assert(mbox_lock(path, fd, MBOX_LOCK_WRITE, set, &lock,
			      &error) == 1);
	test_assert(access(t_strconcat(path, ".lock", NULL), F_OK) == 0);
	mbox_unlock(&lock);
	/* root may write everywhere: the rest needs a normal user */
	if (geteuid() != 0) {
		test_assert(chmod(spool, 0500) == 0);
		test_assert(mbox_lock(path, fd, MBOX_LOCK_WRITE, set, &lock,
				      &error) == 1);
		mbox_unlock(&lock);
		set->mbox_write_locks = "dotlock fcntl";
		test_assert(mbox_lock(path, fd, MBOX_LOCK_WRITE, set, &lock,
				      &error) < 0);
		test_assert(chmod(spool, 0700) == 0);
	}

	i_close_fd(&fd);
	test_storage_rmdir(dir);
	test_end();
}

/* In a child running as nobody with group as its saved gid only: locks
   path with a dotlock. Exits 0 locked (and the lock file's group was
   group), 1 lock failed, 2 setup failed. */
static void ATTR_NORETURN
test_mbox_lock_privileged_child(const char *path, gid_t group,
				const char *privileged_group)
{
	struct mail_storage_settings *set;
	struct mbox_lock *lock;
	struct stat st;
	const char *error;
	int fd;

	fd = open(path, O_RDWR);
	if (fd < 0 || setgroups(0, NULL) < 0 ||
	    setresgid(65534, 65534, group) < 0 ||
	    setresuid(65534, 65534, 65534) < 0)
		_exit(2);
	set = test_mbox_lock_settings("dotlock", 0);
	set->mail_privileged_group = privileged_group;
	if (mbox_lock(path, fd, MBOX_LOCK_WRITE, set, &lock, &error) <= 0)
		_exit(1);
	if (stat(t_strconcat(path, ".lock", NULL), &st) < 0 ||
	    st.st_gid != group || getegid() != 65534)
		_exit(2);
	mbox_unlock(&lock);
	_exit(getegid() == 65534 ? 0 : 2);
}

static int test_mbox_lock_privileged_run(const char *path, gid_t group,
					 const char *privileged_group)
{
	pid_t pid = fork();
	int status;

	if (pid < 0)
		i_fatal("fork() failed: %m");
	if (pid == 0)
		test_mbox_lock_privileged_child(path, group, privileged_group);
	if (waitpid(pid, &status, 0) < 0)
		i_fatal("waitpid() failed: %m");
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

void test_mbox_lock_privileged_group(void)
{
	const char *dir, *spool, *path;
	struct group *gr;

	/* needs root to set up a spool like /var/mail (root:mail 2775) */
	gr = getgrnam("mail");
	if (geteuid() != 0 || gr == NULL)
		return;
	test_begin("mbox lock mail_privileged_group");
	dir = test_storage_mkdtemp();
	spool = t_strconcat(dir, "/spool", NULL);
	path = t_strconcat(spool, "/nobody", NULL);
	test_assert(chmod(dir, 0755) == 0);
	test_assert(mkdir(spool, 0700) == 0);
	test_assert(chown(spool, 0, gr->gr_gid) == 0);
	test_assert(chmod(spool, 02775) == 0);
	test_storage_write_file(path, "", 0);
	test_assert(chown(path, 65534, gr->gr_gid) == 0);

	test_assert(test_mbox_lock_privileged_run(path, gr->gr_gid, "") == 1);
	test_assert(test_mbox_lock_privileged_run(path, gr->gr_gid,
						  "mail") == 0);
	test_assert(access(t_strconcat(path, ".lock", NULL), F_OK) < 0);

	test_storage_rmdir(dir);
	test_end();
}
