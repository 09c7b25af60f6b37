/* Copyright (c) Cove authors. See AUTHORS. */

/* Non-blocking client of the auth-client protocol (version 1.2).

   The connection goes through two phases: the handshake (the server's
   VERSION, MECH, SPID, CUID, COOKIE lines up to DONE) and then replies to
   requests (OK, CONT, FAIL) matched by id. Requests made while the
   handshake is not done keep their AUTH line queued and are sent at DONE.
   When the connection drops, every request already sent is finished with
   AUTH_REQUEST_STATUS_ABORT, and a timer reconnects; queued requests wait
   for the new connection. The AUTH line may carry a password (SASL-IR),
   so it is wiped once sent. */

#include "lib.h"
#include "llist.h"
#include "array.h"
#include "str.h"
#include "ioloop.h"
#include "istream.h"
#include "ostream.h"
#include "net.h"
#include "auth-client.h"

#define AUTH_CLIENT_PROTOCOL_MAJOR 1
#define AUTH_CLIENT_PROTOCOL_MINOR 2
/* Longest line accepted from the server. */
#define AUTH_CLIENT_MAX_LINE_LENGTH 16384
#define AUTH_CLIENT_RECONNECT_MSECS 1000

struct auth_client_request {
	struct auth_client_request *prev, *next;
	struct auth_client *client;
	unsigned int id;
	/* The AUTH line while it waits for the handshake, else NULL. */
	char *auth_line;
	auth_request_callback_t *callback;
	void *context;
};

struct auth_client {
	char *socket_path;
	int fd;
	struct io *io;
	struct istream *input;
	struct ostream *output;
	struct timeout *to_reconnect;

	pool_t mech_pool;
	ARRAY_TYPE(const_string) mechs;

	unsigned int next_id;
	struct auth_client_request *requests;

	auth_client_connected_callback_t *connected_callback;
	void *connected_context;

	bool version_received;
	bool handshaked;
	/* The last connect attempt failed and was logged. */
	bool connect_failure_logged;
};

static void auth_client_reconnect(struct auth_client *client);

const char *auth_fields_find(const char *const *args, const char *key)
{
	size_t key_len = strlen(key);

	for (; *args != NULL; args++) {
		if (strncmp(*args, key, key_len) != 0)
			continue;
		if ((*args)[key_len] == '=')
			return *args + key_len + 1;
		if ((*args)[key_len] == '\0')
			return "";
	}
	return NULL;
}

static void auth_client_request_free(struct auth_client_request **_request)
{
	struct auth_client_request *request = *_request;
	struct auth_client *client = request->client;

	*_request = NULL;
	DLLIST_REMOVE(&client->requests, request);
	if (request->auth_line != NULL) {
		safe_memset(request->auth_line, 0,
			    strlen(request->auth_line));
		i_free(request->auth_line);
	}
	i_free(request);
}

static void auth_client_send_queued(struct auth_client *client)
{
	struct auth_client_request *request;

	o_stream_cork(client->output);
	for (request = client->requests; request != NULL;
	     request = request->next) {
		if (request->auth_line == NULL)
			continue;
		o_stream_nsend_str(client->output, request->auth_line);
		safe_memset(request->auth_line, 0,
			    strlen(request->auth_line));
		i_free(request->auth_line);
	}
	o_stream_uncork(client->output);
}

static void auth_client_mechs_init(struct auth_client *client)
{
	client->mech_pool = pool_alloconly_create("auth-client mechs", 256);
	p_array_init(&client->mechs, client->mech_pool, 8);
}

static struct auth_client_request *
auth_client_request_first_sent(struct auth_client *client)
{
	struct auth_client_request *request;

	for (request = client->requests; request != NULL;
	     request = request->next) {
		if (request->auth_line == NULL)
			return request;
	}
	return NULL;
}

static void auth_client_disconnect(struct auth_client *client)
{
	io_remove(&client->io);
	if (client->input != NULL)
		i_stream_destroy(&client->input);
	if (client->output != NULL)
		o_stream_destroy(&client->output);
	if (client->fd != -1) {
		(void)close(client->fd);
		client->fd = -1;
	}
	client->version_received = false;
	client->handshaked = false;
	/* a fresh pool, so that reconnects do not pile up names */
	pool_unref(&client->mech_pool);
	auth_client_mechs_init(client);
}

/* Finishes the requests that were sent on the lost connection. */
static void auth_client_abort_sent(struct auth_client *client)
{
	struct auth_client_request *request;
	static const char *const no_args[] = { NULL };

	/* a callback may abort other requests: rescan after each one */
	while ((request = auth_client_request_first_sent(client)) != NULL) {
		request->callback(request, AUTH_REQUEST_STATUS_ABORT, NULL,
				  no_args, request->context);
		auth_client_request_free(&request);
	}
}

