/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef LOGIN_SASL_H
#define LOGIN_SASL_H

/* Protocol-independent SASL helpers of the login processes: pure
   functions, unit-tested without an auth server. */

#include "str.h"

/* True for mechanisms that send the password in the clear (PLAIN, LOGIN):
   those are hidden and refused on insecure connections when
   disable_plaintext_auth is set. Case-insensitive. */
bool login_sasl_mech_is_plaintext(const char *mech);

/* True for mechanisms that a protocol drives with a command of its own
   (APOP, for POP3's APOP command): they are never advertised and are
   refused as SASL mechanisms, as the auth server's "private" ones are in
   Dovecot. Case-insensitive. */
bool login_sasl_mech_is_private(const char *mech);

/* True if mechs (NULL-terminated, may be NULL) contains mech,
   case-insensitively. */
bool login_sasl_mech_is_offered(const char *const *mechs, const char *mech);

/* True if str is a syntactically valid base64 SASL response: only the
   base64 alphabet, padding only at the end, length a multiple of 4. The
   empty string is valid. */
bool login_sasl_is_base64(const char *str);

/* Appends the base64 of the SASL PLAIN response "\0user\0password"
   (RFC 4616) to dest. Temporary copies of the password are wiped. */
void login_sasl_plain_response(string_t *dest, const char *user,
			       const char *password);

#endif
