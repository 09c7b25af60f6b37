/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef LOGIN_HANDOFF_H
#define LOGIN_HANDOFF_H

/* The login -> post-login worker handoff (protocol documented in
   doc/protocols.md). After a successful login, the login process connects
   to base_dir/login/<protocol> (the master starts a worker for that
   connection) and sends one record with the client's fd attached:

     HANDOFF\t1\tcookie=HEX\tuser=NAME\tsession=ID\tlip=IP\tlport=N
       \trip=IP\trport=N\ttag=TAG\tinput=BASE64\n

   All values tab-escaped; tag is the IMAP command tag whose OK the worker
   sends; input is client data the login process read past the login
   command (pipelined commands). The worker answers "OK\n" once it owns the
   fd, "LIMIT\treason\n" when a limit (mail_max_userip_connections) refuses
   the session (the login process tells the client the reason and
   disconnects it), or "FAIL\treason\n". The record is at most
   LOGIN_HANDOFF_MAX_SIZE. */

#include "net.h"

#define LOGIN_HANDOFF_MAX_SIZE 65536

struct login_handoff {
	const char *cookie;
	const char *username;
	const char *session_id;
	const char *tag;
	struct ip_addr local_ip, remote_ip;
	in_port_t local_port, remote_port;
	const unsigned char *input;
	size_t input_size;
};

/* Login side: connects to socket_path, sends the record with client_fd,
   waits (bounded by timeout_msecs) for the answer. Returns 0 when the
   worker took the client (the caller closes its copy of client_fd), 1
   when a limit refused it (error_r: the reason, for the client), -1 with
   error_r. Blocking; the socket is local and the answer immediate. */
int login_handoff_send(const char *socket_path, int client_fd,
		       const struct login_handoff *handoff,
		       unsigned int timeout_msecs, const char **error_r);

/* Worker side: reads the record from sock (blocking, bounded by
   timeout_msecs) into pool. Returns 0 with *client_fd_r set, or -1 with
   error_r. The answer is sent with login_handoff_reply(). */
int login_handoff_receive(int sock, pool_t pool,
			  struct login_handoff *handoff_r, int *client_fd_r,
			  unsigned int timeout_msecs, const char **error_r);
void login_handoff_reply(int sock, bool success, const char *reason);
/* Refuses the session because of a limit; reason goes to the client. */
void login_handoff_refuse(int sock, const char *reason);

#endif
