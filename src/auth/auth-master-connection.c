/* Copyright (c) Cove authors. See AUTHORS. */

/* Server side of the auth-master protocol. A connection sends VERSION,
   then any number of REQUEST (cookie) and USER (userdb lookup) lines;
   each gets one USER, NOTFOUND or FAIL reply with the same id. On an
   auth-master listener the socket's file mode is the access control; an
   auth-userdb listener takes no REQUEST and answers a USER lookup only
   to a caller entitled to it (auth-master-connection.h). */

#include "lib.h"
#include "array.h"
#include "str.h"
#include "ioloop.h"
#include "net.h"
#include "auth.h"
#include "auth-cache.h"
#include "auth-connection.h"
#include "auth-cookie.h"
#include "auth-request.h"
#include "auth-master-connection.h"

#include <fnmatch.h>

struct auth_master_connection {
	struct auth_connection conn;
	enum auth_master_listener type;
	/* the peer's uid (auth-userdb), (uid_t)-1 if unknown */
	uid_t peer_uid;
	/* userdb lookups in progress */
	ARRAY(struct auth_request *) requests;
};

enum auth_master_listener auth_master_listener_type(const char *name)
{
	if (str_ends(name, "auth-master"))
		return AUTH_MASTER_LISTENER_MASTER;
	if (str_ends(name, "auth-userdb"))
		return AUTH_MASTER_LISTENER_USERDB;
	return AUTH_MASTER_LISTENER_NONE;
}

/* On auth-userdb: may this peer see the user's fields? */
static bool auth_master_peer_may_see(const struct auth_master_connection *conn,
				     const struct auth_request *request)
{
	const char *uid_str;
	unsigned int uid;

	if (conn->type != AUTH_MASTER_LISTENER_USERDB)
		return true;
	if (conn->peer_uid == 0 || conn->peer_uid == geteuid())
		return true;
	uid_str = auth_field_list_get(request->userdb_fields, "uid");
	return uid_str != NULL && str_to_uint(uid_str, &uid) == 0 &&
		conn->peer_uid != (uid_t)-1 && (uid_t)uid == conn->peer_uid;
}

/* "VERB\tID\tUSER\tk=v..." for USER and PASS replies. */
static void auth_master_send_user(struct auth_master_connection *conn,
				  const char *verb, unsigned int id,
				  const char *user,
				  const struct auth_field_list *fields)
{
	string_t *str = t_str_new(256);

	str_printfa(str, "%s\t%u\t", verb, id);
	str_append_tabescaped(str, user);
	auth_field_list_append_tabescaped(fields, str);
	auth_connection_send(&conn->conn, str_c(str));
}

static void auth_master_send_fail(struct auth_master_connection *conn,
				  unsigned int id, const char *reason)
{
	auth_connection_send(&conn->conn,
			     t_strdup_printf("FAIL\t%u\treason=%s", id,
					     str_tabescape(reason)));
}

static void auth_master_send_notfound(struct auth_master_connection *conn,
				      unsigned int id)
{
	auth_connection_send(&conn->conn,
			     t_strdup_printf("NOTFOUND\t%u", id));
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
	if (auth_cookies_take(conn->conn.auth->cookies, args[1], ioloop_time,
			      pool, &user, &fields) > 0)
		auth_master_send_user(conn, "USER", id, user, fields);
	else
		auth_master_send_notfound(conn, id);
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
			if (!auth_master_peer_may_see(conn, request)) {
				auth_request_log_info(request, "auth-userdb",
					"lookup refused to uid %ld: not the "
					"user's uid", (long)conn->peer_uid);
				auth_master_send_fail(conn, request->id,
						      "Permission denied");
				break;
			}
			auth_master_send_user(conn, "USER", request->id,
					      request->user,
					      request->userdb_fields);
			break;
		case USERDB_RESULT_USER_UNKNOWN:
			auth_master_send_notfound(conn, request->id);
			break;
		case USERDB_RESULT_INTERNAL_FAILURE:
			auth_master_send_fail(conn, request->id,
					      "Internal error");
			break;
		}
	} T_END;
	auth_master_request_finished(conn, request);
}

