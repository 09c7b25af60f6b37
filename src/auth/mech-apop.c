/* Copyright (c) Cove authors. See AUTHORS. */

/* POP3 APOP (RFC 1939 7) as a mechanism, in Dovecot's format: one
   response "challenge NUL username NUL digest", where challenge is the
   <...@...> timestamp of the POP3 greeting and digest the hex MD5 of the
   challenge followed by the password. The server never challenges.
   Verifying needs the plaintext password, so only a {PLAIN} or
   {CLEARTEXT} passdb entry can succeed. pop3-login drives it for its APOP
   command; login processes never advertise it as a SASL mechanism. */

#include "lib.h"
#include "str.h"
#include "hex-binary.h"
#include "password-scheme.h"
#include "auth-request.h"
#include "mech.h"

#include <strings.h>
#include <openssl/evp.h>

#define MECH_APOP_DIGEST_SIZE 16
/* Longest challenge accepted; pop3-login's are far shorter. */
#define MECH_APOP_MAX_CHALLENGE_LEN 255

struct mech_apop_request {
	const char *challenge;
	unsigned char digest[MECH_APOP_DIGEST_SIZE];
};

/* RFC 1939 7: the timestamp is a msg-id, "<" local "@" domain ">", of
   printable characters without spaces. */
static bool mech_apop_challenge_is_valid(const char *challenge)
{
	size_t len = strlen(challenge), i;
	const char *at;

	if (len < 5 || len > MECH_APOP_MAX_CHALLENGE_LEN ||
	    challenge[0] != '<' || challenge[len - 1] != '>')
		return false;
	at = strchr(challenge, '@');
	if (at == NULL || at == challenge + 1 || at == challenge + len - 2)
		return false;
	for (i = 1; i < len - 1; i++) {
		unsigned char c = challenge[i];

		if (c <= 0x20 || c >= 0x7f || c == '<' || c == '>')
			return false;
	}
	return true;
}

/* Splits "challenge NUL username NUL digest" (data[size] == '\0') into
   apop (challenge copied to pool) and *username_r. Returns 0, or -1 with
   error_r. */
static int mech_apop_parse(pool_t pool, const unsigned char *data,
			   size_t size, struct mech_apop_request *apop,
			   const char **username_r, const char **error_r)
{
	const char *challenge = (const char *)data, *end = challenge + size;
	const char *username, *digest_hex;
	buffer_t *digest;

	username = memchr(challenge, '\0', size);
	if (username == NULL) {
		*error_r = "invalid input: no NUL after challenge";
		return -1;
	}
	username++;
	digest_hex = memchr(username, '\0', end - username);
	if (digest_hex == NULL) {
		*error_r = "invalid input: no NUL after username";
		return -1;
	}
	digest_hex++;
	if (!mech_apop_challenge_is_valid(challenge)) {
		*error_r = "invalid input: challenge is not <...@...>";
		return -1;
	}
	digest = t_str_new(MECH_APOP_DIGEST_SIZE);
	if ((size_t)(end - digest_hex) != MECH_APOP_DIGEST_SIZE * 2 ||
	    hex_to_binary(digest_hex, digest) < 0) {
		*error_r = "invalid input: digest is not 32 hex digits";
		return -1;
	}
	i_assert(digest->used == MECH_APOP_DIGEST_SIZE);
	memcpy(apop->digest, digest->data, MECH_APOP_DIGEST_SIZE);
	apop->challenge = p_strdup(pool, challenge);
	*username_r = username;
	return 0;
}

/* Returns 1 if MD5(challenge password) is apop's digest, 0 if not, -1 if
   OpenSSL failed. */
static int mech_apop_verify(const struct mech_apop_request *apop,
			    const char *password)
{
	unsigned char digest[EVP_MAX_MD_SIZE];
	unsigned int digest_size = 0;
	EVP_MD_CTX *ctx;
	int ret = -1;

	ctx = EVP_MD_CTX_new();
	if (ctx == NULL)
		return -1;
	if (EVP_DigestInit_ex(ctx, EVP_md5(), NULL) == 1 &&
	    EVP_DigestUpdate(ctx, apop->challenge,
			     strlen(apop->challenge)) == 1 &&
	    EVP_DigestUpdate(ctx, password, strlen(password)) == 1 &&
	    EVP_DigestFinal_ex(ctx, digest, &digest_size) == 1 &&
	    digest_size == MECH_APOP_DIGEST_SIZE) {
		ret = password_scheme_mem_equals(digest, digest_size,
						 apop->digest,
						 MECH_APOP_DIGEST_SIZE) ? 1 : 0;
	}
	EVP_MD_CTX_free(ctx);
	safe_memset(digest, 0, sizeof(digest));
	return ret;
}

static void mech_apop_credentials_callback(enum passdb_result result,
					   struct auth_request *request)
{
	const char *scheme, *password;
	int ret;

	if (!auth_request_credentials_found(request, result))
		return;
	scheme = password_scheme_split(request->passdb_password, &password);
	i_assert(scheme != NULL);
	if (strcasecmp(scheme, "PLAIN") != 0 &&
	    strcasecmp(scheme, "CLEARTEXT") != 0) {
		auth_request_fail_input(request, t_strdup_printf(
			"APOP needs a plaintext password, but the passdb "
			"has a %s password", scheme));
		return;
	}
	ret = mech_apop_verify(request->mech_data, password);
	if (ret < 0) {
		auth_request_log_error(request, "apop",
				       "OpenSSL MD5 digest failed");
		result = PASSDB_RESULT_INTERNAL_FAILURE;
	} else {
		result = ret > 0 ? PASSDB_RESULT_OK :
			PASSDB_RESULT_PASSWORD_MISMATCH;
	}
	auth_request_verify_finish(request, result);
}

static void mech_apop_initial(struct auth_request *request,
			      const unsigned char *data, size_t size)
{
	struct mech_apop_request *apop;
	const char *username, *error;

	if (data == NULL) {
		auth_request_fail_input(request, "invalid input: APOP needs "
					"an initial response");
		return;
	}
	apop = p_new(request->pool, struct mech_apop_request, 1);
	if (mech_apop_parse(request->pool, data, size, apop, &username,
			    &error) < 0) {
		auth_request_fail_input(request, error);
		return;
	}
	request->mech_data = apop;
	auth_request_lookup_credentials(request, username,
					mech_apop_credentials_callback);
}

const struct mech_module mech_apop = {
	.name = "APOP",
	.needs_credentials = true,
	.plaintext = false,
	.auth_initial = mech_apop_initial,
};
