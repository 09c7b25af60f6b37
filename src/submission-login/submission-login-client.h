/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef SUBMISSION_LOGIN_CLIENT_H
#define SUBMISSION_LOGIN_CLIENT_H

/* The SMTP submission client before authentication (RFC 6409, RFC 4954):
   struct client (src/login) with SMTP's replies. Commands are in
   submission-login-commands.c. */

#include "client-common.h"

struct submission_client {
	struct client common;
};

extern const struct client_vfuncs submission_client_vfuncs;

/* Sends "code enhanced_code text" (enhanced_code may be NULL). */
void submission_client_reply(struct submission_client *client,
			     unsigned int code, const char *enhanced_code,
			     const char *text);
/* A reply that counts toward the bad-command limit (which may destroy
   the client). */
void submission_client_reply_bad(struct submission_client *client,
				 unsigned int code, const char *enhanced_code,
				 const char *text);
/* The host name for the greeting and EHLO. */
const char *submission_client_hostname(void);

#endif
