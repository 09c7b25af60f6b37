/* Copyright (c) Cove authors. See AUTHORS. */

/* SASL EXTERNAL (RFC 4422 appendix A) with TLS client certificates: the
   user is the name the login process took from a certificate that
   verified against ssl_ca (cert_username), and, as in Dovecot, only with
   auth_ssl_username_from_cert = yes. The client's message is an
   authorization identity, which must be empty or that same name. The
   passdbs verify the user with an empty password, so (as in Dovecot)
   only an entry that accepts any password (nopassword) logs in, and its
   other fields (nologin, allow_nets) apply. Without an initial response
   the server first sends an empty challenge. */

#include "lib.h"
#include "auth.h"
#include "auth-request.h"
#include "mech.h"

static void mech_external_continue(struct auth_request *request,
				   const unsigned char *data, size_t size)
{
	const char *authzid = (const char *)data;

	if (!request->auth->set->auth_ssl_username_from_cert) {
		auth_request_fail_input(request, "EXTERNAL needs "
					"auth_ssl_username_from_cert = yes");
		return;
	}
	if (!request->valid_client_cert || request->cert_username == NULL) {
		auth_request_fail_input(request,
			"Client didn't present a valid SSL certificate");
		return;
	}
	if (memchr(data, '\0', size) != NULL) {
		auth_request_fail_input(request, "invalid input: NUL in "
					"authorization identity");
		return;
	}
	if (authzid[0] != '\0' &&
	    strcmp(authzid, request->cert_username) != 0) {
		auth_request_fail_input(request, "authzid differs from the "
					"certificate's user name");
		return;
	}
	auth_request_verify_plain(request, request->cert_username, "");
}

static void mech_external_initial(struct auth_request *request,
				  const unsigned char *data, size_t size)
{
	if (data == NULL)
		auth_request_challenge(request, "", 0);
	else
		mech_external_continue(request, data, size);
}

const struct mech_module mech_external = {
	.name = "EXTERNAL",
	.auth_initial = mech_external_initial,
	.auth_continue = mech_external_continue,
};
