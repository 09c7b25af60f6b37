/* Copyright (c) Cove authors. See AUTHORS. */
/* Building the pre-login CAPABILITY list. */

#include "lib.h"
#include "str.h"
#include "imap-login-capability.h"

void imap_login_capability_append(string_t *dest,
				  const char *imap_capability, bool starttls,
				  bool plaintext_allowed,
				  const char *const *mechs)
{
	if (*imap_capability == '\0')
		str_append(dest, IMAP_LOGIN_CAPABILITY_DEFAULT);
	else if (*imap_capability != '+')
		str_append(dest, imap_capability);
	else {
		str_append(dest, IMAP_LOGIN_CAPABILITY_DEFAULT);
		str_append_c(dest, ' ');
		str_append(dest, imap_capability + 1);
	}
	if (starttls)
		str_append(dest, " STARTTLS");
	if (!plaintext_allowed)
		str_append(dest, " LOGINDISABLED");
	for (; *mechs != NULL; mechs++) {
		str_append(dest, " AUTH=");
		str_append(dest, *mechs);
	}
}
