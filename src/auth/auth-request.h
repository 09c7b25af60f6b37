/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef AUTH_REQUEST_H
#define AUTH_REQUEST_H

/* One authentication (or userdb lookup) request.

   Authentication: the connection creates the request, then feeds client
   data to the mechanism with auth_request_initial() and
   auth_request_continue(). The mechanism extracts the user name and
   password and calls auth_request_verify_plain(), which normalises the
   name with auth_username_format, asks the passdbs in order (an unknown
   user falls through to the next one), and, when the connection wants
   the user's fields (login), asks the userdbs. The result reaches the
   connection through its reply callback: CONTINUE (a challenge), OK, or
   FAIL. A failure is logged at once, and its FAIL reply is held back by
   auth_failure_delay with a timer, never by blocking. Failures also
   count against the client's address (auth-penalty.h): a request from
   an address with recent failures starts only after the penalty delay
   (again a timer), unless the request has no_penalty.

   A userdb lookup (auth-master USER) uses the same request without a
   mechanism: auth_request_set_username() then auth_request_lookup_user().

   Memory: everything, including the password, is in the request's clean
   pool, which zeroes itself when freed. The connection owns the request
   and frees it after OK/FAIL, or when it disconnects. */

#include "net.h"
#include "auth-field-list.h"
#include "passdb.h"
#include "userdb.h"

struct auth;
struct auth_request;

enum auth_request_reply {
	AUTH_REQUEST_REPLY_CONTINUE,
	AUTH_REQUEST_REPLY_OK,
	AUTH_REQUEST_REPLY_FAIL,
};

/* What the passdbs are asked. */
enum auth_request_passdb_mode {
	/* whether request->password is right */
	AUTH_REQUEST_PASSDB_VERIFY,
	/* only whether the user exists */
	AUTH_REQUEST_PASSDB_LOOKUP,
	/* the stored password, into request->passdb_password */
	AUTH_REQUEST_PASSDB_CREDENTIALS,
};

/* data is the challenge for CONTINUE (raw bytes, the connection encodes
   them), NULL otherwise. After OK and FAIL the callback frees the
   request. */
typedef void auth_request_reply_callback_t(struct auth_request *request,
					   enum auth_request_reply reply,
					   const void *data, size_t size);

struct auth_request {
	pool_t pool;
	struct auth *auth;
	/* The client's request id and the connection that owns the
	   request. */
	unsigned int id;
	void *context;
	auth_request_reply_callback_t *reply_callback;

	const struct mech_module *mech;
	void *mech_data;
	/* A challenge was sent and a response is expected. */
	bool waiting_response;

	const char *service;
	struct ip_addr local_ip, remote_ip;
	in_port_t local_port, remote_port;
	bool secured;
	/* The client is in login_trusted_networks: no per-IP penalty. */
	bool no_penalty;
	/* The TLS client certificate verified ("valid-client-cert"), and
	   its user name (ssl_cert_username_field), or NULL. */
	bool valid_client_cert;
	const char *cert_username;
	/* Look up the userdb after a successful authentication. */
	bool want_userdb;

	/* The name as the client gave it, and after auth_username_format
	   (NULL until known). */
	const char *login_user;
	const char *user;
	/* Plaintext password being verified (clean pool), else NULL. */
	char *password;
	/* The stored password "{SCHEME}..." from a credentials lookup
	   (clean pool), else NULL. */
	char *passdb_password;

	/* The fields of the user from the userdb (uid, gid, home, ...). */
	struct auth_field_list *userdb_fields;

	/* Why the request failed: reason for the client (or NULL), and
	   whether it was a temporary (internal) failure. */
	const char *fail_reason;
	bool fail_temp;
	/* The passdb disabled the user's logins (nologin): fail_reason is
	   its reason, if it gave one */
	bool fail_nologin;

