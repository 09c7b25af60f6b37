/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef MAIL_WORKER_H
#define MAIL_WORKER_H

/* The main() of a post-login worker (imap, pop3). The master starts one
   per connection from a login process; the connection carries the
   handoff record with the client's fd. The worker resolves the login
   cookie, drops to the user (mail-user-login.h), lets the protocol
   create and start its client, and serves it until it is gone. At
   shutdown a client still connected is told so before it is destroyed. */

struct setting_parser_info;
struct login_handoff;
struct mail_user;
struct mail_worker_client;

struct mail_worker {
	/* Service name: "imap". */
	const char *name;
	/* The protocol's settings; mail_storage settings are added. */
	const struct setting_parser_info *set_info;
	/* Sent (CRLF appended) when the login fails after the handoff. */
	const char *login_failed_reply;
	/* Creates the protocol's client, taking ownership of fd and user,
	   and starts it. set: the settings of set_info. handoff: the tag
	   and the pipelined input of the login command, valid only during
	   the call. */
	struct mail_worker_client *
	(*client_start)(int fd, const void *set, struct mail_user *user,
			const struct login_handoff *handoff);
};

/* Runs the whole service. Returns the process's exit code. */
int mail_worker_main(const struct mail_worker *worker, int argc,
		     char *argv[]);

#endif
