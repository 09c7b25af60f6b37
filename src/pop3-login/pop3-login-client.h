/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef POP3_LOGIN_CLIENT_H
#define POP3_LOGIN_CLIENT_H

/* The POP3 pre-login client (AUTHORIZATION state, RFC 1939 4): struct
   client (src/login) plus the USER name waiting for PASS and the APOP
   timestamp of the greeting. Commands are in pop3-login-commands.c. */

#include "client-common.h"

struct pop3_client {
	struct client common;
	/* USER's argument until PASS (or a failed attempt) uses it. */
	char *last_user;
	/* The greeting's "<...@host>" timestamp (RFC 1939 7), or NULL when
	   the auth server did not offer APOP then. */
	char *apop_challenge;
};

extern const struct client_vfuncs pop3_client_vfuncs;

/* Sends "+OK text" (or "+OK" if text is NULL) plus CRLF. */
void pop3_client_send_ok(struct pop3_client *client, const char *text);
/* Sends "-ERR text" plus CRLF. */
void pop3_client_send_err(struct pop3_client *client, const char *text);
/* -ERR reply that counts toward the bad-command limit (which may
   destroy the client). */
void pop3_client_send_bad(struct pop3_client *client, const char *text);

#endif
