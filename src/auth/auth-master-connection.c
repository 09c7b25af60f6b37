/* Copyright (c) Cove authors. See AUTHORS. */

/* Server side of the auth-master protocol. A connection sends VERSION,
   then any number of REQUEST (cookie) and USER (userdb lookup) lines;
   each gets one USER, NOTFOUND or FAIL reply with the same id. The
   socket's file mode is the access control: only processes that may
   connect get user fields. */

#include "lib.h"
#include "array.h"
#include "str.h"
#include "ioloop.h"
#include "istream.h"
#include "ostream.h"
#include "master-service.h"
#include "auth.h"
#include "auth-cookie.h"
#include "auth-request.h"
#include "auth-master-connection.h"

struct auth_master_connection {
	struct auth_master_connection *prev, *next;
	struct auth *auth;
	int fd;
	struct io *io;
	struct istream *input;
	struct ostream *output;
	/* userdb lookups in progress */
	ARRAY(struct auth_request *) requests;
	bool version_received;
};

static struct auth_master_connection *auth_master_connections = NULL;

static void
auth_master_connection_destroy(struct auth_master_connection **conn);

bool auth_master_connection_is_master_listener(const char *name)
{
	return str_ends(name, "auth-master") || str_ends(name, "auth-userdb");
}

static void auth_master_send(struct auth_master_connection *conn,
			     const char *line)
{
	o_stream_nsend_str(conn->output, t_strconcat(line, "\n", NULL));
}

static void auth_master_send_user(struct auth_master_connection *conn,
				  unsigned int id, const char *user,
				  const struct auth_field_list *fields)
{
	string_t *str = t_str_new(256);

	str_printfa(str, "USER\t%u\t", id);
	str_append_tabescaped(str, user);
	auth_field_list_append_tabescaped(fields, str);
	auth_master_send(conn, str_c(str));
}

static void auth_master_send_fail(struct auth_master_connection *conn,
				  unsigned int id, const char *reason)
{
	auth_master_send(conn, t_strdup_printf("FAIL\t%u\treason=%s", id,
					       str_tabescape(reason)));
}

static int auth_master_parse_id(const char *str, unsigned int *id_r,
				const char **error_r)
{
	if (str == NULL || str_to_uint(str, id_r) < 0) {
		*error_r = "Invalid request id";
		return -1;
	}
	return 0;
}

static int auth_master_handle_request(struct auth_master_connection *conn,
				      const char *const *args,
				      const char **error_r)
{
	struct auth_field_list *fields;
	const char *user;
	unsigned int id;
	pool_t pool;

	if (auth_master_parse_id(args[0], &id, error_r) < 0)
		return -1;
	if (args[1] == NULL) {
		*error_r = "REQUEST without a cookie";
		return -1;
	}
	pool = pool_alloconly_create_clean("auth-master cookie", 512);
	if (auth_cookies_take(conn->auth->cookies, args[1], ioloop_time,
			      pool, &user, &fields) > 0)
		auth_master_send_user(conn, id, user, fields);
	else
		auth_master_send(conn, t_strdup_printf("NOTFOUND\t%u", id));
	pool_unref(&pool);
	return 0;
}

static void auth_master_request_finished(struct auth_master_connection *conn,
					 struct auth_request *request)
{
	array_foreach(&conn->requests, r) {
		if (*r == request) {
			array_delete(&conn->requests,
				     array_foreach_idx(&conn->requests, r), 1);
			break;
		}
	}
	auth_request_free(&request);
}

static void auth_master_userdb_callback(enum userdb_result result,
					struct auth_request *request)
{
	struct auth_master_connection *conn = request->context;

	T_BEGIN {
		switch (result) {
		case USERDB_RESULT_OK:
			auth_master_send_user(conn, request->id, request->user,
					      request->userdb_fields);
			break;
		case USERDB_RESULT_USER_UNKNOWN:
			auth_master_send(conn, t_strdup_printf(
				"NOTFOUND\t%u", request->id));
			break;
		case USERDB_RESULT_INTERNAL_FAILURE:
			auth_master_send_fail(conn, request->id,
					      "Internal error");
			break;
		}
	} T_END;
	auth_master_request_finished(conn, request);
}