static void auth_client_connection_lost(struct auth_client *client,
					const char *reason)
{
	i_error("auth-client: Lost connection to %s: %s",
		client->socket_path, reason);
	auth_client_disconnect(client);
	auth_client_abort_sent(client);
	if (client->to_reconnect == NULL) {
		client->to_reconnect = timeout_add(AUTH_CLIENT_RECONNECT_MSECS,
						   auth_client_reconnect,
						   client);
	}
}

static struct auth_client_request *
auth_client_request_find(struct auth_client *client, const char *id_str)
{
	struct auth_client_request *request;
	unsigned int id;

	if (str_to_uint(id_str, &id) < 0)
		return NULL;
	for (request = client->requests; request != NULL;
	     request = request->next) {
		if (request->id == id && request->auth_line == NULL)
			return request;
	}
	return NULL;
}

/* Handles a handshake line. Returns 0, or -1 with error_r. */
static int auth_client_input_handshake(struct auth_client *client,
				       const char *const *args,
				       const char **error_r)
{
	const char *mech;

	if (strcmp(args[0], "VERSION") == 0) {
		if (args[1] == NULL ||
		    strcmp(args[1], "1") != 0) {
			*error_r = "Unsupported protocol version";
			return -1;
		}
		client->version_received = true;
	} else if (!client->version_received) {
		*error_r = "Handshake did not begin with VERSION";
		return -1;
	} else if (strcmp(args[0], "MECH") == 0 && args[1] != NULL) {
		mech = p_strdup(client->mech_pool, args[1]);
		array_push_back(&client->mechs, &mech);
	} else if (strcmp(args[0], "DONE") == 0) {
		mech = NULL;
		array_push_back(&client->mechs, &mech);
		client->handshaked = true;
		client->connect_failure_logged = false;
		auth_client_send_queued(client);
		if (client->connected_callback != NULL)
			client->connected_callback(client->connected_context);
	}
	return 0;
}

/* Handles a reply line after the handshake. Returns 0, or -1 with
   error_r. */
static int auth_client_input_reply(struct auth_client *client,
				   const char *const *args,
				   const char **error_r)
{
	struct auth_client_request *request;
	enum auth_request_status status;

	if (strcmp(args[0], "OK") == 0)
		status = AUTH_REQUEST_STATUS_OK;
	else if (strcmp(args[0], "FAIL") == 0)
		status = AUTH_REQUEST_STATUS_FAIL;
	else if (strcmp(args[0], "CONT") == 0)
		status = AUTH_REQUEST_STATUS_CONTINUE;
	else
		return 0;
	if (args[1] == NULL) {
		*error_r = t_strdup_printf("%s reply without an id", args[0]);
		return -1;
	}
	request = auth_client_request_find(client, args[1]);
	if (request == NULL) {
		/* aborted by the caller meanwhile */
		return 0;
	}
	if (status == AUTH_REQUEST_STATUS_CONTINUE) {
		request->callback(request, status,
				  args[2] == NULL ? "" : args[2], args + 2,
				  request->context);
		return 0;
	}
	request->callback(request, status, NULL, args + 2, request->context);
	auth_client_request_free(&request);
	return 0;
}

static int auth_client_input_line(struct auth_client *client,
				  const char *line, const char **error_r)
{
	const char *const *args = t_strsplit_tabescaped(line);

	if (args[0] == NULL)
		return 0;
	if (!client->handshaked)
		return auth_client_input_handshake(client, args, error_r);
	return auth_client_input_reply(client, args, error_r);
}

static void auth_client_input(struct auth_client *client)
{
	const char *line, *error = NULL;
	ssize_t ret;
	int lret = 0;

	ret = i_stream_read(client->input);
	if (ret == -1) {
		auth_client_connection_lost(client,
			client->input->stream_errno == 0 ?
			"Connection closed by auth" :
			i_stream_get_error(client->input));
		return;
	}
	if (ret == -2) {
		auth_client_connection_lost(client,
					    "Line from auth too long");
		return;
	}
	while (lret == 0 && client->input != NULL &&
	       (line = i_stream_next_line(client->input)) != NULL) {
		T_BEGIN {
			lret = auth_client_input_line(client, line, &error);
			if (lret < 0)
				error = t_strdup(error);
		} T_END;
		if (lret < 0) {
			auth_client_connection_lost(client,
				t_strdup_printf("Bad input: %s", error));
		}
	}
}

/* Returns 0 when connected, -1 (errno set) if connecting failed. */
static int auth_client_connect(struct auth_client *client)
{
	const char *handshake;

	client->fd = net_connect_unix(client->socket_path);
	if (client->fd == -1)
		return -1;
	fd_set_nonblock(client->fd, true);
	client->input = i_stream_create_fd(client->fd,
					   AUTH_CLIENT_MAX_LINE_LENGTH, false);
	client->output = o_stream_create_fd(client->fd, false);
	client->io = io_add(client->fd, IO_READ, auth_client_input, client);
	handshake = t_strdup_printf("VERSION\t%u\t%u\nCPID\t%ld\n",
				    AUTH_CLIENT_PROTOCOL_MAJOR,
				    AUTH_CLIENT_PROTOCOL_MINOR,
				    (long)getpid());
	o_stream_nsend_str(client->output, handshake);
	return 0;
}

