/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef LOGIN_COMMON_H
#define LOGIN_COMMON_H

/* What a login process is made of: the protocol describes itself in a
   struct login_binary and its main() calls login_binary_run(), which
   reads the settings, connects to auth and serves clients. */

#include "login-settings.h"

struct setting_parser_info;
struct client_vfuncs;

/* Longest pre-login command (literals included), and longest SASL
   response line, that a client may send. Fixed rather than configurable:
   a login command with a user name and password never needs more, and it
   bounds what an unauthenticated peer can make us buffer. */
#define LOGIN_MAX_INBUF_SIZE 8192
/* Pending output at which the client's input is no longer read until
   the client reads what it was sent. */
#define LOGIN_MAX_OUTBUF_SIZE 16384
/* Bad commands before the server disconnects. */
#define LOGIN_MAX_BAD_COMMANDS 10
/* Failed authentications before the server disconnects. */
#define LOGIN_MAX_AUTH_FAILURES 3
/* How long the handoff may wait for the worker's answer. */
#define LOGIN_HANDOFF_TIMEOUT_MSECS (10 * 1000)

struct login_binary {
	/* "imap": the auth service name and the handoff socket's name */
	const char *protocol;
	/* "imap-login": the service and log name */
	const char *process_name;
	const struct client_vfuncs *client_vfuncs;
	/* The protocol's own settings (may be NULL), and a hook to fetch
	   them once they are read. */
	const struct setting_parser_info *protocol_set_info;
	void (*init)(void);
	void (*deinit)(void);
};

extern const struct login_binary *login_binary;
extern const struct login_settings *login_set;
extern struct auth_client *auth_client;

/* Runs the login process until the master stops it. Returns the exit
   code for main(). */
int login_binary_run(const struct login_binary *binary,
		     int argc, char *argv[]);

#endif
