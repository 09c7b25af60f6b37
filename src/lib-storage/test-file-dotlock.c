/* Copyright (c) Cove authors. See AUTHORS. */

/* Tests for dotlocks: exclusion, and breaking stale locks. */

#include "lib.h"
#include "file-dotlock.h"
#include "test-storage-common.h"

#include <sys/wait.h>
#include <utime.h>

static pid_t test_dead_pid(void)
{
	pid_t pid = fork();

	if (pid < 0)
		i_fatal("fork() failed: %m");
	if (pid == 0)
		_exit(0);
	if (waitpid(pid, NULL, 0) < 0)
		i_fatal("waitpid() failed: %m");
	return pid;
}

static const char *test_hostname(void)
{
	char buf[256];

	if (gethostname(buf, sizeof(buf) - 1) < 0 || buf[0] == '\0')
		return "localhost";
	buf[sizeof(buf) - 1] = '\0';
	return t_strdup(buf);
}

void test_file_dotlock(void)
{
	struct file_dotlock *lock, *lock2;
	const char *dir, *path, *lock_path, *error;
	struct utimbuf old_times;

	test_begin("file dotlock");
	old_times.actime = old_times.modtime =
		time(NULL) - FILE_DOTLOCK_STALE_SECS - 10;
	dir = test_storage_mkdtemp();
	path = t_strconcat(dir, "/file", NULL);
	lock_path = t_strconcat(path, ".lock", NULL);

	test_assert(file_dotlock_create(path, 0, &lock, &error) == 1);
	test_assert(access(lock_path, F_OK) == 0);
	/* held by a live process (us): times out */
	test_assert(file_dotlock_create(path, 0, &lock2, &error) == 0);
	/* an old lock that its holder touches is not stale */
	test_assert(utime(lock_path, &old_times) == 0);
	test_assert(file_dotlock_touch(lock, &error) == 0);
	test_assert(file_dotlock_create(path, 0, &lock2, &error) == 0);
	test_assert(file_dotlock_delete(&lock, &error) == 0);
	test_assert(lock == NULL);
	test_assert(access(lock_path, F_OK) < 0);

	/* holder on another host: only the age tells */
	test_storage_write_file(lock_path, "1:otherhost\n", 0);
	test_assert(file_dotlock_create(path, 0, &lock2, &error) == 0);
	test_storage_write_file(lock_path, "1:otherhost\n",
				time(NULL) - FILE_DOTLOCK_STALE_SECS - 10);
	test_assert(file_dotlock_create(path, 0, &lock, &error) == 1);
	test_assert(file_dotlock_delete(&lock, &error) == 0);

	/* holder pid on this host is gone */
	test_storage_write_file(lock_path, t_strdup_printf("%ld:%s\n",
		(long)test_dead_pid(), test_hostname()), 0);
	test_assert(file_dotlock_create(path, 0, &lock, &error) == 1);
	/* broken by someone else: touch and delete notice */
	(void)unlink(lock_path);
	test_assert(file_dotlock_touch(lock, &error) < 0);
	test_assert(file_dotlock_delete(&lock, &error) < 0);
	/* broken and taken by another holder whose lock got the same inode
	   (written over here): noticed, and the other's lock stays */
	test_assert(file_dotlock_create(path, 0, &lock, &error) == 1);
	test_storage_write_file(lock_path, "1:otherhost\n", 0);
	test_assert(file_dotlock_touch(lock, &error) < 0);
	test_assert(strstr(error, "broken") != NULL);
	test_assert(file_dotlock_delete(&lock, &error) < 0);
	test_assert(access(lock_path, F_OK) == 0);

	test_storage_rmdir(dir);
	test_end();
}

static void test_file_dotlock_stale_cb(const char *lock_path,
				       const char *reason, void *context)
{
	const char **reason_r = context;

	*reason_r = t_strconcat(lock_path, ": ", reason, NULL);
}

void test_file_dotlock_stale_secs(void)
{
	struct file_dotlock *lock;
	const char *dir, *path, *lock_path, *error, *reason = NULL;
	struct file_dotlock_settings set = {
		.timeout_secs = 0,
		.stale_secs = 30,
		.stale_callback = test_file_dotlock_stale_cb,
		.context = &reason,
	};

	test_begin("file dotlock stale_secs");
	dir = test_storage_mkdtemp();
	path = t_strconcat(dir, "/file", NULL);
	lock_path = t_strconcat(path, ".lock", NULL);

	test_storage_write_file(lock_path, "1:otherhost\n", time(NULL) - 20);
	test_assert(file_dotlock_create_set(path, &set, &lock, &error) == 0);
	test_assert_strcmp(error, t_strdup_printf(
		"Timed out waiting for lock %s (held by 1:otherhost)",
		lock_path));
	test_assert(reason == NULL);
	test_storage_write_file(lock_path, "1:otherhost\n", time(NULL) - 40);
	test_assert(file_dotlock_create_set(path, &set, &lock, &error) == 1);
	test_assert(reason != NULL && str_begins(reason, lock_path) &&
		    strstr(reason, ": not modified for ") != NULL);
	test_assert(file_dotlock_delete(&lock, &error) == 0);

	reason = NULL;
	test_storage_write_file(lock_path, t_strdup_printf("%ld:%s\n",
		(long)test_dead_pid(), test_hostname()), 0);
	test_assert(file_dotlock_create_set(path, &set, &lock, &error) == 1);
	test_assert(reason != NULL &&
		    strstr(reason, "no longer exists") != NULL);
	test_assert(file_dotlock_delete(&lock, &error) == 0);

	test_storage_rmdir(dir);
	test_end();
}
