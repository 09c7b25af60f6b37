/* Copyright (c) Cove authors. See AUTHORS. */

/* CRAM-MD5 (RFC 2195): the server sends "<random.time@host>", the
   client answers "user SP hex(HMAC-MD5(password, challenge))". Needs a
   {PLAIN} or {CRAM-MD5} password from the passdb. */

#include "lib.h"
#include "hex-binary.h"
#include "randgen.h"
#include "password-scheme.h"
#include "auth-request.h"
#include "mech.h"

#include <time.h>
#include <unistd.h>

#define MECH_CRAM_MD5_HEX_LEN (PASSWORD_CRAM_MD5_DIGEST_LEN * 2)

struct mech_cram_md5_request {
	const char *challenge;
	unsigned char response[PASSWORD_CRAM_MD5_DIGEST_LEN];
};

static void mech_cram_md5_initial(struct auth_request *request,
				  const unsigned char *data, size_t size)
{
	struct mech_cram_md5_request *cram;
	char host[256];

	if (data != NULL && size > 0) {
		auth_request_fail_input(request, "invalid input: CRAM-MD5 "
					"takes no initial response");
		return;
	}
	if (gethostname(host, sizeof(host)) < 0)
		host[0] = '\0';
	host[sizeof(host) - 1] = '\0';
	cram = p_new(request->pool, struct mech_cram_md5_request, 1);
	cram->challenge = p_strdup_printf(request->pool, "<%u.%ld@%s>",
					  i_rand_uint32(), (long)time(NULL),
					  host[0] != '\0' ? host : "localhost");
	request->mech_data = cram;
	auth_request_challenge(request, cram->challenge,
			       strlen(cram->challenge));
}

static void mech_cram_md5_credentials_callback(enum passdb_result result,
					       struct auth_request *request)
{
	struct mech_cram_md5_request *cram = request->mech_data;
	unsigned char digest[PASSWORD_CRAM_MD5_DIGEST_LEN];
	const char *error;

	if (!auth_request_credentials_found(request, result))
		return;
	if (password_scheme_cram_md5(request->passdb_password,
				     cram->challenge, strlen(cram->challenge),
				     digest, &error) < 0) {
		auth_request_fail_input(request, error);
		return;
	}
	result = password_scheme_mem_equals(digest, sizeof(digest),
					    cram->response,
					    sizeof(cram->response)) ?
		PASSDB_RESULT_OK : PASSDB_RESULT_PASSWORD_MISMATCH;
	safe_memset(digest, 0, sizeof(digest));
	auth_request_verify_finish(request, result);
}

static void mech_cram_md5_continue(struct auth_request *request,
				   const unsigned char *data, size_t size)
{
	struct mech_cram_md5_request *cram = request->mech_data;
	const char *text = (const char *)data, *space;
	buffer_t *response = t_str_new(PASSWORD_CRAM_MD5_DIGEST_LEN);

	space = strrchr(text, ' ');
	if (space == NULL || space == text ||
	    (size_t)(text + size - (space + 1)) != MECH_CRAM_MD5_HEX_LEN ||
	    hex_to_binary(space + 1, response) < 0) {
		auth_request_fail_input(request, "invalid input: expected "
					"\"user hexdigest\"");
		return;
	}
	memcpy(cram->response, response->data, sizeof(cram->response));
	auth_request_lookup_credentials(request, t_strndup(text, space - text),
					mech_cram_md5_credentials_callback);
}

const struct mech_module mech_cram_md5 = {
	.name = "CRAM-MD5",
	.needs_credentials = true,
	.plaintext = false,
	.auth_initial = mech_cram_md5_initial,
	.auth_continue = mech_cram_md5_continue,
};
