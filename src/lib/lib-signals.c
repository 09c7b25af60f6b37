/* Copyright (c) Cove authors. See AUTHORS. */
/* Signal handling through the ioloop. The real handler copies the
   siginfo into a non-blocking self-pipe (one write, below PIPE_BUF, so it
   is atomic); an io on the read end dispatches it to the registered
   callback outside signal context. */

#include "lib.h"
#include "ioloop.h"
#include "lib-signals.h"

#include <fcntl.h>

struct signal_handler {
	signal_handler_t *handler;
	void *context;
};

static struct signal_handler signal_handlers[NSIG];
static int sig_pipe_fd[2] = { -1, -1 };
static struct io *sig_io;
static struct ioloop *sig_ioloop;

static void sig_handler(int signo ATTR_UNUSED, siginfo_t *si,
			void *context ATTR_UNUSED)
{
	int saved_errno = errno;

	/* a full pipe drops the signal: there are plenty queued anyway */
	if (write(sig_pipe_fd[1], si, sizeof(*si)) < 0) {
		/* nothing can be done in a signal handler */
	}
	errno = saved_errno;
}

static void sig_pipe_input(void *context ATTR_UNUSED)
{
	siginfo_t si;
	ssize_t ret;

	while ((ret = read(sig_pipe_fd[0], &si, sizeof(si))) == sizeof(si)) {
		const struct signal_handler *h;

		if (si.si_signo <= 0 || si.si_signo >= NSIG)
			continue;
		h = &signal_handlers[si.si_signo];
		if (h->handler != NULL)
			h->handler(&si, h->context);
	}
	if (ret < 0 && errno != EAGAIN && errno != EINTR)
		i_panic("read(signal pipe) failed: %m");
}

void lib_signals_init(void)
{
	if (sig_pipe_fd[0] != -1)
		return;
	if (pipe2(sig_pipe_fd, O_CLOEXEC | O_NONBLOCK) < 0)
		i_fatal("pipe() failed: %m");
	sig_ioloop = current_ioloop;
	if (sig_ioloop != NULL)
		sig_io = io_add(sig_pipe_fd[0], IO_READ, sig_pipe_input, NULL);
}

void lib_signals_deinit(void)
{
	struct sigaction act;

	memset(&act, 0, sizeof(act));
	act.sa_handler = SIG_DFL;
	sigemptyset(&act.sa_mask);
	for (int signo = 1; signo < NSIG; signo++) {
		if (signal_handlers[signo].handler == NULL)
			continue;
		(void)sigaction(signo, &act, NULL);
		signal_handlers[signo].handler = NULL;
	}
	/* the io went away with its ioloop if that was destroyed first */
	if (sig_io != NULL && current_ioloop == sig_ioloop)
		io_remove(&sig_io);
	sig_io = NULL;
	if (sig_pipe_fd[0] != -1) {
		(void)close(sig_pipe_fd[0]);
		(void)close(sig_pipe_fd[1]);
		sig_pipe_fd[0] = sig_pipe_fd[1] = -1;
	}
}

void lib_signals_set_handler(int signo, signal_handler_t *handler,
			     void *context)
{
	struct sigaction act;

	i_assert(signo > 0 && signo < NSIG);
	i_assert(sig_pipe_fd[1] != -1);
	signal_handlers[signo].handler = handler;
	signal_handlers[signo].context = context;

	memset(&act, 0, sizeof(act));
	act.sa_sigaction = sig_handler;
	act.sa_flags = SA_SIGINFO | SA_RESTART;
	sigemptyset(&act.sa_mask);
	if (sigaction(signo, &act, NULL) < 0)
		i_fatal("sigaction(%d) failed: %m", signo);
}

void lib_signals_ignore(int signo)
{
	struct sigaction act;

	i_assert(signo > 0 && signo < NSIG);
	signal_handlers[signo].handler = NULL;
	memset(&act, 0, sizeof(act));
	act.sa_handler = SIG_IGN;
	sigemptyset(&act.sa_mask);
	if (sigaction(signo, &act, NULL) < 0)
		i_fatal("sigaction(%d) failed: %m", signo);
}
