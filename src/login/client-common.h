/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef CLIENT_COMMON_H
#define CLIENT_COMMON_H

/* The pre-authentication client of a login process, shared by every
   protocol. The protocol (imap-login, pop3-login, ...) allocates a bigger
   struct that starts with struct client, and fills struct client_vfuncs:
   the greeting, its command input, and how replies look. This code owns
   the connection, the login timeout, the SASL exchange with the auth
   server, the handoff to the post-login worker and the log lines.

   Lifetime: a client is referenced while a callback runs on it;
   client_destroy() closes the connection at once, the memory goes with
   the last client_unref(). */

#include "net.h"
#include "auth-client.h"

struct client;
struct master_service_connection;

/* Outcomes of an authentication that the protocol turns into a reply
   (success is not one: the worker answers after the handoff). */
enum client_auth_result {
	CLIENT_AUTH_RESULT_AUTHFAILED,
	/* FAIL with temp, or the auth server is unreachable */
	CLIENT_AUTH_RESULT_TEMPFAIL,
	/* The client cancelled with "*" */
	CLIENT_AUTH_RESULT_ABORTED,
	CLIENT_AUTH_RESULT_INVALID_BASE64,
	CLIENT_AUTH_RESULT_MECH_INVALID,
	/* Plaintext mechanism on an insecure connection */
	CLIENT_AUTH_RESULT_SSL_REQUIRED,
	/* Handoff failed, or the OK reply lacked fields: logged */
	CLIENT_AUTH_RESULT_INTERNAL_ERROR,
	/* The worker refused the session (mail_max_userip_connections); the
	   text is its reason */
	CLIENT_AUTH_RESULT_LIMIT,
	/* Failed with a reason from auth for the user (the text) */
	CLIENT_AUTH_RESULT_AUTHFAILED_REASON,
	/* The passdb disabled the user's logins (nologin); the text is its
	   reason */
	CLIENT_AUTH_RESULT_NOLOGIN,
};

struct client_vfuncs {
	/* Allocates the protocol's client struct from pool. */
	struct client *(*alloc)(pool_t pool);
	/* Called once the common part is set up (streams exist); may be
	   NULL. */
	void (*create)(struct client *client);
	/* Frees what create() made; the streams are still there. */
	void (*destroy)(struct client *client);
	void (*send_greeting)(struct client *client);
	/* Buffered input is waiting: parse and run commands until the input
	   runs out or client_is_busy() becomes true. */
	void (*input)(struct client *client);
	/* The client is about to be disconnected by the server for reason
	   (a human-readable text): send the protocol's farewell. */
	void (*notify_disconnect)(struct client *client, const char *text);
	/* The client sent a line longer than LOGIN_MAX_INBUF_SIZE: send the
	   protocol's error (the client is disconnected after it). */
	void (*input_too_long)(struct client *client);
	/* A SASL challenge (base64, may be "") for the client. */
	void (*auth_send_challenge)(struct client *client,
				    const char *data_base64);
	/* The authentication ended without a login. */
	void (*auth_result)(struct client *client,
			    enum client_auth_result result, const char *text);
	/* client_starttls() replaced the streams: drop what refers to the
	   old ones. May be NULL. */
	void (*starttls)(struct client *client);
};

enum client_auth_state {
	CLIENT_AUTH_STATE_NONE,
	/* A request is at the auth server; client input is not read. */
	CLIENT_AUTH_STATE_WAIT_SERVER,
	/* A challenge was sent; the next client line is the response. */
	CLIENT_AUTH_STATE_WAIT_CLIENT,
};

struct client {
	struct client *prev, *next;
	pool_t pool;
	const struct client_vfuncs *v;
	int refcount;

	int fd;
	struct istream *input;
	struct ostream *output;
	struct io *io;
	struct timeout *to_login;

	struct ip_addr local_ip, remote_ip;
	in_port_t local_port, remote_port;
	time_t created;
	/* Random 12 characters shown in log lines and passed to the worker. */
	const char *session_id;
	/* Remote is this host (remote IP = local IP), trusted, or the
	   connection is TLS. */
	bool secured;
	/* Remote is in login_trusted_networks. */
	bool trusted;
	/* remote_ip/port are the ones a trusted proxy gave
	   (client_set_proxied_remote()), not the connection's. */
	bool proxied_remote;
	/* The connection is TLS (fd is the plaintext end of the proxy). */
	bool ssl;

	/* Tag of the command that started the authentication, for protocols
	   that have one (IMAP); handed to the worker, which sends the tagged
	   OK. Set by the protocol before client_auth_begin(). */
	char *cmd_tag;

	enum client_auth_state auth_state;
	struct auth_client_request *auth_request;
	/* Mechanism and user name of the last attempt, for the log. */
	char *auth_mech;
	char *auth_user;
	unsigned int auth_attempts;
	unsigned int auth_failures;
	bool auth_tried_disallowed_plaintext;
	bool auth_aborted;

