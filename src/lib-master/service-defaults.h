/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef SERVICE_DEFAULTS_H
#define SERVICE_DEFAULTS_H

/* How a service runs unless the config's `service NAME { }` says
   otherwise. Each service declares one of these in its <svc>-settings.c;
   the master reads them and merges the config over them. */

#include <netinet/in.h>

enum service_type {
	/* The process accepts on its listeners itself and serves up to
	   client_limit clients at once (imap-login, auth, lmtp). */
	SERVICE_TYPE_LISTEN,
	/* The master accepts each connection and starts one process for it
	   (imap and pop3 workers, which drop to one user's uid). */
	SERVICE_TYPE_PER_CONNECTION,
};

struct service_listener_defaults {
	/* "inet" or "unix" */
	const char *kind;
	/* inet: listener name ("imap"); unix: path relative to base_dir */
	const char *name;
	/* inet only; NULL address means the `listen` setting */
	const char *address;
	in_port_t port;
	/* unix only */
	mode_t mode;
	/* unix only: owner, may be "$default_login_user"; NULL = master's */
	const char *user;
};

struct service_defaults {
	const char *name;
	/* Runs only if this protocol is in `protocols` (NULL: always). */
	const char *protocol;
	/* File name under libexec/cove. */
	const char *executable;
	enum service_type type;
	/* User to run as when the master is root: a user name, or
	   "$default_login_user" / "$default_internal_user"; NULL or "" keeps
	   root (imap/pop3 workers and lmtp drop per user themselves). */
	const char *user;
	/* chroot directory relative to base_dir ("login"), or NULL. */
	const char *chroot;
	unsigned int process_limit;
	unsigned int client_limit;
	unsigned int process_min_avail;
	/* Ends with an entry whose kind is NULL. */
	const struct service_listener_defaults *listeners;
};

/* A post-login mail worker (imap, pop3): the login process hands each
   logged-in client over through base_dir/login/PROTOCOL, and the master
   starts one worker per connection, as root when it is root (the worker
   drops to the user itself). */
#define SERVICE_DEFAULTS_MAIL_WORKER(protocol_) { \
		.name = protocol_, \
		.protocol = protocol_, \
		.executable = protocol_, \
		.type = SERVICE_TYPE_PER_CONNECTION, \
		.process_limit = 1024, \
		.client_limit = 1, \
		.listeners = (const struct service_listener_defaults[]) { \
			{ .kind = "unix", .name = "login/" protocol_, \
			  .mode = 0600, .user = "$default_login_user" }, \
			{ .kind = NULL } \
		}, \
	}

#endif
