/* Copyright (c) Cove authors. See AUTHORS. */

/* Tests for auth-client.c against a fake server in the same process: the
   handshake, queued requests, CONT/OK/FAIL dispatch, and ABORT when the
   connection drops. */

#include "lib.h"
#include "buffer.h"
#include "ioloop.h"
#include "net.h"
#include "file-util.h"
#include "test-lib-auth.h"
#include "auth-client.h"

#include <poll.h>

#define TEST_HANDSHAKE \
	"VERSION\t1\t2\nMECH\tPLAIN\tplaintext\nMECH\tLOGIN\tplaintext\n" \
	"SPID\t1\nCUID\t1\nCOOKIE\t0123456789abcdef0123456789abcdef\nDONE\n"

struct test_client_ctx {
	struct ioloop *ioloop;
	unsigned int count;
	enum auth_request_status status;
	char data[64];
	char args[256];
	/* sent as a continuation on CONTINUE */
	const char *cont_data;
};

static void test_client_callback(struct auth_client_request *request,
				 enum auth_request_status status,
				 const char *data_base64,
				 const char *const *args, void *context)
{
	struct test_client_ctx *ctx = context;

	ctx->count++;
	ctx->status = status;
	snprintf(ctx->data, sizeof(ctx->data), "%s",
		 data_base64 == NULL ? "(null)" : data_base64);
	snprintf(ctx->args, sizeof(ctx->args), "%s",
		 t_strarray_join(args, ","));
	if (status == AUTH_REQUEST_STATUS_CONTINUE && ctx->cont_data != NULL)
		auth_client_request_continue(request, ctx->cont_data);
	io_loop_stop(ctx->ioloop);
}

static void test_client_stop(struct ioloop *ioloop)
{
	io_loop_stop(ioloop);
}

/* Runs the ioloop until a callback or 1 second passes. */
static void test_client_run(struct test_client_ctx *ctx)
{
	struct timeout *to = timeout_add(1000, test_client_stop, ctx->ioloop);

	io_loop_run(ctx->ioloop);
	timeout_remove(&to);
}

/* Reads what the client sent, waiting up to a second for it. */
static const char *test_server_read(int fd)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	char buf[1024];
	ssize_t ret;

	if (poll(&pfd, 1, 1000) <= 0)
		return "";
	ret = read(fd, buf, sizeof(buf) - 1);
	if (ret < 0)
		i_fatal("read() failed: %m");
	return t_strndup(buf, ret);
}

static void test_server_write(int fd, const char *str)
{
	if (write_full(fd, str, strlen(str)) < 0)
		i_fatal("write() failed: %m");
}

static void test_client_requests(struct auth_client *client, int srv,
				 struct test_client_ctx *ctx,
				 const struct auth_request_info *info)
{
	/* a continuation, then OK */
	ctx->cont_data = "eHl6";
	test_server_write(srv, "CONT\t1\tYWJj\n");
	test_client_run(ctx);
	test_assert(ctx->count == 1);
	test_assert(ctx->status == AUTH_REQUEST_STATUS_CONTINUE);
	test_assert_strcmp(ctx->data, "YWJj");
	test_assert_strcmp(test_server_read(srv), "CONT\t1\teHl6\n");
	test_server_write(srv, "OK\t1\tuser=u1\tcookie=c0\n");
	test_client_run(ctx);
	test_assert(ctx->status == AUTH_REQUEST_STATUS_OK);
	test_assert_strcmp(ctx->args, "user=u1,cookie=c0");

	/* FAIL; replies to unknown ids are ignored */
	(void)auth_client_request_new(client, info, test_client_callback, ctx);
	test_assert(str_begins(test_server_read(srv), "AUTH\t2\tPLAIN\t"));
	test_server_write(srv, "OK\t99\tuser=x\nFAIL\t2\tuser=u1\ttemp\n");
	test_client_run(ctx);
	test_assert(ctx->count == 3);
	test_assert(ctx->status == AUTH_REQUEST_STATUS_FAIL);
	test_assert_strcmp(ctx->args, "user=u1,temp");

	/* the connection drops: requests in flight are aborted */
	(void)auth_client_request_new(client, info, test_client_callback, ctx);
	test_assert(str_begins(test_server_read(srv), "AUTH\t3\t"));
	(void)close(srv);
	test_client_run(ctx);
	test_assert(ctx->count == 4);
	test_assert(ctx->status == AUTH_REQUEST_STATUS_ABORT);
	test_assert(!auth_client_is_connected(client));
}

void test_auth_client(void)
{
	struct test_client_ctx ctx;
	struct auth_request_info info;
	struct auth_client *client;
	const char *const *mechs;
	const char *path, *error, *sent;
	int listen_fd, srv;

	test_begin("auth-client");
	memset(&ctx, 0, sizeof(ctx));
	ctx.ioloop = io_loop_create();
	path = t_strdup_printf("/tmp/test-auth-client.%ld", (long)getpid());
	listen_fd = net_listen_unix(path, 4, &error);
	if (listen_fd < 0)
		i_fatal("%s", error);
	client = auth_client_init(path);
	srv = net_accept(listen_fd, NULL, NULL);
	test_assert(srv >= 0);
	fd_set_nonblock(srv, false);

	/* queued until the handshake is done */
	memset(&info, 0, sizeof(info));
	info.mech = "PLAIN";
	info.service = "imap";
	info.secured = true;
	info.initial_resp_base64 = "AHUxAHA=";
	test_assert(net_addr2ip("192.0.2.1", &info.remote_ip) == 0);
	info.remote_port = 4000;
	(void)auth_client_request_new(client, &info, test_client_callback,
				      &ctx);
	sent = test_server_read(srv);
	test_assert(str_begins(sent, "VERSION\t1\t2\nCPID\t"));
	test_assert(strstr(sent, "AUTH") == NULL);
	test_assert(auth_client_get_mechs(client) == NULL);

	test_server_write(srv, TEST_HANDSHAKE);
	test_client_run(&ctx);
	test_assert(auth_client_is_connected(client));
	mechs = auth_client_get_mechs(client);
	test_assert(mechs != NULL && str_array_length(mechs) == 2);
	test_assert_strcmp(t_strarray_join(mechs, " "), "PLAIN LOGIN");
	test_assert_strcmp(test_server_read(srv),
		"AUTH\t1\tPLAIN\tservice=imap\tsecured\trip=192.0.2.1\t"
		"rport=4000\tresp=AHUxAHA=\n");

	test_client_requests(client, srv, &ctx, &info);

	auth_client_deinit(&client);
	(void)close(listen_fd);
	(void)unlink(path);
	io_loop_destroy(&ctx.ioloop);
	test_end();
}
