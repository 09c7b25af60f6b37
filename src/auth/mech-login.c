/* Copyright (c) Cove authors. See AUTHORS. */

/* SASL LOGIN (draft-murchison-sasl-login): the server asks "Username:"
   then "Password:", one response each. An initial response is taken as
   the user name. */

#include "lib.h"
#include "auth-request.h"
#include "mech.h"

#define MECH_LOGIN_USERNAME_PROMPT "Username:"
#define MECH_LOGIN_PASSWORD_PROMPT "Password:"

struct mech_login_state {
	/* NULL until the client sent it */
	const char *username;
};

static void mech_login_continue(struct auth_request *request,
				const unsigned char *data, size_t size)
{
	struct mech_login_state *state = request->mech_data;

	if (memchr(data, '\0', size) != NULL) {
		auth_request_fail_input(request, "invalid input: NUL in "
					"response");
		return;
	}
	if (state->username == NULL) {
		state->username = p_strndup(request->pool, data, size);
		auth_request_challenge(request, MECH_LOGIN_PASSWORD_PROMPT,
				       strlen(MECH_LOGIN_PASSWORD_PROMPT));
		return;
	}
	auth_request_verify_plain(request, state->username,
				  (const char *)data);
}

static void mech_login_initial(struct auth_request *request,
			       const unsigned char *data, size_t size)
{
	request->mech_data = p_new(request->pool, struct mech_login_state, 1);
	if (data == NULL) {
		auth_request_challenge(request, MECH_LOGIN_USERNAME_PROMPT,
				       strlen(MECH_LOGIN_USERNAME_PROMPT));
	} else {
		mech_login_continue(request, data, size);
	}
}

const struct mech_module mech_login = {
	.name = "LOGIN",
	.plaintext = true,
	.auth_initial = mech_login_initial,
	.auth_continue = mech_login_continue,
};
