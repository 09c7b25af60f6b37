/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef POP3_LOGIN_CAPABILITY_H
#define POP3_LOGIN_CAPABILITY_H

/* The pre-login CAPA list (RFC 2449 5) and the AUTH mechanism list (RFC
   5034 4), as the lines of a multi-line reply. */

#include "str.h"

/* Capabilities that hold whatever the connection: the worker implements
   TOP and UIDL (RFC 2449 6.4, 6.5), and replies carry RFC 3206 codes. */
#define POP3_LOGIN_CAPABILITY_DEFAULT \
	"CAPA\r\nTOP\r\nUIDL\r\nRESP-CODES\r\nPIPELINING\r\nAUTH-RESP-CODE\r\n"

/* Appends the capability lines (each ending in CRLF, without the "+OK"
   line and the terminating ".") to dest: the default ones, STLS if
   starttls, USER if
   plaintext_allowed, and "SASL <mechs>" if mechs (NULL-terminated,
   already filtered for this connection) is not empty. */
void pop3_login_capability_append(string_t *dest, bool starttls,
				  bool plaintext_allowed,
				  const char *const *mechs);

/* Appends one line per mechanism of mechs (NULL-terminated) to dest. */
void pop3_login_capability_append_mechs(string_t *dest,
					const char *const *mechs);

#endif
