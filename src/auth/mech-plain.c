/* Copyright (c) Cove authors. See AUTHORS. */

/* SASL PLAIN (RFC 4616): one message "authzid NUL authcid NUL passwd".
   Cove does not support acting as another user, so authzid must be empty
   or equal to authcid. Without an initial response the server sends an
   empty challenge (RFC 4422 5). */

#include "lib.h"
#include "auth-request.h"
#include "mech.h"

int mech_plain_parse(const unsigned char *data, size_t size,
		     const char **authcid_r, const char **password_r,
		     const char **error_r)
{
	const char *authzid, *authcid, *password, *end;

	i_assert(data[size] == '\0');
	authzid = (const char *)data;
	end = (const char *)data + size;
	authcid = memchr(authzid, '\0', size);
	if (authcid == NULL) {
		*error_r = "invalid input: no NUL after authzid";
		return -1;
	}
	authcid++;
	password = memchr(authcid, '\0', end - authcid);
	if (password == NULL) {
		*error_r = "invalid input: no NUL after authcid";
		return -1;
	}
	password++;
	if (memchr(password, '\0', end - password) != NULL) {
		*error_r = "invalid input: NUL in password";
		return -1;
	}
	if (authcid[0] == '\0') {
		*error_r = "invalid input: empty authcid";
		return -1;
	}
	if (authzid[0] != '\0' && strcmp(authzid, authcid) != 0) {
		*error_r = "authzid differs from authcid (master user login "
			"is not supported)";
		return -1;
	}
	*authcid_r = authcid;
	*password_r = password;
	return 0;
}

static void mech_plain_continue(struct auth_request *request,
				const unsigned char *data, size_t size)
{
	const char *authcid, *password, *error;

	if (mech_plain_parse(data, size, &authcid, &password, &error) < 0) {
		auth_request_fail_input(request, error);
		return;
	}
	auth_request_verify_plain(request, authcid, password);
}

static void mech_plain_initial(struct auth_request *request,
			       const unsigned char *data, size_t size)
{
	if (data == NULL)
		auth_request_challenge(request, "", 0);
	else
		mech_plain_continue(request, data, size);
}

const struct mech_module mech_plain = {
	.name = "PLAIN",
	.plaintext = true,
	.auth_initial = mech_plain_initial,
	.auth_continue = mech_plain_continue,
};
