/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef AUTH_MASTER_CONNECTION_H
#define AUTH_MASTER_CONNECTION_H

/* Server side of Cove's auth-master protocol (doc/auth-protocols.md):
   login cookies traded for the user's fields, and userdb lookups. */

struct auth;

#define AUTH_MASTER_MAX_LINE_LENGTH 8192
#define AUTH_MASTER_MAX_REQUESTS 100

enum auth_master_listener {
	AUTH_MASTER_LISTENER_NONE,
	/* names ending in "auth-master": cookies and userdb lookups, for
	   root-run workers and lmtp (mode 0600) */
	AUTH_MASTER_LISTENER_MASTER,
	/* names ending in "auth-userdb": userdb lookups only, answered only
	   when the caller is root, runs as auth's own uid, or has the uid
	   the userdb returns (as Dovecot's auth-userdb, mode 0666: for
	   cove-deliver running as the mail user) */
	AUTH_MASTER_LISTENER_USERDB,
};

enum auth_master_listener auth_master_listener_type(const char *name);

void auth_master_connection_create(struct auth *auth, int fd,
				   enum auth_master_listener type);

#endif
