/* Copyright (c) Cove authors. See AUTHORS. */
/* Tests for ostream.c: buffer, blocking fd and non-blocking fd streams. */

#include "lib.h"
#include "ioloop.h"
#include "net.h"
#include "ostream.h"
#include "str.h"
#include "test-lib.h"

#include <sys/socket.h>
#include <sys/wait.h>

#define TEST_OSTREAM_TOTAL (1024 * 1024)

struct test_ostream_ctx {
	struct ioloop *ioloop;
	struct ostream *output;
	int read_fd;
	struct io *io;
	size_t sent, received;
	unsigned int flush_calls;
	bool data_ok;
};

static void test_ostream_buffer(void)
{
	buffer_t *buf = t_str_new(8);
	struct ostream *os = o_stream_create_buffer(buf);

	test_assert(o_stream_send(os, "abc", 3) == 3);
	o_stream_nsend_str(os, "def");
	test_assert(o_stream_send_str(os, "") == 0);
	test_assert_strcmp(str_c(buf), "abcdef");
	test_assert(os->offset == 6);
	test_assert(o_stream_flush(os) == 1);
	test_assert(o_stream_get_fd(os) == -1);
	o_stream_destroy(&os);
	test_assert(os == NULL);
}

static void test_ostream_blocking_fd(void)
{
	int fds[2];
	char buf[64];

	test_assert(socketpair(AF_UNIX, SOCK_STREAM, 0, fds) == 0);
	struct ostream *os = o_stream_create_fd(fds[1], true);
	o_stream_cork(os);
	test_assert(o_stream_is_corked(os));
	o_stream_nsend_str(os, "hello ");
	o_stream_nsend_str(os, "world");
	/* corked: nothing written yet */
	test_assert(o_stream_get_buffer_used_size(os) == 11);
	test_assert(recv(fds[0], buf, sizeof(buf), MSG_DONTWAIT) < 0);
	o_stream_uncork(os);
	test_assert(o_stream_get_buffer_used_size(os) == 0);
	test_assert(read(fds[0], buf, sizeof(buf)) == 11);
	test_assert(memcmp(buf, "hello world", 11) == 0);
	test_assert(o_stream_finish(os) == 0);

	/* the peer goes away: EPIPE, not SIGPIPE */
	test_assert(close(fds[0]) == 0);
	test_assert(o_stream_send_str(os, "x") < 0 ||
		    o_stream_send_str(os, "y") < 0);
	test_assert(os->stream_errno == EPIPE ||
		    os->stream_errno == ECONNRESET);
	test_assert(strstr(o_stream_get_error(os), "write") != NULL);
	test_assert(o_stream_send_str(os, "z") < 0);
	o_stream_destroy(&os);
}

static void test_ostream_reader(struct test_ostream_ctx *ctx)
{
	unsigned char buf[4096];
	ssize_t ret = read(ctx->read_fd, buf, sizeof(buf));

	if (ret <= 0) {
		io_remove(&ctx->io);
		return;
	}
	for (ssize_t i = 0; i < ret; i++) {
		if (buf[i] != (unsigned char)((ctx->received + i) % 251))
			ctx->data_ok = false;
	}
	ctx->received += (size_t)ret;
	if (ctx->received == TEST_OSTREAM_TOTAL &&
	    o_stream_get_buffer_used_size(ctx->output) == 0)
		io_loop_stop(ctx->ioloop);
}

static int test_ostream_flush(struct test_ostream_ctx *ctx)
{
	unsigned char buf[1000];

	ctx->flush_calls++;
	/* produce until a lot is pending, then wait to be called again */
	while (ctx->sent < TEST_OSTREAM_TOTAL &&
	       o_stream_get_buffer_used_size(ctx->output) < 16384) {
		size_t size = I_MIN(sizeof(buf),
				    TEST_OSTREAM_TOTAL - ctx->sent);

		for (size_t i = 0; i < size; i++)
			buf[i] = (unsigned char)((ctx->sent + i) % 251);
		if (o_stream_send(ctx->output, buf, size) < 0)
			return -1;
		ctx->sent += size;
	}
	return ctx->sent < TEST_OSTREAM_TOTAL ? 0 : 1;
}

static void test_ostream_timeout(struct test_ostream_ctx *ctx)
{
	io_loop_stop(ctx->ioloop);
	ctx->data_ok = false;
}

static void test_ostream_nonblocking_fd(void)
{
	struct test_ostream_ctx ctx = { .data_ok = true };
	int fds[2];

	test_assert(socketpair(AF_UNIX, SOCK_STREAM, 0, fds) == 0);
	fd_set_nonblock(fds[1], true);
	ctx.ioloop = io_loop_create();
	ctx.read_fd = fds[0];
	ctx.output = o_stream_create_fd(fds[1], true);
	o_stream_set_flush_callback(ctx.output, test_ostream_flush, &ctx);
	/* nothing sent yet: flush pending starts the producer */
	o_stream_set_flush_pending(ctx.output, true);
	ctx.io = io_add(fds[0], IO_READ, test_ostream_reader, &ctx);
	struct timeout *to = timeout_add(10000, test_ostream_timeout, &ctx);
	io_loop_run(ctx.ioloop);
	timeout_remove(&to);
	test_assert(ctx.data_ok);
	test_assert(ctx.received == TEST_OSTREAM_TOTAL);
	test_assert(ctx.sent == TEST_OSTREAM_TOTAL);
	test_assert(ctx.flush_calls > 1);
	test_assert(ctx.output->offset == TEST_OSTREAM_TOTAL);

	/* o_stream_finish() on a non-blocking fd with the reader behind */
	const size_t big_size = 4 * 1024 * 1024;
	unsigned char *big = i_malloc(big_size);
	test_assert(o_stream_send(ctx.output, big, big_size) ==
		    (ssize_t)big_size);
	i_free(big);
	test_assert(o_stream_get_buffer_used_size(ctx.output) > 0);
	pid_t pid = fork();
	if (pid == 0) {
		/* child: drain the socket slowly enough */
		unsigned char buf[8192];
		size_t total = 0;
		ssize_t ret;

		while (total < big_size &&
		       (ret = read(fds[0], buf, sizeof(buf))) > 0)
			total += (size_t)ret;
		_exit(total == big_size ? 0 : 1);
	}
	test_assert(pid > 0);
	test_assert(o_stream_finish(ctx.output) == 0);
	test_assert(o_stream_get_buffer_used_size(ctx.output) == 0);
	int status = -1;
	test_assert(waitpid(pid, &status, 0) == pid);
	test_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);

	io_remove(&ctx.io);
	o_stream_destroy(&ctx.output);
	(void)close(fds[0]);
	io_loop_destroy(&ctx.ioloop);
	test_assert(current_ioloop == NULL);
}

void test_ostream(void)
{
	test_begin("ostream");
	test_ostream_buffer();
	test_ostream_blocking_fd();
	test_ostream_nonblocking_fd();
	test_end();
}
