/* Copyright (c) Cove authors. See AUTHORS. */

/* Server side of the auth-client protocol: the handshake, AUTH and CONT
   lines, and OK/CONT/FAIL replies. Each connection owns its requests
   (a hash table by id). A protocol violation is logged and disconnects;
   a bad request gets a FAIL. */

#include "lib.h"
#include "str.h"
#include "hash.h"
#include "base64.h"
#include "hex-binary.h"
#include "randgen.h"
#include "ioloop.h"
#include "ostream.h"
#include "auth.h"
#include "auth-connection.h"
#include "auth-cookie.h"
#include "auth-request.h"
#include "mech.h"
#include "auth-client-connection.h"

#define AUTH_CLIENT_PROTOCOL_MAJOR 1
#define AUTH_CLIENT_PROTOCOL_MINOR 2

struct auth_client_connection {
	struct auth_connection conn;
	/* id + 1 -> struct auth_request */
	struct hash_table *requests;
	unsigned int client_pid;
	bool login;
};

static unsigned int auth_client_connection_uid_counter = 0;
/* Server cookie announced in the handshake; random per process. */
static char auth_client_server_cookie[AUTH_COOKIE_HEX_LEN + 1];

static void *auth_client_request_key(unsigned int id)
{
	/* +1 so that id 0 is not a NULL key */
	return (void *)((uintptr_t)id + 1);
}

static int auth_client_parse_port(const char *value, in_port_t *port_r)
{
	unsigned int num;

	if (str_to_uint(value, &num) < 0 || num > 65535)
		return -1;
	*port_r = (in_port_t)num;
	return 0;
}

static int auth_client_parse_field(const char *arg,
				   struct auth_client_auth_args *args_r,
				   const char **error_r)
{
	const char *value = strchr(arg, '=');
	const char *key = value == NULL ? arg : t_strndup(arg, value - arg);
	int ret = 0;

	value = value == NULL ? "" : value + 1;
	if (strcmp(key, "service") == 0)
		args_r->service = value;
	else if (strcmp(key, "secured") == 0)
		args_r->secured = true;
	else if (strcmp(key, "no-penalty") == 0)
		args_r->no_penalty = true;
	else if (strcmp(key, "valid-client-cert") == 0)
		args_r->valid_client_cert = true;
	else if (strcmp(key, "cert_username") == 0)
		args_r->cert_username = value;
	else if (strcmp(key, "session") == 0)
		args_r->session_id = value;
	else if (strcmp(key, "resp") == 0)
		args_r->resp_base64 = value;
	else if (strcmp(key, "lip") == 0)
		ret = net_addr2ip(value, &args_r->local_ip);
	else if (strcmp(key, "rip") == 0)
		ret = net_addr2ip(value, &args_r->remote_ip);
	else if (strcmp(key, "lport") == 0)
		ret = auth_client_parse_port(value, &args_r->local_port);
	else if (strcmp(key, "rport") == 0)
		ret = auth_client_parse_port(value, &args_r->remote_port);
	if (ret < 0)
		*error_r = t_strdup_printf("Invalid %s", key);
	return ret;
}

int auth_client_connection_parse_auth(const char *const *args,
				      struct auth_client_auth_args *args_r,
				      const char **error_r)
{
	memset(args_r, 0, sizeof(*args_r));
	if (args[0] == NULL || args[1] == NULL) {
		*error_r = "Missing id or mechanism";
		return -1;
	}
	if (str_to_uint(args[0], &args_r->id) < 0 ||
	    args_r->id == UINT_MAX) {
		*error_r = "Invalid id";
		return -1;
	}
	if (args[1][0] == '\0') {
		*error_r = "Empty mechanism name";
		return -1;
	}
	args_r->mech = args[1];
	for (args += 2; *args != NULL; args++) {
		if (auth_client_parse_field(*args, args_r, error_r) < 0)
			return -1;
	}
	if (args_r->service == NULL || args_r->service[0] == '\0') {
		*error_r = "Missing service";
		return -1;
	}
	return 0;
}

static void auth_client_send_fail(struct auth_client_connection *conn,
				  unsigned int id, const char *user,
				  const char *reason, bool temp, bool nologin)
{
	string_t *str = t_str_new(128);

	str_printfa(str, "FAIL\t%u", id);
	if (user != NULL) {
		str_append(str, "\tuser=");
		str_append_tabescaped(str, user);
	}
	if (reason != NULL) {
		str_append(str, "\treason=");
		str_append_tabescaped(str, reason);
	}
	if (temp)
		str_append(str, "\ttemp");
	if (nologin)
		str_append(str, "\tnologin");
	auth_connection_send(&conn->conn, str_c(str));
}

