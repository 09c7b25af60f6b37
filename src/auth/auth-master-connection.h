/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef AUTH_MASTER_CONNECTION_H
#define AUTH_MASTER_CONNECTION_H

/* Server side of Cove's auth-master protocol (doc/auth-protocols.md):
   login cookies traded for the user's fields, and userdb lookups. */

struct auth;

#define AUTH_MASTER_MAX_LINE_LENGTH 8192
#define AUTH_MASTER_MAX_REQUESTS 100

/* True if a listener of this name speaks the auth-master protocol
   ("auth-master", or any name ending in auth-master or auth-userdb). */
bool auth_master_connection_is_master_listener(const char *name);

void auth_master_connection_create(struct auth *auth, int fd);

#endif
