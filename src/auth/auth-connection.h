/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef AUTH_CONNECTION_H
#define AUTH_CONNECTION_H

/* What the auth service's two line protocols (auth-client and
   auth-master, doc/auth-protocols.md) share: a non-blocking fd with
   length-limited line input, the "VERSION\t1" line every peer must send
   first, tab-separated commands handed to the protocol's line handler,
   corked replies, and teardown. A protocol embeds struct auth_connection
   as the first member of its own connection struct. */

struct auth;
struct auth_connection;

struct auth_connection_vfuncs {
	/* the protocol: "auth-client" */
	const char *name;
	/* Handles one command line after VERSION (args split at tabs and
	   unescaped, args[0] is the command). Returns 0, or -1 with
	   error_r to log it and disconnect. */
	int (*handle_line)(struct auth_connection *conn,
			   const char *const *args, const char **error_r);
	/* Returns the prefix of log lines about conn (temporary frame).
	   NULL: "<name> connection". */
	const char *(*log_prefix)(struct auth_connection *conn);
	/* Frees the protocol's own state (not the struct itself) before
	   the fd is closed. */
	void (*destroy)(struct auth_connection *conn);
};

struct auth_connection {
	struct auth_connection *prev, *next;
	const struct auth_connection_vfuncs *v;
	struct auth *auth;
	int fd;
	struct io *io;
	struct istream *input;
	struct ostream *output;
	bool version_received;
};

/* Starts serving fd on conn, which the caller allocated with i_new()
   (as the first member of its protocol struct); lines longer than
   max_line_length disconnect. */
void auth_connection_init(struct auth_connection *conn,
			  const struct auth_connection_vfuncs *v,
			  struct auth *auth, int fd, size_t max_line_length);
/* Calls v->destroy, closes the fd and frees conn (the whole protocol
   struct it starts). */
void auth_connection_destroy(struct auth_connection **conn);
/* Destroys every connection; at shutdown. */
void auth_connections_destroy_all(void);

/* Sends line followed by "\n". */
void auth_connection_send(struct auth_connection *conn, const char *line);

#endif