static void auth_client_send_ok(struct auth_client_connection *conn,
				struct auth_request *request)
{
	string_t *str = t_str_new(128);
	const char *cookie;

	str_printfa(str, "OK\t%u\tuser=", request->id);
	str_append_tabescaped(str, request->user);
	if (conn->login) {
		cookie = auth_cookies_add(conn->conn.auth->cookies,
					  request->user,
					  request->userdb_fields, ioloop_time);
		if (cookie == NULL) {
			i_error("Too many outstanding login cookies");
			auth_client_send_fail(conn, request->id, request->user,
					      NULL, true, false);
			return;
		}
		str_append(str, "\tcookie=");
		str_append(str, cookie);
	}
	auth_connection_send(&conn->conn, str_c(str));
}

static void auth_client_request_reply(struct auth_request *request,
				      enum auth_request_reply reply,
				      const void *data, size_t size)
{
	struct auth_client_connection *conn = request->context;
	string_t *str;

	T_BEGIN {
		switch (reply) {
		case AUTH_REQUEST_REPLY_CONTINUE:
			str = t_str_new(64 + base64_encoded_size(size));
			str_printfa(str, "CONT\t%u\t", request->id);
			base64_encode(data, size, str);
			auth_connection_send(&conn->conn, str_c(str));
			break;
		case AUTH_REQUEST_REPLY_OK:
			auth_client_send_ok(conn, request);
			break;
		case AUTH_REQUEST_REPLY_FAIL:
			auth_client_send_fail(conn, request->id, request->user,
					      request->fail_reason,
					      request->fail_temp,
					      request->fail_nologin);
			break;
		}
	} T_END;
	if (reply != AUTH_REQUEST_REPLY_CONTINUE) {
		hash_table_remove(conn->requests,
				  auth_client_request_key(request->id));
		auth_request_free(&request);
	}
}

/* Decodes base64 into the request's clean pool. Returns the data
   (NUL-terminated at *size_r) or NULL if the base64 is invalid. */
static const unsigned char *
auth_client_decode(struct auth_request *request, const char *base64,
		   size_t *size_r)
{
	string_t *str = str_new(request->pool, strlen(base64) + 1);

	if (base64_decode(base64, strlen(base64), str) < 0)
		return NULL;
	*size_r = str_len(str);
	return (const unsigned char *)str_c(str);
}

static void auth_client_request_init(struct auth_request *request,
				     const struct auth_client_auth_args *args,
				     bool login)
{
	request->id = args->id;
	request->service = p_strdup(request->pool, args->service);
	request->local_ip = args->local_ip;
	request->remote_ip = args->remote_ip;
	request->local_port = args->local_port;
	request->remote_port = args->remote_port;
	request->secured = args->secured;
	request->no_penalty = args->no_penalty;
	request->valid_client_cert = args->valid_client_cert;
	request->cert_username = p_strdup(request->pool, args->cert_username);
	request->want_userdb = login;
}

static int auth_client_handle_auth(struct auth_client_connection *conn,
				   const char *const *args,
				   const char **error_r)
{
	struct auth_client_auth_args auth_args;
	const struct mech_module *mech;
	struct auth_request *request;
	const unsigned char *data = NULL;
	size_t size = 0;

	if (auth_client_connection_parse_auth(args, &auth_args, error_r) < 0)
		return -1;
	if (hash_table_lookup(conn->requests,
			      auth_client_request_key(auth_args.id)) != NULL) {
		*error_r = t_strdup_printf("Duplicate request id %u",
					   auth_args.id);
		return -1;
	}
	if (hash_table_count(conn->requests) >= AUTH_CLIENT_MAX_REQUESTS) {
		*error_r = "Too many requests in progress";
		return -1;
	}
	mech = auth_find_mech(conn->conn.auth, auth_args.mech);
	if (mech == NULL) {
		auth_client_send_fail(conn, auth_args.id, NULL,
				      "Unsupported authentication mechanism",
				      false, false);
		return 0;
	}

	request = auth_request_new(conn->conn.auth, mech,
				   auth_client_request_reply, conn);
	auth_client_request_init(request, &auth_args, conn->login);
	hash_table_update(conn->requests,
			  auth_client_request_key(auth_args.id), request);
	if (auth_args.resp_base64 != NULL) {
		data = auth_client_decode(request, auth_args.resp_base64,
					  &size);
		if (data == NULL) {
			auth_request_fail_input(request,
				"Invalid base64 data in initial response");
			return 0;
		}
	}
	auth_request_initial(request, data, size);
	return 0;
}