	/* Iteration state of passdb and userdb lookups. */
	unsigned int passdb_idx, userdb_idx;
	enum auth_request_passdb_mode passdb_mode;
	bool passdb_success;
	passdb_callback_t *passdb_callback;
	userdb_callback_t *userdb_callback;
	/* The userdb being asked, and where it may keep its callback while
	   it waits for something else. */
	struct userdb_module *userdb;
	userdb_callback_t *userdb_driver_callback;

	struct timeout *to_fail_delay;
	/* The per-IP penalty holds the start back; the initial response
	   waits here meanwhile. */
	struct timeout *to_penalty;
	const unsigned char *penalty_data;
	size_t penalty_data_size;
};

struct auth_request *
auth_request_new(struct auth *auth, const struct mech_module *mech,
		 auth_request_reply_callback_t *callback, void *context);
/* Frees the request and everything in its pool (zeroed). */
void auth_request_free(struct auth_request **request);

/* Runs the mechanism (see struct mech_module for data), after the
   per-IP penalty delay if there is one. */
void auth_request_initial(struct auth_request *request,
			  const unsigned char *data, size_t size);
/* Returns -1 (and does nothing) if the request is not waiting for a
   response to a challenge. */
int auth_request_continue(struct auth_request *request,
			  const unsigned char *data, size_t size);

/* For mechanisms: authenticate username with password. */
void auth_request_verify_plain(struct auth_request *request,
			       const char *username, const char *password);
/* For mechanisms that verify the password themselves (APOP): looks up
   username in the passdbs and calls callback; with PASSDB_RESULT_OK,
   request->passdb_password is the stored password (NULL if the entry
   has none). The callback ends the request with
   auth_request_verify_finish(). */
void auth_request_lookup_credentials(struct auth_request *request,
				     const char *username,
				     passdb_callback_t *callback);
/* For mechanisms: ends a verification with result, as
   auth_request_verify_plain() does (logging a mismatch, then the userdb
   lookup or the failure reply). */
void auth_request_verify_finish(struct auth_request *request,
				enum passdb_result result);
/* For credentials callbacks: true if result brought a stored password
   (request->passdb_password); otherwise ends the request as
   auth_request_verify_finish() does (an entry without a password is a
   mismatch) and returns false. */
bool auth_request_credentials_found(struct auth_request *request,
				    enum passdb_result result);
/* For mechanisms: send a challenge. */
void auth_request_challenge(struct auth_request *request,
			    const void *data, size_t size);
/* For mechanisms: the client's data was malformed, or the request
   cannot succeed for another reason (reason is logged). */
void auth_request_fail_input(struct auth_request *request,
			     const char *reason);

/* Validates username and applies auth_default_realm and
   auth_username_format. Returns 0, or -1 with error_r (the name has
   control characters, is too long, or formats to ""). */
int auth_request_set_username(struct auth_request *request,
			      const char *username, const char **error_r);
/* Asks the userdbs for request->user (the first that knows it wins) and
   calls callback with request->userdb_fields filled on success. */
void auth_request_lookup_user(struct auth_request *request,
			      userdb_callback_t *callback);
/* Asks the passdbs whether request->user exists (no password check), for
   userdbs that accept only users a passdb knows. */
void auth_request_lookup_passdb(struct auth_request *request,
				passdb_callback_t *callback);

/* %-variables of the request: user (u, n, d), service, lip, rip. */
const struct var_expand_table *
auth_request_get_var_table(struct auth_request *request);

/* Logging with a "subsystem(user,rip): " prefix. */
void auth_request_log_info(struct auth_request *request,
			   const char *subsystem, const char *fmt, ...)
	ATTR_FORMAT(3, 4);
void auth_request_log_error(struct auth_request *request,
			    const char *subsystem, const char *fmt, ...)
	ATTR_FORMAT(3, 4);
void auth_request_log_debug(struct auth_request *request,
			    const char *subsystem, const char *fmt, ...)
	ATTR_FORMAT(3, 4);

#endif
