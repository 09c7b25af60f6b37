/* Copyright (c) Cove authors. See AUTHORS. */

/* SCRAM-SHA-1 and SCRAM-SHA-256 (RFC 5802, RFC 7677) without channel
   binding. Steps: client-first ("n,,n=user,r=cnonce") -> the passdb's
   stored password (plaintext, or the SCRAM verifier of the same hash) ->
   server-first ("r=nonce,s=salt,i=iterations") -> client-final
   ("c=...,r=nonce,p=proof") checked against StoredKey -> server-final
   ("v=signature") sent as a last challenge, whose empty answer ends the
   exchange. */

#include "lib.h"
#include "str.h"
#include "base64.h"
#include "randgen.h"
#include "password-scheme.h"
#include "password-scram.h"
#include "auth-request.h"
#include "mech.h"

#define MECH_SCRAM_NONCE_BYTES 18

enum mech_scram_state {
	MECH_SCRAM_STATE_CLIENT_FIRST,
	MECH_SCRAM_STATE_CLIENT_FINAL,
	MECH_SCRAM_STATE_SERVER_FINAL_SENT,
};

struct mech_scram_request {
	const EVP_MD *md;
	enum mech_scram_state state;
	/* "n,," or "y,,": to compare with the c= attribute */
	const char *gs2_header;
	const char *client_first_bare;
	const char *server_first;
	const char *nonce;
	struct password_scram_keys keys;
};

/* Decodes a saslname ("=2C" is ',', "=3D" is '='); NULL if invalid. */
static const char *mech_scram_unescape(const char *name)
{
	string_t *dest = t_str_new(strlen(name));

	for (; *name != '\0'; name++) {
		if (*name != '=')
			str_append_c(dest, *name);
		else if (str_begins(name, "=2C")) {
			str_append_c(dest, ',');
			name += 2;
		} else if (str_begins(name, "=3D")) {
			str_append_c(dest, '=');
			name += 2;
		} else
			return NULL;
	}
	return str_c(dest);
}

/* Parses client-first. Returns the user name, or NULL with error_r. */
static const char *
mech_scram_parse_client_first(struct auth_request *request,
			      struct mech_scram_request *scram,
			      const char *data, const char **error_r)
{
	const char *const *fields = t_strsplit(data, ",");
	const char *user;

	/* gs2-cbind-flag "," [authzid] "," "n=" user "," "r=" nonce */
	if (str_array_length(fields) < 4) {
		*error_r = "invalid input: client-first is too short";
		return NULL;
	}
	if (fields[0][0] == 'p') {
		*error_r = "channel binding is not supported";
		return NULL;
	}
	if (strcmp(fields[0], "n") != 0 && strcmp(fields[0], "y") != 0) {
		*error_r = "invalid input: bad gs2-cbind-flag";
		return NULL;
	}
	if (!str_begins(fields[2], "n=") || !str_begins(fields[3], "r=") ||
	    fields[3][2] == '\0' || (fields[4] != NULL &&
				     str_begins(fields[4], "m="))) {
		*error_r = "invalid input: expected n=user,r=nonce";
		return NULL;
	}
	user = mech_scram_unescape(fields[2] + 2);
	if (user == NULL || user[0] == '\0') {
		*error_r = "invalid input: bad user name";
		return NULL;
	}
	if (fields[1][0] != '\0') {
		const char *authzid = str_begins(fields[1], "a=") ?
			mech_scram_unescape(fields[1] + 2) : NULL;

		if (authzid == NULL || strcmp(authzid, user) != 0) {
			*error_r = "authorization identity differs from "
				"the user";
			return NULL;
		}
	}
	scram->gs2_header = p_strconcat(request->pool, fields[0], ",",
					fields[1], ",", NULL);
	scram->client_first_bare = p_strdup(request->pool,
		data + strlen(scram->gs2_header));
	scram->nonce = p_strdup(request->pool, fields[3] + 2);
	return user;
}

static void mech_scram_credentials_callback(enum passdb_result result,
					    struct auth_request *request)
{
	struct mech_scram_request *scram = request->mech_data;
	unsigned char snonce[MECH_SCRAM_NONCE_BYTES];
	string_t *reply;
	const char *error;

	if (!auth_request_credentials_found(request, result))
		return;
	if (password_scram_keys_from_stored(scram->md,
					    request->passdb_password,
					    &scram->keys, &error) < 0) {
		auth_request_fail_input(request, error);
		return;
	}
	random_fill(snonce, sizeof(snonce));
	reply = t_str_new(128);
	str_printfa(reply, "r=%s", scram->nonce);
	base64_encode(snonce, sizeof(snonce), reply);
	scram->nonce = p_strdup(request->pool, str_c(reply) + 2);
	str_append(reply, ",s=");
	base64_encode(scram->keys.salt, scram->keys.salt_size, reply);
	str_printfa(reply, ",i=%u", scram->keys.iterations);
	scram->server_first = p_strdup(request->pool, str_c(reply));
	scram->state = MECH_SCRAM_STATE_CLIENT_FINAL;
	auth_request_challenge(request, str_data(reply), str_len(reply));
}

/* Checks client-final ("c=BINDING,r=NONCE[,ext],p=PROOF"): returns the
   message without its proof, with the decoded proof in proof, or NULL. */
