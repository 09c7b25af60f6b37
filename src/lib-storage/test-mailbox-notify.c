/* Copyright (c) Cove authors. See AUTHORS. */

/* Tests for mailbox_notify_changes() on Maildir: a delivery, a flag
   change and an expunge by another view each wake the watcher, nothing
   calls back after stopping or closing, and without inotify the
   callback still comes (from the poll timer). */

#include "lib.h"
#include "ioloop.h"
#include "mail-storage.h"
#include "test-storage-common.h"

#include <dirent.h>
#include <unistd.h>
#include <sys/resource.h>

/* Fails the test instead of hanging when no event comes. */
#define TEST_NOTIFY_MAX_MSECS (10 * 1000)
/* Well past the debounce delay: no callback by then means none. */
#define TEST_NOTIFY_QUIET_MSECS 500

struct test_notify {
	struct ioloop *ioloop;
	unsigned int calls;
	bool timed_out;
};

static void test_notify_callback(struct test_notify *ctx)
{
	ctx->calls++;
	io_loop_stop(ctx->ioloop);
}

static void test_notify_timeout(struct test_notify *ctx)
{
	ctx->timed_out = true;
	io_loop_stop(ctx->ioloop);
}

/* Runs the ioloop until the callback runs; returns false if it did not
   within msecs. */
static bool test_notify_wait(struct test_notify *ctx, unsigned int msecs)
{
	struct timeout *to;
	unsigned int calls = ctx->calls;

	to = timeout_add(msecs, test_notify_timeout, ctx);
	ctx->timed_out = false;
	io_loop_run(ctx->ioloop);
	timeout_remove(&to);
	return !ctx->timed_out && ctx->calls > calls;
}

/* The number of inotify instances this process has open: shows that
   the mailbox is watched, not polled. */
static unsigned int test_notify_inotify_count(void)
{
	DIR *dir = opendir("/proc/self/fd");
	struct dirent *d;
	char target[64];
	unsigned int count = 0;
	ssize_t len;

	if (dir == NULL)
		i_fatal("opendir(/proc/self/fd) failed: %m");
	while ((d = readdir(dir)) != NULL) {
		len = readlinkat(dirfd(dir), d->d_name, target,
				 sizeof(target) - 1);
		if (len <= 0)
			continue;
		target[len] = '\0';
		if (strcmp(target, "anon_inode:inotify") == 0)
			count++;
	}
	(void)closedir(dir);
	return count;
}

static struct mailbox *test_notify_open(struct mail_user *user)
{
	struct mailbox *box;
	const char *error;

	if (mailbox_open(user, "INBOX", 0, &box, &error) <= 0)
		i_fatal("mailbox_open() failed: %s", error);
	return box;
}

void test_mailbox_notify(void)
{
	struct test_notify ctx = { .ioloop = io_loop_create() };
	struct mail_user *user;
	struct mailbox *box, *other;
	const char *home, *error, *path;

	test_begin("mailbox notify");
	home = test_storage_mkdtemp();
	if (mail_user_init(test_storage_settings(), "alice", home, NULL,
			   &user, &error) < 0)
		i_fatal("mail_user_init() failed: %s", error);
	box = test_notify_open(user);
	other = test_notify_open(user);
	test_assert(test_notify_inotify_count() == 0);
	mailbox_notify_changes(box, test_notify_callback, &ctx);
	test_assert(test_notify_inotify_count() == 1);

	/* a delivery: a new file in new/ */
	path = t_strconcat(home, "/Maildir/new/1.M1P1.test", NULL);
	test_storage_write_file(path, "Subject: x\n\nbody\n", 0);
	test_assert(test_notify_wait(&ctx, TEST_NOTIFY_MAX_MSECS));

	/* another view moves it to cur/ and changes its flags */
	test_assert(mailbox_sync(other, NULL, NULL, &error) == 0);
	test_assert(mailbox_update_flags(other, 1, MODIFY_ADD, MAIL_DELETED,
					 &error) == 1);
	test_assert(test_notify_wait(&ctx, TEST_NOTIFY_MAX_MSECS));

	/* and expunges it */
	test_assert(mailbox_expunge_deleted(other, NULL, NULL, &error) == 0);
	test_assert(test_notify_wait(&ctx, TEST_NOTIFY_MAX_MSECS));
	test_assert(mailbox_sync(box, NULL, NULL, &error) == 0);
	test_assert(mailbox_get_count(box) == 0);

	/* nothing after stopping (stopping twice is fine) */
	mailbox_notify_changes_stop(box);
	mailbox_notify_changes_stop(box);
	test_assert(test_notify_inotify_count() == 0);
	test_storage_write_file(t_strconcat(home, "/Maildir/new/2.M2P2.test",
					    NULL), "x\n", 0);
	test_assert(!test_notify_wait(&ctx, TEST_NOTIFY_QUIET_MSECS));

	/* closing a watched mailbox stops the watch */
	mailbox_notify_changes(box, test_notify_callback, &ctx);
	mailbox_close(&box);
	test_assert(test_notify_inotify_count() == 0);
	mailbox_close(&other);
	mail_user_deinit(&user);
	test_storage_rmdir(home);
	io_loop_destroy(&ctx.ioloop);
	test_end();
}

/* No inotify instance can be created (the fd limit is reached): the
   callback comes from the poll timer. */
void test_mailbox_notify_poll(void)
{
	struct test_notify ctx = { .ioloop = io_loop_create() };
	struct mail_user *user;
	struct mailbox *box;
	struct rlimit old_limit, limit;
	const char *home, *error;
	int fd;

	test_begin("mailbox notify poll");
	home = test_storage_mkdtemp();
	if (mail_user_init(test_storage_settings(), "alice", home, NULL,
			   &user, &error) < 0)
		i_fatal("mail_user_init() failed: %s", error);
	box = test_notify_open(user);

	/* the lowest free fd number as the limit: no new fds */
	if ((fd = dup(0)) < 0 || getrlimit(RLIMIT_NOFILE, &old_limit) < 0)
		i_fatal("dup() or getrlimit() failed: %m");
	limit = old_limit;
	limit.rlim_cur = fd;
	i_close_fd(&fd);
	if (setrlimit(RLIMIT_NOFILE, &limit) < 0)
		i_fatal("setrlimit() failed: %m");
	mailbox_notify_changes(box, test_notify_callback, &ctx);
	if (setrlimit(RLIMIT_NOFILE, &old_limit) < 0)
		i_fatal("setrlimit() failed: %m");
	test_assert(test_notify_inotify_count() == 0);
	test_assert(test_notify_wait(&ctx, TEST_NOTIFY_MAX_MSECS));

	mailbox_close(&box);
	mail_user_deinit(&user);
	test_storage_rmdir(home);
	io_loop_destroy(&ctx.ioloop);
	test_end();
}
