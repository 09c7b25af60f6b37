/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef IMAP_LOGIN_CAPABILITY_H
#define IMAP_LOGIN_CAPABILITY_H

/* The pre-login CAPABILITY list (RFC 3501 7.2.1), built from what works
   before login. */

#include "str.h"

/* What the server supports that matters before login: SASL-IR (RFC
   4959), LITERAL+ (RFC 7888), ID (RFC 2971); ENABLE and IDLE work after
   login, and clients that read only this list (sent in the greeting)
   look for them here, as Dovecot lists them. STARTTLS depends
   on the connection; LOGIN-REFERRALS comes when implemented. */
#define IMAP_LOGIN_CAPABILITY_DEFAULT \
	"IMAP4rev1 SASL-IR LITERAL+ ID ENABLE IDLE"

/* Appends the capability list to dest: imap_capability as the
   imap_capability setting says (see imap-login-settings.h), then
   STARTTLS if starttls, LOGINDISABLED unless plaintext_allowed, then AUTH=<mech> for each of
   mechs (NULL-terminated, already filtered for this connection). */
void imap_login_capability_append(string_t *dest,
				  const char *imap_capability, bool starttls,
				  bool plaintext_allowed,
				  const char *const *mechs);

#endif