static int auth_client_handle_cont(struct auth_client_connection *conn,
				   const char *const *args,
				   const char **error_r)
{
	struct auth_request *request;
	const unsigned char *data;
	unsigned int id;
	size_t size;

	if (args[0] == NULL || args[1] == NULL ||
	    str_to_uint(args[0], &id) < 0 || id == UINT_MAX) {
		*error_r = "Invalid CONT";
		return -1;
	}
	request = hash_table_lookup(conn->requests,
				    auth_client_request_key(id));
	if (request == NULL) {
		/* it already failed; its FAIL may be on the way */
		return 0;
	}
	data = auth_client_decode(request, args[1], &size);
	if (data == NULL) {
		if (request->waiting_response) {
			request->waiting_response = false;
			auth_request_fail_input(request,
				"Invalid base64 data in continued response");
		}
		return 0;
	}
	(void)auth_request_continue(request, data, size);
	return 0;
}

static int auth_client_handle_line(struct auth_connection *_conn,
				   const char *const *args,
				   const char **error_r)
{
	struct auth_client_connection *conn =
		(struct auth_client_connection *)_conn;

	if (strcmp(args[0], "CPID") == 0) {
		if (args[1] == NULL ||
		    str_to_uint(args[1], &conn->client_pid) < 0) {
			*error_r = "Invalid CPID";
			return -1;
		}
		return 0;
	}
	if (strcmp(args[0], "AUTH") == 0)
		return auth_client_handle_auth(conn, args + 1, error_r);
	if (strcmp(args[0], "CONT") == 0)
		return auth_client_handle_cont(conn, args + 1, error_r);
	*error_r = t_strdup_printf("Unknown command: %s",
				   str_tabescape(args[0]));
	return -1;
}

static const char *auth_client_log_prefix(struct auth_connection *_conn)
{
	struct auth_client_connection *conn =
		(struct auth_client_connection *)_conn;

	return t_strdup_printf("auth-client connection (pid=%u)",
			       conn->client_pid);
}

static void auth_client_destroy(struct auth_connection *_conn)
{
	struct auth_client_connection *conn =
		(struct auth_client_connection *)_conn;
	struct hash_iterate_context *iter;
	const void *key;
	void *value;

	iter = hash_table_iterate_init(conn->requests);
	while (hash_table_iterate(iter, &key, &value)) {
		struct auth_request *request = value;

		hash_table_remove(conn->requests, key);
		auth_request_free(&request);
	}
	hash_table_iterate_deinit(&iter);
	hash_table_destroy(&conn->requests);
}

static const struct auth_connection_vfuncs auth_client_vfuncs = {
	.name = "auth-client",
	.handle_line = auth_client_handle_line,
	.log_prefix = auth_client_log_prefix,
	.destroy = auth_client_destroy,
};

static void auth_client_send_handshake(struct auth_client_connection *conn)
{
	string_t *str = t_str_new(256);

	if (auth_client_server_cookie[0] == '\0') {
		unsigned char rand[AUTH_COOKIE_HEX_LEN / 2];

		random_fill(rand, sizeof(rand));
		memcpy(auth_client_server_cookie,
		       binary_to_hex(rand, sizeof(rand)), AUTH_COOKIE_HEX_LEN);
	}
	str_printfa(str, "VERSION\t%u\t%u\n", AUTH_CLIENT_PROTOCOL_MAJOR,
		    AUTH_CLIENT_PROTOCOL_MINOR);
	array_foreach(&conn->conn.auth->mechs, mech) {
		str_printfa(str, "MECH\t%s%s\n", (*mech)->name,
			    (*mech)->plaintext ? "\tplaintext" : "");
	}
	str_printfa(str, "SPID\t%ld\nCUID\t%u\nCOOKIE\t%s\nDONE\n",
		    (long)getpid(), ++auth_client_connection_uid_counter,
		    auth_client_server_cookie);
	o_stream_nsend(conn->conn.output, str_data(str), str_len(str));
}

void auth_client_connection_create(struct auth *auth, int fd, bool login)
{
	struct auth_client_connection *conn;

	conn = i_new(struct auth_client_connection, 1);
	conn->login = login;
	conn->requests = hash_table_create_direct(default_pool);
	auth_connection_init(&conn->conn, &auth_client_vfuncs, auth, fd,
			     AUTH_CLIENT_MAX_LINE_LENGTH);
	T_BEGIN {
		auth_client_send_handshake(conn);
	} T_END;
}
