/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef AUTH_CLIENT_CONNECTION_H
#define AUTH_CLIENT_CONNECTION_H

/* Server side of the auth-client protocol 1.2 (doc/auth-protocols.md),
   for login processes and other SASL clients such as Postfix. */

#include "net.h"

struct auth;

/* Bounds on what a client may send. */
#define AUTH_CLIENT_MAX_LINE_LENGTH (8192 + 1024)
#define AUTH_CLIENT_MAX_REQUESTS 1000

/* The fields of an AUTH line. */
struct auth_client_auth_args {
	unsigned int id;
	const char *mech;
	const char *service;
	const char *session_id;
	struct ip_addr local_ip, remote_ip;
	in_port_t local_port, remote_port;
	bool secured;
	/* "no-penalty": the client is trusted, failures do not count
	   against its address */
	bool no_penalty;
	bool valid_client_cert;
	const char *cert_username;
	/* base64 initial response, NULL if none ("" is an empty one) */
	const char *resp_base64;
};

/* Parses the arguments of an AUTH line (after "AUTH", unescaped).
   Strings point into args. Unknown fields are ignored. Returns 0, or -1
   with error_r. */
int auth_client_connection_parse_auth(const char *const *args,
				      struct auth_client_auth_args *args_r,
				      const char **error_r);

/* Serves the connection fd. login: the connection came from the login
   socket, so successful replies carry a cookie. */
void auth_client_connection_create(struct auth *auth, int fd, bool login);

#endif