static const char *
mech_scram_parse_client_final(struct mech_scram_request *scram,
			      const char *data, buffer_t *proof)
{
	const char *proof_attr = strstr(data, ",p=");
	const char *without_proof, *const *fields;
	string_t *binding = t_str_new(64);

	if (proof_attr == NULL ||
	    base64_decode(proof_attr + 3, strlen(proof_attr + 3), proof) < 0 ||
	    proof->used != scram->keys.key_size)
		return NULL;
	without_proof = t_strndup(data, proof_attr - data);
	fields = t_strsplit(without_proof, ",");
	str_append(binding, "c=");
	base64_encode(scram->gs2_header, strlen(scram->gs2_header), binding);
	if (str_array_length(fields) < 2 ||
	    strcmp(fields[0], str_c(binding)) != 0 ||
	    !str_begins(fields[1], "r=") ||
	    strcmp(fields[1] + 2, scram->nonce) != 0)
		return NULL;
	return without_proof;
}

/* Checks the proof in client-final; on success sends server-final. */
static void mech_scram_client_final(struct auth_request *request,
				    struct mech_scram_request *scram,
				    const char *data)
{
	unsigned char signature[EVP_MAX_MD_SIZE], key[EVP_MAX_MD_SIZE];
	unsigned char stored_key[EVP_MAX_MD_SIZE];
	unsigned char server_signature[EVP_MAX_MD_SIZE];
	size_t size = scram->keys.key_size;
	const unsigned char *proof_data;
	const char *without_proof, *auth_message;
	buffer_t *proof = t_str_new(64);
	string_t *reply;
	bool match;

	without_proof = mech_scram_parse_client_final(scram, data, proof);
	if (without_proof == NULL) {
		auth_request_fail_input(request, "invalid input: bad "
					"client-final message");
		return;
	}
	auth_message = t_strconcat(scram->client_first_bare, ",",
				   scram->server_first, ",", without_proof,
				   NULL);
	/* ClientKey = proof XOR HMAC(StoredKey, AuthMessage), and
	   H(ClientKey) must be StoredKey; the server's own proof is
	   HMAC(ServerKey, AuthMessage) */
	proof_data = proof->data;
	if (password_scram_hmac(scram->md, scram->keys.stored_key, size,
				auth_message, strlen(auth_message),
				signature) < 0 ||
	    password_scram_hmac(scram->md, scram->keys.server_key, size,
				auth_message, strlen(auth_message),
				server_signature) < 0) {
		auth_request_log_error(request, "scram", "HMAC failed");
		auth_request_verify_finish(request,
					   PASSDB_RESULT_INTERNAL_FAILURE);
		return;
	}
	for (size_t i = 0; i < size; i++)
		key[i] = proof_data[i] ^ signature[i];
	match = EVP_Digest(key, size, stored_key, NULL, scram->md,
			   NULL) == 1 &&
		password_scheme_mem_equals(stored_key, size,
					   scram->keys.stored_key, size);
	safe_memset(key, 0, sizeof(key));
	if (!match) {
		auth_request_verify_finish(request,
					   PASSDB_RESULT_PASSWORD_MISMATCH);
		return;
	}
	reply = t_str_new(64);
	str_append(reply, "v=");
	base64_encode(server_signature, size, reply);
	scram->state = MECH_SCRAM_STATE_SERVER_FINAL_SENT;
	auth_request_challenge(request, str_data(reply), str_len(reply));
}

static void mech_scram_continue(struct auth_request *request,
				const unsigned char *data, size_t size)
{
	struct mech_scram_request *scram = request->mech_data;
	const char *user, *error;

	if (strlen((const char *)data) != size) {
		auth_request_fail_input(request, "invalid input: NUL byte");
		return;
	}
	switch (scram->state) {
	case MECH_SCRAM_STATE_CLIENT_FIRST:
		user = mech_scram_parse_client_first(request, scram,
						     (const char *)data,
						     &error);
		if (user == NULL) {
			auth_request_fail_input(request, error);
			return;
		}
		auth_request_lookup_credentials(request, user,
			mech_scram_credentials_callback);
		break;
	case MECH_SCRAM_STATE_CLIENT_FINAL:
		mech_scram_client_final(request, scram, (const char *)data);
		break;
	case MECH_SCRAM_STATE_SERVER_FINAL_SENT:
		if (size != 0) {
			auth_request_fail_input(request, "invalid input: "
				"expected an empty response");
			return;
		}
		auth_request_verify_finish(request, PASSDB_RESULT_OK);
		break;
	}
}

static void mech_scram_initial(struct auth_request *request,
			       const EVP_MD *md, const unsigned char *data,
			       size_t size)
{
	struct mech_scram_request *scram;

	scram = p_new(request->pool, struct mech_scram_request, 1);
	scram->md = md;
	request->mech_data = scram;
	if (data == NULL || size == 0)
		auth_request_challenge(request, "", 0);
	else
		mech_scram_continue(request, data, size);
}

static void mech_scram_sha1_initial(struct auth_request *request,
				    const unsigned char *data, size_t size)
{
	mech_scram_initial(request, EVP_sha1(), data, size);
}

static void mech_scram_sha256_initial(struct auth_request *request,
				      const unsigned char *data, size_t size)
{
	mech_scram_initial(request, EVP_sha256(), data, size);
}

const struct mech_module mech_scram_sha1 = {
	.name = "SCRAM-SHA-1",
	.needs_credentials = true,
	.plaintext = false,
	.auth_initial = mech_scram_sha1_initial,
	.auth_continue = mech_scram_continue,
};

const struct mech_module mech_scram_sha256 = {
	.name = "SCRAM-SHA-256",
	.needs_credentials = true,
	.plaintext = false,
	.auth_initial = mech_scram_sha256_initial,
	.auth_continue = mech_scram_continue,
};
