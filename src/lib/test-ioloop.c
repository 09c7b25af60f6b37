/* Copyright (c) Cove authors. See AUTHORS. */
/* Tests for ioloop.c and lib-signals.c. */

#include "lib.h"
#include "ioloop.h"
#include "lib-signals.h"
#include "str.h"
#include "test-lib.h"

#include <fcntl.h>
#include <sys/socket.h>

struct test_timeout_ctx {
	struct ioloop *ioloop;
	string_t *order;
	struct timeout *to[4];
	unsigned int fired[4];
	struct timeout *victim;
};

static void test_timeout_fire(struct test_timeout_ctx *ctx, unsigned int i)
{
	str_printfa(ctx->order, "%u", i);
	ctx->fired[i]++;
}

static void test_timeout_0(struct test_timeout_ctx *ctx)
{
	test_timeout_fire(ctx, 0);
	/* removing another, still due timeout in the same round */
	timeout_remove(&ctx->victim);
}

static void test_timeout_1(struct test_timeout_ctx *ctx)
{
	test_timeout_fire(ctx, 1);
	timeout_remove(&ctx->to[1]);
}

static void test_timeout_2(struct test_timeout_ctx *ctx)
{
	test_timeout_fire(ctx, 2);
	timeout_remove(&ctx->to[2]);
}

static void test_timeout_3(struct test_timeout_ctx *ctx)
{
	test_timeout_fire(ctx, 3);
	if (ctx->fired[3] == 3)
		io_loop_stop(ctx->ioloop);
}

static void test_ioloop_timeouts(void)
{
	struct test_timeout_ctx ctx = { .order = t_str_new(32) };

	ctx.ioloop = io_loop_create();
	test_assert(current_ioloop == ctx.ioloop);
	ctx.to[2] = timeout_add(30, test_timeout_2, &ctx);
	ctx.to[1] = timeout_add(10, test_timeout_1, &ctx);
	ctx.to[0] = timeout_add(5, test_timeout_0, &ctx);
	ctx.victim = timeout_add(5, test_timeout_2, &ctx);
	ctx.to[3] = timeout_add(40, test_timeout_3, &ctx);
	time_t before = ioloop_time;
	io_loop_run(ctx.ioloop);
	test_assert(ioloop_time >= before);
	test_assert(ctx.victim == NULL);
	/* 0 repeats every 5ms until 3 has fired three times */
	test_assert(ctx.fired[1] == 1 && ctx.fired[2] == 1);
	test_assert(ctx.fired[3] == 3);
	test_assert(ctx.fired[0] >= 10);
	/* due order: 0 (5ms), 1 (10ms), 2 (30ms), 3 (40ms) */
	const char *order = str_c(ctx.order);
	test_assert(order[0] == '0');
	test_assert(strchr(order, '1') < strchr(order, '2'));
	test_assert(strchr(order, '2') < strchr(order, '3'));
	timeout_reset(ctx.to[0]);
	timeout_remove(&ctx.to[0]);
	timeout_remove(&ctx.to[3]);
	test_assert(ctx.to[0] == NULL);
	io_loop_destroy(&ctx.ioloop);
	test_assert(ctx.ioloop == NULL && current_ioloop == NULL);
}

struct test_io_ctx {
	struct ioloop *ioloop;
	int fds[2];
	struct io *io_read, *io_write, *io_read2;
	unsigned int reads, writes, read2_calls;
	size_t received;
	bool eof;
};

static void test_io_read(struct test_io_ctx *ctx)
{
	char buf[64];
	ssize_t ret = read(ctx->fds[0], buf, sizeof(buf));

	ctx->reads++;
	if (ret > 0) {
		ctx->received += (size_t)ret;
		return;
	}
	ctx->eof = ret == 0;
	io_remove(&ctx->io_read);
	/* removed while the same event may still be dispatched */
	io_remove(&ctx->io_read2);
	io_loop_stop(ctx->ioloop);
}

static void test_io_read2(struct test_io_ctx *ctx)
{
	ctx->read2_calls++;
}

static void test_io_write(struct test_io_ctx *ctx)
{
	ctx->writes++;
	test_assert(write(ctx->fds[1], "ping", 4) == 4);
	if (ctx->writes == 5) {
		io_remove(&ctx->io_write);
		(void)close(ctx->fds[1]);
	}
}