static void auth_master_passdb_callback(enum passdb_result result,
					struct auth_request *request)
{
	struct auth_master_connection *conn = request->context;

	T_BEGIN {
		switch (result) {
		case PASSDB_RESULT_OK:
			/* the stored password itself is not handed out, as
			   Dovecot's doveadm auth lookup does not show it */
			auth_master_send_user(conn, "PASS", request->id,
				request->user,
				auth_field_list_create(datastack_pool));
			break;
		case PASSDB_RESULT_USER_UNKNOWN:
		case PASSDB_RESULT_PASSWORD_MISMATCH:
			auth_master_send_notfound(conn, request->id);
			break;
		case PASSDB_RESULT_INTERNAL_FAILURE:
			auth_master_send_fail(conn, request->id,
					      "Internal error");
			break;
		}
	} T_END;
	auth_master_request_finished(conn, request);
}

/* USER and PASS: "ID NAME [service=S]". Returns 0, or -1 with error_r
   (the connection is closed). */
static int auth_master_handle_lookup(struct auth_master_connection *conn,
				     const char *verb,
				     const char *const *args,
				     const char **error_r)
{
	struct auth_request *request;
	const char *error;
	unsigned int id;

	if (auth_master_parse_id(args[0], &id, error_r) < 0)
		return -1;
	if (args[1] == NULL) {
		*error_r = t_strconcat(verb, " without a user name", NULL);
		return -1;
	}
	if (array_count(&conn->requests) >= AUTH_MASTER_MAX_REQUESTS) {
		*error_r = "Too many requests in progress";
		return -1;
	}
	request = auth_request_new(conn->conn.auth, NULL, NULL, conn);
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
	if (strcmp(verb, "USER") == 0)
		auth_request_lookup_user(request, auth_master_userdb_callback);
	else {
		auth_request_lookup_credentials(request, request->user,
						auth_master_passdb_callback);
	}
	return 0;
}

struct auth_master_list_context {
	struct auth_master_connection *conn;
	unsigned int id;
	const char *mask;
};

static void auth_master_list_user(const char *user, void *context)
{
	struct auth_master_list_context *ctx = context;

	if (fnmatch(ctx->mask, user, 0) != 0)
		return;
	auth_connection_send(&ctx->conn->conn, t_strdup_printf(
		"LIST\t%u\t%s", ctx->id, str_tabescape(user)));
}

/* "LIST ID [user=MASK]": every user of the userdbs that can list theirs,
   then "DONE ID" (or "FAIL ID"). Answered at once (the listable userdbs
   are in memory). */
static int auth_master_handle_list(struct auth_master_connection *conn,
				   const char *const *args,
				   const char **error_r)
{
	struct auth_master_list_context ctx = { .conn = conn, .mask = "*" };
	const char *error;

	if (auth_master_parse_id(args[0], &ctx.id, error_r) < 0)
		return -1;
	for (const char *const *arg = args + 1; *arg != NULL; arg++) {
		if (str_begins(*arg, "user="))
			ctx.mask = *arg + 5;
	}
	array_foreach(&conn->conn.auth->userdbs, userdb) {
		if ((*userdb)->v->iterate == NULL)
			continue;
		if ((*userdb)->v->iterate(*userdb, auth_master_list_user,
					  &ctx, &error) < 0) {
			i_error("userdb %s: Listing users failed: %s",
				(*userdb)->v->name, error);
			auth_master_send_fail(conn, ctx.id, "Internal error");
			return 0;
		}
	}
	auth_connection_send(&conn->conn,
			     t_strdup_printf("DONE\t%u", ctx.id));
	return 0;
}

