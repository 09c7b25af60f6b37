/* Copyright (c) Cove authors. See AUTHORS. */

/* mailbox_notify_changes(): tells the caller when another process has
   changed the mailbox. The backend names the directories whose entries
   change (get_notify_dirs); they are watched with one inotify instance.
   Events come in bursts (a Maildir delivery creates a file and renames
   it, a flag change is a rename), so the callback runs once after a
   short quiet delay instead of once per event. Without inotify, or when
   a watch cannot be added (the per-user watch limit), the callback runs
   from a timer every few seconds instead: the caller's sync finds out
   whether anything changed. */

#include "lib.h"
#include "ioloop.h"
#include "mail-storage-private.h"

#include <unistd.h>
#include <sys/inotify.h>

/* Time to let a burst of events settle before the callback runs. */
#define MAILBOX_NOTIFY_DEBOUNCE_MSECS 100
/* How often the callback runs when the files cannot be watched. */
#define MAILBOX_NOTIFY_POLL_MSECS (5 * 1000)
/* IN_MODIFY: an mbox file in a watched directory is written to */
#define MAILBOX_NOTIFY_INOTIFY_MASK \
	(IN_CREATE | IN_MOVED_TO | IN_DELETE | IN_MOVED_FROM | IN_MODIFY)

struct mailbox_notify {
	mailbox_notify_callback_t *callback;
	void *context;

	int inotify_fd;
	struct io *io;
	/* Runs the callback after a burst of events. */
	struct timeout *to_debounce;
	/* Runs the callback periodically when there is no watch. */
	struct timeout *to_poll;
};

static void mailbox_notify_call(struct mailbox *box)
{
	struct mailbox_notify *notify = box->notify;

	timeout_remove(&notify->to_debounce);
	notify->callback(notify->context);
}

static void mailbox_notify_input(struct mailbox *box)
{
	struct mailbox_notify *notify = box->notify;
	char buf[4096];
	ssize_t ret;

	/* Only "something changed" matters: drain the events unread. */
	do {
		ret = read(notify->inotify_fd, buf, sizeof(buf));
	} while (ret > 0);
	if (ret < 0 && errno != EAGAIN && errno != EINTR)
		i_error("read(inotify) failed: %m");
	if (notify->to_debounce == NULL) {
		notify->to_debounce = timeout_add(MAILBOX_NOTIFY_DEBOUNCE_MSECS,
						  mailbox_notify_call, box);
	}
}

/* Watches dirs. Returns 0, or -1 if that is not possible (the reason is
   logged when it is not the expected "watch limit reached"). */
static int mailbox_notify_watch(struct mailbox_notify *notify,
				const char *const *dirs)
{
	notify->inotify_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (notify->inotify_fd < 0) {
		if (errno != EMFILE)
			i_error("inotify_init1() failed: %m");
		return -1;
	}
	for (; *dirs != NULL; dirs++) {
		if (inotify_add_watch(notify->inotify_fd, *dirs,
				      MAILBOX_NOTIFY_INOTIFY_MASK) < 0) {
			if (errno != ENOSPC)
				i_error("inotify_add_watch(%s) failed: %m",
					*dirs);
			return -1;
		}
	}
	return 0;
}

static void mailbox_notify_start(struct mailbox *box)
{
	struct mailbox_notify *notify = box->notify;
	int ret = -1;

	if (box->v->get_notify_dirs != NULL) T_BEGIN {
		ret = mailbox_notify_watch(notify,
					   box->v->get_notify_dirs(box));
	} T_END;
	if (ret == 0) {
		notify->io = io_add(notify->inotify_fd, IO_READ,
				    mailbox_notify_input, box);
		return;
	}
	if (notify->inotify_fd >= 0)
		i_close_fd(&notify->inotify_fd);
	notify->to_poll = timeout_add(MAILBOX_NOTIFY_POLL_MSECS,
				      mailbox_notify_call, box);
}

#undef mailbox_notify_changes
void mailbox_notify_changes_(struct mailbox *box,
			     mailbox_notify_callback_t *callback,
			     void *context)
{
	if (box->notify == NULL) {
		box->notify = i_new(struct mailbox_notify, 1);
		box->notify->inotify_fd = -1;
		mailbox_notify_start(box);
	}
	box->notify->callback = callback;
	box->notify->context = context;
}

void mailbox_notify_changes_stop(struct mailbox *box)
{
	struct mailbox_notify *notify = box->notify;

	if (notify == NULL)
		return;
	box->notify = NULL;
	if (notify->io != NULL)
		io_remove(&notify->io);
	if (notify->inotify_fd >= 0)
		i_close_fd(&notify->inotify_fd);
	timeout_remove(&notify->to_debounce);
	timeout_remove(&notify->to_poll);
	i_free(notify);
}
