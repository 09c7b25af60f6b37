/* Copyright (c) Cove authors. See AUTHORS. */
/* Building the pre-login CAPA and AUTH lists. */

#include "lib.h"
#include "str.h"
#include "pop3-login-capability.h"

void pop3_login_capability_append(string_t *dest, bool starttls,
				  bool plaintext_allowed,
				  const char *const *mechs)
{
	str_append(dest, POP3_LOGIN_CAPABILITY_DEFAULT);
	if (starttls)
		str_append(dest, "STLS\r\n");
	if (plaintext_allowed)
		str_append(dest, "USER\r\n");
	/* RFC 2449 6.8: SASL's arguments are the mechanisms. With none
	   usable here it would announce an AUTH that cannot succeed, so the
	   line is left out (Dovecot sends a bare "SASL"). */
	if (*mechs == NULL)
		return;
	str_append(dest, "SASL");
	for (; *mechs != NULL; mechs++) {
		str_append_c(dest, ' ');
		str_append(dest, *mechs);
	}
	str_append(dest, "\r\n");
}

void pop3_login_capability_append_mechs(string_t *dest,
					const char *const *mechs)
{
	for (; *mechs != NULL; mechs++) {
		str_append(dest, *mechs);
		str_append(dest, "\r\n");
	}
}