static int auth_master_handle_user(struct auth_master_connection *conn,
				   const char *const *args,
				   const char **error_r)
{
	struct auth_request *request;
	const char *error;
	unsigned int id;

	if (auth_master_parse_id(args[0], &id, error_r) < 0)
		return -1;
	if (args[1] == NULL) {
		*error_r = "USER without a user name";
		return -1;
	}
	if (array_count(&conn->requests) >= AUTH_MASTER_MAX_REQUESTS) {
		*error_r = "Too many requests in progress";
		return -1;
	}
	request = auth_request_new(conn->auth, NULL, NULL, conn);
	request->id = id;
	for (const char *const *arg = args + 2; *arg != NULL; arg++) {
		if (str_begins(*arg, "service="))
			request->service = p_strdup(request->pool, *arg + 8);
	}
	if (auth_request_set_username(request, args[1], &error) < 0) {
		auth_master_send_fail(conn, id, error);
		auth_request_free(&request);
		return 0;
	}
	array_push_back(&conn->requests, &request);
	auth_request_lookup_user(request, auth_master_userdb_callback);
	return 0;
}

static int auth_master_handle_line(struct auth_master_connection *conn,
				   const char *line, const char **error_r)
{
	const char *const *args = t_strsplit_tabescaped(line);

	if (!conn->version_received) {
		if (strcmp(args[0], "VERSION") != 0 || args[1] == NULL ||
		    strcmp(args[1], "1") != 0) {
			*error_r = "Client did not send VERSION 1";
			return -1;
		}
		conn->version_received = true;
		return 0;
	}
	if (strcmp(args[0], "REQUEST") == 0)
		return auth_master_handle_request(conn, args + 1, error_r);
	if (strcmp(args[0], "USER") == 0)
		return auth_master_handle_user(conn, args + 1, error_r);
	*error_r = t_strdup_printf("Unknown command: %s",
				   str_tabescape(args[0]));
	return -1;
}

static void auth_master_input(struct auth_master_connection *conn)
{
	const char *line, *error;
	ssize_t ret;
	int lret = 0;

	ret = i_stream_read(conn->input);
	if (ret == -1 || ret == -2) {
		if (ret == -2)
			i_error("auth-master connection: Input line too long, "
				"disconnecting");
		auth_master_connection_destroy(&conn);
		return;
	}
	o_stream_cork(conn->output);
	while (lret == 0 &&
	       (line = i_stream_next_line(conn->input)) != NULL) {
		T_BEGIN {
			lret = auth_master_handle_line(conn, line, &error);
			if (lret < 0) {
				i_error("auth-master connection: Bad input: "
					"%s, disconnecting", error);
				auth_master_connection_destroy(&conn);
			}
		} T_END;
	}
	if (lret == 0)
		o_stream_uncork(conn->output);
}

void auth_master_connection_create(struct auth *auth, int fd)
{
	struct auth_master_connection *conn;

	conn = i_new(struct auth_master_connection, 1);
	conn->auth = auth;
	conn->fd = fd;
	i_array_init(&conn->requests, 8);
	fd_set_nonblock(fd, true);
	conn->input = i_stream_create_fd(fd, AUTH_MASTER_MAX_LINE_LENGTH,
					 false);
	conn->output = o_stream_create_fd(fd, false);
	conn->io = io_add(fd, IO_READ, auth_master_input, conn);

	conn->next = auth_master_connections;
	if (auth_master_connections != NULL)
		auth_master_connections->prev = conn;
	auth_master_connections = conn;
}

static void
auth_master_connection_destroy(struct auth_master_connection **_conn)
{
	struct auth_master_connection *conn = *_conn;

	*_conn = NULL;
	if (conn->prev != NULL)
		conn->prev->next = conn->next;
	else
		auth_master_connections = conn->next;
	if (conn->next != NULL)
		conn->next->prev = conn->prev;

	array_foreach_modifiable(&conn->requests, request)
		auth_request_free(request);
	array_free(&conn->requests);
	io_remove(&conn->io);
	i_stream_destroy(&conn->input);
	o_stream_destroy(&conn->output);
	if (close(conn->fd) < 0)
		i_error("close(auth-master connection) failed: %m");
	i_free(conn);
	master_service_client_connection_destroyed(master_service);
}

void auth_master_connections_destroy_all(void)
{
	struct auth_master_connection *conn;

	while ((conn = auth_master_connections) != NULL)
		auth_master_connection_destroy(&conn);
}