/* "CACHE-FLUSH ID [USER...]": drops the auth cache's entries about each
   USER (normalised as a login's name is), or every entry without USER;
   replies "OK ID COUNT" with the number of entries dropped. */
static int auth_master_handle_cache_flush(struct auth_master_connection *conn,
					  const char *const *args,
					  const char **error_r)
{
	struct auth *auth = conn->conn.auth;
	struct auth_request *request;
	unsigned int id, count = 0;
	const char *error;

	if (auth_master_parse_id(args[0], &id, error_r) < 0)
		return -1;
	if (auth->cache != NULL && args[1] == NULL)
		count = auth_cache_flush(auth->cache, NULL);
	for (const char *const *arg = args + 1;
	     auth->cache != NULL && *arg != NULL; arg++) {
		request = auth_request_new(auth, NULL, NULL, NULL);
		if (auth_request_set_username(request, *arg, &error) == 0)
			count += auth_cache_flush(auth->cache, request->user);
		auth_request_free(&request);
	}
	auth_connection_send(&conn->conn,
			     t_strdup_printf("OK\t%u\t%u", id, count));
	return 0;
}

static int auth_master_handle_line(struct auth_connection *_conn,
				   const char *const *args,
				   const char **error_r)
{
	struct auth_master_connection *conn =
		(struct auth_master_connection *)_conn;

	if (strcmp(args[0], "REQUEST") == 0) {
		if (conn->type == AUTH_MASTER_LISTENER_USERDB) {
			*error_r = "REQUEST is not allowed on auth-userdb";
			return -1;
		}
		return auth_master_handle_request(conn, args + 1, error_r);
	}
	if (strcmp(args[0], "USER") == 0)
		return auth_master_handle_lookup(conn, "USER", args + 1,
						 error_r);
	if (strcmp(args[0], "LIST") == 0) {
		if (conn->type == AUTH_MASTER_LISTENER_USERDB) {
			*error_r = "LIST is not allowed on auth-userdb";
			return -1;
		}
		return auth_master_handle_list(conn, args + 1, error_r);
	}
	if (strcmp(args[0], "CACHE-FLUSH") == 0) {
		if (conn->type == AUTH_MASTER_LISTENER_USERDB) {
			*error_r = "CACHE-FLUSH is not allowed on auth-userdb";
			return -1;
		}
		return auth_master_handle_cache_flush(conn, args + 1, error_r);
	}
	if (strcmp(args[0], "PASS") == 0) {
		/* stored passwords: never on the world-usable socket */
		if (conn->type == AUTH_MASTER_LISTENER_USERDB) {
			*error_r = "PASS is not allowed on auth-userdb";
			return -1;
		}
		return auth_master_handle_lookup(conn, "PASS", args + 1,
						 error_r);
	}
	*error_r = t_strdup_printf("Unknown command: %s",
				   str_tabescape(args[0]));
	return -1;
}

static void auth_master_destroy(struct auth_connection *_conn)
{
	struct auth_master_connection *conn =
		(struct auth_master_connection *)_conn;

	array_foreach_modifiable(&conn->requests, request)
		auth_request_free(request);
	array_free(&conn->requests);
}

static const struct auth_connection_vfuncs auth_master_vfuncs = {
	.name = "auth-master",
	.handle_line = auth_master_handle_line,
	.destroy = auth_master_destroy,
};

void auth_master_connection_create(struct auth *auth, int fd,
				   enum auth_master_listener type)
{
	struct auth_master_connection *conn;
	pid_t pid;
	uid_t uid;
	gid_t gid;

	conn = i_new(struct auth_master_connection, 1);
	conn->type = type;
	conn->peer_uid = net_getunixcred(fd, &pid, &uid, &gid) == 0 ?
		uid : (uid_t)-1;
	i_array_init(&conn->requests, 8);
	auth_connection_init(&conn->conn, &auth_master_vfuncs, auth, fd,
			     AUTH_MASTER_MAX_LINE_LENGTH);
}
