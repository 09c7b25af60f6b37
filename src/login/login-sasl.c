/* Copyright (c) Cove authors. See AUTHORS. */
/* SASL helpers shared by the login processes (see login-sasl.h). */

#include "lib.h"
#include "str.h"
#include "base64.h"
#include "login-sasl.h"

#include <strings.h>

/* The auth-client protocol's MECH lines carry no flags in our client
   library, so the login process knows the plaintext and private
   mechanisms by name. */
static const char *const login_sasl_plaintext_mechs[] = {
	"PLAIN", "LOGIN", NULL
};

static const char *const login_sasl_private_mechs[] = {
	"APOP", NULL
};

bool login_sasl_mech_is_offered(const char *const *mechs, const char *mech)
{
	if (mechs == NULL)
		return false;
	for (; *mechs != NULL; mechs++) {
		if (strcasecmp(*mechs, mech) == 0)
			return true;
	}
	return false;
}

bool login_sasl_mech_is_plaintext(const char *mech)
{
	return login_sasl_mech_is_offered(login_sasl_plaintext_mechs, mech);
}

bool login_sasl_mech_is_private(const char *mech)
{
	return login_sasl_mech_is_offered(login_sasl_private_mechs, mech);
}

static bool login_sasl_is_base64_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		(c >= '0' && c <= '9') || c == '+' || c == '/';
}

bool login_sasl_is_base64(const char *str)
{
	size_t len = strlen(str), i, pad = 0;

	if (len % 4 != 0)
		return false;
	while (pad < 2 && pad < len && str[len - pad - 1] == '=')
		pad++;
	for (i = 0; i < len - pad; i++) {
		if (!login_sasl_is_base64_char(str[i]))
			return false;
	}
	return true;
}

void login_sasl_plain_response(string_t *dest, const char *user,
			       const char *password)
{
	size_t user_len = strlen(user), pass_len = strlen(password);
	size_t size = user_len + pass_len + 2;
	unsigned char *raw = t_malloc(size);

	/* authzid is empty: log in as the authenticated user */
	raw[0] = '\0';
	memcpy(raw + 1, user, user_len);
	raw[1 + user_len] = '\0';
	memcpy(raw + 2 + user_len, password, pass_len);
	base64_encode(raw, size, dest);
	safe_memset(raw, 0, size);
}
