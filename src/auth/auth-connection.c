/* Copyright (c) Cove authors. See AUTHORS. */

/* The connection plumbing shared by the auth-client and auth-master
   protocols: input loop, VERSION check, line dispatch, disconnect and
   teardown. A read error, an over-long line or a line its handler
   rejects is logged and disconnects. */

#include "lib.h"
#include "llist.h"
#include "str.h"
#include "ioloop.h"
#include "istream.h"
#include "ostream.h"
#include "master-service.h"
#include "auth-connection.h"

static struct auth_connection *auth_connections = NULL;

void auth_connection_send(struct auth_connection *conn, const char *line)
{
	o_stream_nsend_str(conn->output, t_strconcat(line, "\n", NULL));
}

static void auth_connection_disconnect(struct auth_connection *conn,
				       const char *reason)
{
	const char *prefix;

	if (reason != NULL) {
		prefix = conn->v->log_prefix != NULL ?
			conn->v->log_prefix(conn) :
			t_strconcat(conn->v->name, " connection", NULL);
		i_error("%s: %s, disconnecting", prefix, reason);
	}
	auth_connection_destroy(&conn);
}

static int auth_connection_handle_line(struct auth_connection *conn,
				       const char *line, const char **error_r)
{
	const char *const *args = t_strsplit_tabescaped(line);

	if (conn->version_received)
		return conn->v->handle_line(conn, args, error_r);
	if (strcmp(args[0], "VERSION") != 0 || args[1] == NULL ||
	    strcmp(args[1], "1") != 0) {
		*error_r = "Client did not send VERSION 1";
		return -1;
	}
	conn->version_received = true;
	return 0;
}

static void auth_connection_input(struct auth_connection *conn)
{
	const char *line, *error;
	ssize_t ret;
	int lret = 0;

	ret = i_stream_read(conn->input);
	if (ret == -1) {
		auth_connection_disconnect(conn,
			conn->input->stream_errno == 0 ? NULL :
			i_stream_get_error(conn->input));
		return;
	}
	if (ret == -2) {
		auth_connection_disconnect(conn, "Input line too long");
		return;
	}
	o_stream_cork(conn->output);
	while (lret == 0 &&
	       (line = i_stream_next_line(conn->input)) != NULL) {
		T_BEGIN {
			lret = auth_connection_handle_line(conn, line, &error);
			if (lret < 0) {
				auth_connection_disconnect(conn,
					t_strdup_printf("Bad input: %s",
							error));
			}
		} T_END;
	}
	if (lret == 0)
		o_stream_uncork(conn->output);
}

void auth_connection_init(struct auth_connection *conn,
			  const struct auth_connection_vfuncs *v,
			  struct auth *auth, int fd, size_t max_line_length)
{
	conn->v = v;
	conn->auth = auth;
	conn->fd = fd;
	fd_set_nonblock(fd, true);
	conn->input = i_stream_create_fd(fd, max_line_length, false);
	conn->output = o_stream_create_fd(fd, false);
	conn->io = io_add(fd, IO_READ, auth_connection_input, conn);

	DLLIST_PREPEND(&auth_connections, conn);
}

void auth_connection_destroy(struct auth_connection **_conn)
{
	struct auth_connection *conn = *_conn;

	*_conn = NULL;
	DLLIST_REMOVE(&auth_connections, conn);
	conn->v->destroy(conn);
	io_remove(&conn->io);
	i_stream_destroy(&conn->input);
	o_stream_destroy(&conn->output);
	if (close(conn->fd) < 0)
		i_error("close(%s connection) failed: %m", conn->v->name);
	i_free(conn);
	master_service_client_connection_destroyed(master_service);
}

void auth_connections_destroy_all(void)
{
	struct auth_connection *conn;

	while ((conn = auth_connections) != NULL)
		auth_connection_destroy(&conn);
}