static void auth_client_reconnect(struct auth_client *client)
{
	if (auth_client_connect(client) < 0) {
		if (!client->connect_failure_logged) {
			i_error("auth-client: connect(%s) failed: %m",
				client->socket_path);
			client->connect_failure_logged = true;
		}
		if (client->to_reconnect == NULL) {
			client->to_reconnect =
				timeout_add(AUTH_CLIENT_RECONNECT_MSECS,
					    auth_client_reconnect, client);
		}
		return;
	}
	if (client->to_reconnect != NULL)
		timeout_remove(&client->to_reconnect);
}

struct auth_client *auth_client_init(const char *socket_path)
{
	struct auth_client *client = i_new(struct auth_client, 1);

	client->socket_path = i_strdup(socket_path);
	client->fd = -1;
	auth_client_mechs_init(client);
	auth_client_reconnect(client);
	return client;
}

void auth_client_deinit(struct auth_client **_client)
{
	struct auth_client *client = *_client;
	struct auth_client_request *request;

	*_client = NULL;
	auth_client_disconnect(client);
	while ((request = client->requests) != NULL)
		auth_client_request_free(&request);
	if (client->to_reconnect != NULL)
		timeout_remove(&client->to_reconnect);
	pool_unref(&client->mech_pool);
	i_free(client->socket_path);
	i_free(client);
}

void auth_client_set_connected_callback_(struct auth_client *client,
	auth_client_connected_callback_t *callback, void *context)
{
	client->connected_callback = callback;
	client->connected_context = context;
}

bool auth_client_is_connected(const struct auth_client *client)
{
	return client->handshaked;
}

const char *const *auth_client_get_mechs(const struct auth_client *client)
{
	if (!client->handshaked)
		return NULL;
	/* NULL-terminated since DONE */
	return array_front(&client->mechs);
}

static void auth_client_append_field(string_t *str, const char *key,
				     const char *value)
{
	str_append_c(str, '\t');
	str_append(str, key);
	str_append_c(str, '=');
	str_append_tabescaped(str, value);
}

static void
auth_client_request_line(string_t *str, unsigned int id,
			 const struct auth_request_info *info)
{
	str_printfa(str, "AUTH\t%u\t", id);
	str_append_tabescaped(str, info->mech);
	auth_client_append_field(str, "service", info->service);
	if (info->secured)
		str_append(str, "\tsecured");
	if (info->no_penalty)
		str_append(str, "\tno-penalty");
	if (info->valid_client_cert)
		str_append(str, "\tvalid-client-cert");
	if (info->cert_username != NULL)
		auth_client_append_field(str, "cert_username",
					 info->cert_username);
	if (info->session_id != NULL)
		auth_client_append_field(str, "session", info->session_id);
	if (info->local_ip.family != 0)
		auth_client_append_field(str, "lip",
					 net_ip2addr(&info->local_ip));
	if (info->remote_ip.family != 0)
		auth_client_append_field(str, "rip",
					 net_ip2addr(&info->remote_ip));
	if (info->local_port != 0)
		str_printfa(str, "\tlport=%u", (unsigned int)info->local_port);
	if (info->remote_port != 0)
		str_printfa(str, "\trport=%u", (unsigned int)info->remote_port);
	if (info->initial_resp_base64 != NULL)
		auth_client_append_field(str, "resp",
					 info->initial_resp_base64);
	str_append_c(str, '\n');
}

struct auth_client_request *
auth_client_request_new(struct auth_client *client,
			const struct auth_request_info *info,
			auth_request_callback_t *callback, void *context)
{
	struct auth_client_request *request;

	request = i_new(struct auth_client_request, 1);
	request->client = client;
	request->callback = callback;
	request->context = context;
	if (++client->next_id == 0)
		client->next_id = 1;
	request->id = client->next_id;
	T_BEGIN {
		string_t *line = t_str_new(256);

		auth_client_request_line(line, request->id, info);
		request->auth_line = i_strdup(str_c(line));
		safe_memset(str_c_modifiable(line), 0, str_len(line));
	} T_END;

	DLLIST_PREPEND(&client->requests, request);
	if (client->handshaked)
		auth_client_send_queued(client);
	return request;
}

void auth_client_request_continue(struct auth_client_request *request,
				  const char *data_base64)
{
	struct auth_client *client = request->client;

	if (!client->handshaked)
		return;
	T_BEGIN {
		string_t *str = t_str_new(128);

		str_printfa(str, "CONT\t%u\t", request->id);
		str_append_tabescaped(str, data_base64);
		str_append_c(str, '\n');
		o_stream_nsend(client->output, str_data(str), str_len(str));
		safe_memset(str_c_modifiable(str), 0, str_len(str));
	} T_END;
}

void auth_client_request_abort(struct auth_client_request **request)
{
	auth_client_request_free(request);
}
