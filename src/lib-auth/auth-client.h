/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef AUTH_CLIENT_H
#define AUTH_CLIENT_H

/* Client of the auth-client protocol (Dovecot's authentication protocol
   1.2: VERSION, MECH, SPID, CUID, COOKIE, DONE; AUTH, CONT, OK, FAIL),
   used by login processes. Non-blocking, driven by the ioloop; one
   connection carries many concurrent requests told apart by id.

   A successful request's OK carries user=NAME and, from the login socket,
   cookie=HEX: the one-time token the post-login worker trades for the
   user's userdb fields over the auth-master socket. */

#include "net.h"

struct auth_client;
struct auth_client_request;

enum auth_request_status {
	AUTH_REQUEST_STATUS_ABORT = -2,	/* connection to auth lost */
	AUTH_REQUEST_STATUS_FAIL = -1,
	AUTH_REQUEST_STATUS_CONTINUE,
	AUTH_REQUEST_STATUS_OK,
};

struct auth_request_info {
	const char *mech;		/* "PLAIN" */
	const char *service;		/* "imap" */
	const char *session_id;
	struct ip_addr local_ip, remote_ip;
	in_port_t local_port, remote_port;
	/* Base64 initial response (SASL-IR), or NULL. "" means an empty
	   initial response ("=" in IMAP). */
	const char *initial_resp_base64;
	/* The connection is TLS or otherwise secure (loopback, trusted). */
	bool secured;
	/* The client is in login_trusted_networks: its failed logins do
	   not count against its address ("no-penalty"). */
	bool no_penalty;
	/* The TLS client's certificate verified against ssl_ca
	   ("valid-client-cert"); cert_username is its subject's name
	   (ssl_cert_username_field), or NULL. */
	bool valid_client_cert;
	const char *cert_username;
};

/* For OK and FAIL, args holds the reply's fields ("user=alice",
   "cookie=...", "reason=...", "temp") NULL-terminated; data_base64 is the
   server challenge for CONTINUE (may be ""). The request is freed after
   an OK/FAIL/ABORT callback returns. */
typedef void auth_request_callback_t(struct auth_client_request *request,
				     enum auth_request_status status,
				     const char *data_base64,
				     const char *const *args, void *context);

/* Connects (and reconnects) to socket_path. The connection handshake
   finishes asynchronously; requests made before it are queued. */
struct auth_client *auth_client_init(const char *socket_path);
void auth_client_deinit(struct auth_client **client);
typedef void auth_client_connected_callback_t(void *context);
/* Calls callback each time the handshake completes (after the first
   connect and after every reconnect). */
#define auth_client_set_connected_callback(client, callback, context) \
	((void)CALLBACK_TYPECHECK(callback, \
				  void (*)(__typeof__(context))), \
	 auth_client_set_connected_callback_(client, \
		(auth_client_connected_callback_t *)(callback), \
		(void *)(context)))
void auth_client_set_connected_callback_(struct auth_client *client,
	auth_client_connected_callback_t *callback, void *context);
/* True once the handshake is done. */
bool auth_client_is_connected(const struct auth_client *client);
/* Mechanisms the server offered (NULL-terminated, from the client's
   pool), or NULL before the handshake. */
const char *const *auth_client_get_mechs(const struct auth_client *client);

struct auth_client_request *
auth_client_request_new(struct auth_client *client,
			const struct auth_request_info *info,
			auth_request_callback_t *callback, void *context);
void auth_client_request_continue(struct auth_client_request *request,
				  const char *data_base64);
/* Aborts the request; the callback is not called. */
void auth_client_request_abort(struct auth_client_request **request);

/* Returns the value of key in a NULL-terminated "key=value" list, "" for
   a bare key, or NULL if absent. */
const char *auth_fields_find(const char *const *args, const char *key);

#endif