	unsigned int bad_counter;
	/* Waiting for the auth connection before greeting: a greeting
	   without the mechanisms would mislead the client. */
	bool greeting_pending;
	bool destroyed;
};

extern struct client *clients;

/* Creates a client for a connection the master service accepted (takes
   ownership of conn->fd), starting TLS first on an ssl listener, and sends
   the greeting. Returns NULL if TLS could not start (logged). */
struct client *client_create(const struct master_service_connection *conn,
			     const struct client_vfuncs *v);
/* Disconnects (logging why: reason NULL means the client closed it),
   aborts any auth request and ends the client's count against the
   process's client limit. Safe to call twice. */
void client_destroy(struct client *client, const char *reason);
/* Sends v->notify_disconnect(text), then client_destroy(reason). */
void client_disconnect(struct client *client, const char *text,
		       const char *reason);
/* A reference keeps the memory, not the connection: check
   client->destroyed after anything that may have destroyed it. */
void client_ref(struct client *client);
void client_unref(struct client **client);
void client_destroy_all(void);
/* Greets the clients that waited for the auth connection. */
void clients_auth_connected(void *context);

/* True if the protocol must stop processing input now: the client is
   destroyed or an authentication is in progress. */
bool client_is_busy(const struct client *client);
/* A trusted proxy (login_trusted_networks) names the client it serves
   (IMAP ID x-originating-ip and x-originating-port): later log lines, the
   auth request and the worker see that address. Ignored, with a log line,
   for an untrusted peer or an invalid address; port may be NULL. */
void client_set_proxied_remote(struct client *client, const char *ip,
			       const char *port);
/* Sends raw protocol text (no line ending added). */
void client_send_raw(struct client *client, const char *text);
/* Counts a bad command. Returns true if the limit is reached, and then
   the client has been sent notify_disconnect() and destroyed. */
bool client_bad_command(struct client *client);

/* True if TLS is configured and not active yet: STARTTLS/STLS may be
   offered. */
bool client_starttls_available(const struct client *client);
/* Starts TLS after the protocol queued its go-ahead reply: flushes it,
   drops any input buffered after the command (a client must not get
   plaintext commands run as if they came over TLS) and continues with
   new streams on the proxy's plaintext end, calling v->starttls. On
   failure the client is disconnected. */
void client_starttls(struct client *client);

/* True if a plaintext mechanism may be used on this connection. */
bool client_plaintext_allowed(const struct client *client);
/* Mechanisms to advertise (NULL-terminated, temporary frame): the auth
   server's list, minus private ones and minus plaintext ones when not
   allowed. Empty before the auth server has answered. */
const char *const *client_get_advertised_mechs(const struct client *client);

/* Returns true if a plaintext mechanism may be used on this connection;
   otherwise records the attempt for the log, replies
   CLIENT_AUTH_RESULT_SSL_REQUIRED through v->auth_result and returns
   false. For commands that announce a plaintext login (POP3 USER). */
bool client_check_plaintext_auth(struct client *client);
/* Starts a SASL exchange with mech and optional base64 initial response
   (NULL: none, "": empty). Refuses (via v->auth_result) mechanisms that
   are unknown, private or disallowed here, and invalid base64. While it runs,
   client_is_busy() is true; the result arrives through v->auth_result or,
   on success, the client is handed off and destroyed silently. */
void client_auth_begin(struct client *client, const char *mech,
		       const char *initial_resp_base64);
/* client_auth_begin() from an SMTP/POP3 AUTH argument string
   "MECH [INITIAL-RESPONSE]", where "=" is an empty initial response. */
void client_auth_begin_args(struct client *client, const char *args);
/* Starts an exchange with a private mechanism (login-sasl.h) for the
   protocol's own command: user is for the log, resp_base64 the whole
   response. Refused as CLIENT_AUTH_RESULT_MECH_INVALID if the auth
   server does not offer mech. */
void client_auth_begin_private(struct client *client, const char *mech,
			       const char *user, const char *resp_base64);
/* LOGIN-style plaintext login: PLAIN with user and password, or
   CLIENT_AUTH_RESULT_SSL_REQUIRED when plaintext is not allowed. */
void client_auth_begin_plain(struct client *client, const char *user,
			     const char *password);
/* Handles a client's response line while in CLIENT_AUTH_STATE_WAIT_CLIENT
   ("*" cancels). */
void client_auth_input_line(struct client *client, const char *line);
/* Aborts a running request without a reply (the client is going away). */
void client_auth_abort(struct client *client);

/* Internal to src/login: */
void client_input_buffered(struct client *client);
void client_log_login(struct client *client);
/* The worker owns the connection now: close it silently. */
void client_destroy_handed_off(struct client *client);

#endif
