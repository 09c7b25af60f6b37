/* Copyright (c) Cove authors. See AUTHORS. */

/* The admin socket: one command per connection (master-admin.h). */

#include "lib.h"
#include "ioloop.h"
#include "istream.h"
#include "net.h"
#include "str.h"
#include "master-admin.h"

#include <sys/stat.h>

#define MASTER_ADMIN_MAX_LINE 1024
#define MASTER_ADMIN_TIMEOUT_MSECS (10 * 1000)

struct admin_connection {
	int fd;
	struct istream *input;
	struct io *io;
	struct timeout *to;
};

static int admin_listen_fd = -1;
static char *admin_path;
static struct io *admin_io;
static const struct master_admin_callbacks *admin_callbacks;

static void admin_connection_destroy(struct admin_connection *conn)
{
	io_remove(&conn->io);
	timeout_remove(&conn->to);
	i_stream_destroy(&conn->input);
	i_close_fd(&conn->fd);
	i_free(conn);
}

static void admin_reply(struct admin_connection *conn, const char *reply)
{
	const char *line = t_strdup_printf("%s\n", reply);

	/* The reply is tiny and the socket buffer empty: one write. */
	if (write(conn->fd, line, strlen(line)) < 0)
		i_error("admin: write() failed: %m");
}

/* "OK" if ret is 0, else "FAIL<TAB>error". */
static void admin_reply_result(struct admin_connection *conn, int ret,
			       const char *error)
{
	if (ret == 0)
		admin_reply(conn, "OK");
	else
		admin_reply(conn, t_strdup_printf("FAIL\t%s",
						  str_tabescape(error)));
}

static void admin_command(struct admin_connection *conn, const char *line)
{
	const char *error = NULL;
	int ret;

	if (strcmp(line, "STOP") == 0) {
		i_info("Stop requested through the admin socket");
		admin_reply(conn, "OK");
		admin_callbacks->stop();
	} else if (strcmp(line, "RELOAD") == 0) {
		ret = admin_callbacks->reload(&error);
		admin_reply_result(conn, ret, error);
	} else if (strcmp(line, "LOG-REOPEN") == 0) {
		ret = admin_callbacks->log_reopen(&error);
		admin_reply_result(conn, ret, error);
	} else {
		admin_reply(conn, "FAIL\tUnknown command");
	}
}

static void admin_input(struct admin_connection *conn)
{
	const char *line;
	ssize_t ret;

	ret = i_stream_read(conn->input);
	line = i_stream_next_line(conn->input);
	if (line != NULL) {
		T_BEGIN {
			admin_command(conn, line);
		} T_END;
	} else if (ret == 0) {
		return;
	} else if (ret == -2) {
		admin_reply(conn, "FAIL\tLine too long");
	}
	admin_connection_destroy(conn);
}

static void admin_timeout(struct admin_connection *conn)
{
	admin_connection_destroy(conn);
}

static void admin_accept(void *context ATTR_UNUSED)
{
	struct admin_connection *conn;
	int fd;

	fd = net_accept(admin_listen_fd, NULL, NULL);
	if (fd < 0) {
		if (fd == -2)
			i_error("admin: accept(%s) failed: %m", admin_path);
		return;
	}
	fd_set_nonblock(fd, true);
	conn = i_new(struct admin_connection, 1);
	conn->fd = fd;
	conn->input = i_stream_create_fd(fd, MASTER_ADMIN_MAX_LINE, false);
	conn->io = io_add(fd, IO_READ, admin_input, conn);
	conn->to = timeout_add(MASTER_ADMIN_TIMEOUT_MSECS, admin_timeout, conn);
}

int master_admin_init(const char *path,
		      const struct master_admin_callbacks *callbacks,
		      const char **error_r)
{
	admin_listen_fd = net_listen_unix(path, 16, error_r);
	if (admin_listen_fd < 0)
		return -1;
	if (chmod(path, 0600) < 0) {
		*error_r = t_strdup_printf("chmod(%s) failed: %m", path);
		i_close_fd(&admin_listen_fd);
		return -1;
	}
	admin_path = i_strdup(path);
	admin_callbacks = callbacks;
	admin_io = io_add(admin_listen_fd, IO_READ, admin_accept, NULL);
	return 0;
}

void master_admin_deinit(void)
{
	if (admin_listen_fd == -1)
		return;
	io_remove(&admin_io);
	i_close_fd(&admin_listen_fd);
	(void)unlink(admin_path);
	i_free(admin_path);
}