static void test_ioloop_io(void)
{
	struct test_io_ctx ctx = { .reads = 0 };

	test_assert(pipe2(ctx.fds, O_NONBLOCK) == 0);
	ctx.ioloop = io_loop_create();
	ctx.io_read = io_add(ctx.fds[0], IO_READ, test_io_read, &ctx);
	ctx.io_read2 = io_add(ctx.fds[0], IO_READ, test_io_read2, &ctx);
	ctx.io_write = io_add(ctx.fds[1], IO_WRITE, test_io_write, &ctx);
	io_loop_run(ctx.ioloop);
	test_assert(ctx.eof);
	test_assert(ctx.received == 20);
	test_assert(ctx.writes == 5);
	test_assert(ctx.read2_calls > 0);
	test_assert(ctx.io_read == NULL && ctx.io_read2 == NULL);
	(void)close(ctx.fds[0]);
	io_loop_destroy(&ctx.ioloop);
}

struct test_rw_ctx {
	struct ioloop *ioloop;
	int fd;
	struct io *io_read, *io_write;
	unsigned int reads, writes;
};

static void test_rw_read(struct test_rw_ctx *ctx)
{
	char buf[16];

	if (read(ctx->fd, buf, sizeof(buf)) > 0)
		ctx->reads++;
	if (ctx->reads > 0 && ctx->writes > 0)
		io_loop_stop(ctx->ioloop);
}

static void test_rw_write(struct test_rw_ctx *ctx)
{
	ctx->writes++;
	io_remove(&ctx->io_write);
	if (ctx->reads > 0 && ctx->writes > 0)
		io_loop_stop(ctx->ioloop);
}

/* IO_READ and IO_WRITE ios on the same fd share one epoll registration */
static void test_ioloop_same_fd(void)
{
	struct test_rw_ctx ctx = { .reads = 0 };
	int fds[2];

	test_assert(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0,
			       fds) == 0);
	ctx.ioloop = io_loop_create();
	ctx.fd = fds[0];
	ctx.io_read = io_add(fds[0], IO_READ, test_rw_read, &ctx);
	ctx.io_write = io_add(fds[0], IO_WRITE, test_rw_write, &ctx);
	test_assert(write(fds[1], "x", 1) == 1);
	io_loop_run(ctx.ioloop);
	test_assert(ctx.reads == 1 && ctx.writes == 1);

	/* the fd is closed while two ios still refer to it */
	ctx.io_write = io_add(fds[0], IO_WRITE, test_rw_write, &ctx);
	(void)close(fds[0]);
	io_remove(&ctx.io_read);
	io_remove(&ctx.io_write);
	io_loop_destroy(&ctx.ioloop);
	(void)close(fds[1]);
}

struct test_signal_ctx {
	struct ioloop *ioloop;
	int signo;
	pid_t sender;
};

static void test_signal_handler(const siginfo_t *si,
				struct test_signal_ctx *ctx)
{
	ctx->signo = si->si_signo;
	ctx->sender = si->si_pid;
	io_loop_stop(ctx->ioloop);
}

static void test_signal_send(struct test_signal_ctx *ctx ATTR_UNUSED)
{
	(void)kill(getpid(), SIGUSR1);
}

static void test_ioloop_signals(void)
{
	struct test_signal_ctx ctx = { .signo = 0 };

	ctx.ioloop = io_loop_create();
	lib_signals_init();
	lib_signals_set_handler(SIGUSR1,
		(signal_handler_t *)test_signal_handler, &ctx);
	lib_signals_ignore(SIGUSR2);
	struct timeout *to = timeout_add(1, test_signal_send, &ctx);
	test_assert(kill(getpid(), SIGUSR2) == 0);
	io_loop_run(ctx.ioloop);
	test_assert(ctx.signo == SIGUSR1);
	test_assert(ctx.sender == getpid());
	timeout_remove(&to);
	lib_signals_deinit();
	io_loop_destroy(&ctx.ioloop);
}

void test_ioloop(void)
{
	test_begin("ioloop");
	test_ioloop_timeouts();
	test_ioloop_io();
	test_ioloop_same_fd();
	test_ioloop_signals();
	test_end();
}
