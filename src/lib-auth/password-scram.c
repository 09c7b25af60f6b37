/* Copyright (c) Cove authors. See AUTHORS. */

/* SCRAM verifiers: derivation (RFC 5802 3: SaltedPassword by PBKDF2,
   ClientKey/ServerKey by HMAC, StoredKey = H(ClientKey)), Dovecot's
   stored form, and the SCRAM-SHA-1 / SCRAM-SHA-256 password schemes. */

#include "lib.h"
#include "str.h"
#include "base64.h"
#include "randgen.h"
#include "password-scheme.h"
#include "password-scheme-private.h"
#include "password-scram.h"

#include <strings.h>
#include <openssl/hmac.h>

#define PASSWORD_SCRAM_SALT_SIZE 16

int password_scram_hmac(const EVP_MD *md, const unsigned char *key,
			size_t key_size, const void *data, size_t data_size,
			unsigned char *digest_r)
{
	unsigned int size;

	return HMAC(md, key, (int)key_size, data, data_size, digest_r,
		    &size) == NULL ? -1 : 0;
}

const char *password_scram_scheme_name(const EVP_MD *md)
{
	return EVP_MD_size(md) == 20 ? "SCRAM-SHA-1" : "SCRAM-SHA-256";
}

int password_scram_derive(struct password_scram_keys *keys,
			  const char *password, const char **error_r)
{
	unsigned char salted[EVP_MAX_MD_SIZE], client_key[EVP_MAX_MD_SIZE];
	unsigned int size = 0;
	int ret = -1;

	keys->key_size = EVP_MD_size(keys->md);
	if (PKCS5_PBKDF2_HMAC(password, strlen(password), keys->salt,
			      keys->salt_size, keys->iterations, keys->md,
			      keys->key_size, salted) == 1 &&
	    password_scram_hmac(keys->md, salted, keys->key_size,
				"Client Key", 10, client_key) == 0 &&
	    password_scram_hmac(keys->md, salted, keys->key_size,
				"Server Key", 10, keys->server_key) == 0 &&
	    EVP_Digest(client_key, keys->key_size, keys->stored_key, &size,
		       keys->md, NULL) == 1)
		ret = 0;
	else
		*error_r = "OpenSSL failed to derive SCRAM keys";
	safe_memset(salted, 0, sizeof(salted));
	safe_memset(client_key, 0, sizeof(client_key));
	return ret;
}

/* Decodes base64 value into dest of exactly size bytes (any size up to
   max_size when size is 0); returns the size or -1. */
static ssize_t password_scram_decode(const char *value, unsigned char *dest,
				     size_t size, size_t max_size)
{
	buffer_t *buf = t_str_new(64);

	if (base64_decode(value, strlen(value), buf) < 0 || buf->used == 0 ||
	    (size != 0 ? buf->used != size : buf->used > max_size))
		return -1;
	memcpy(dest, buf->data, buf->used);
	return buf->used;
}

int password_scram_parse(const EVP_MD *md, const char *value,
			 struct password_scram_keys *keys_r,
			 const char **error_r)
{
	const char *const *fields = t_strsplit(value, ",");
	ssize_t salt_size;

	i_zero(keys_r);
	keys_r->md = md;
	keys_r->key_size = EVP_MD_size(md);
	if (str_array_length(fields) != 4 ||
	    str_to_uint(fields[0], &keys_r->iterations) < 0 ||
	    keys_r->iterations == 0 ||
	    keys_r->iterations > PASSWORD_SCRAM_MAX_ITERATIONS ||
	    (salt_size = password_scram_decode(fields[1], keys_r->salt, 0,
					       sizeof(keys_r->salt))) < 0 ||
	    password_scram_decode(fields[2], keys_r->stored_key,
				  keys_r->key_size, 0) < 0 ||
	    password_scram_decode(fields[3], keys_r->server_key,
				  keys_r->key_size, 0) < 0) {
		*error_r = "Malformed SCRAM password (expected "
			"ITERATIONS,SALT,STOREDKEY,SERVERKEY in base64, "
			"at most 1000000 iterations)";
		return -1;
	}
	keys_r->salt_size = salt_size;
	return 0;
}

int password_scram_keys_from_stored(const EVP_MD *md, const char *stored,
				    struct password_scram_keys *keys_r,
				    const char **error_r)
{
	const char *scheme, *value;

	scheme = password_scheme_split(stored, &value);
	if (scheme != NULL && (strcasecmp(scheme, "PLAIN") == 0 ||
			       strcasecmp(scheme, "CLEARTEXT") == 0)) {
		i_zero(keys_r);
		keys_r->md = md;
		keys_r->iterations = PASSWORD_SCRAM_DEFAULT_ITERATIONS;
		keys_r->salt_size = PASSWORD_SCRAM_SALT_SIZE;
		random_fill(keys_r->salt, keys_r->salt_size);
		return password_scram_derive(keys_r, value, error_r);
	}
	if (scheme != NULL &&
	    strcasecmp(scheme, password_scram_scheme_name(md)) == 0)
		return password_scram_parse(md, value, keys_r, error_r);
	*error_r = t_strdup_printf("SCRAM needs a plaintext or SCRAM "
				   "password, but the passdb has a %s one",
				   scheme == NULL ? "(no scheme)" : scheme);
	return -1;
}

int password_scram_verify(const struct password_scheme *scheme,
			  const char *plaintext, const unsigned char *raw,
			  size_t raw_size ATTR_UNUSED, const char **error_r)
{
	struct password_scram_keys stored, keys;
	bool match;

	if (password_scram_parse(EVP_get_digestbyname(scheme->param),
				 (const char *)raw, &stored, error_r) < 0)
		return -1;
	keys = stored;
	if (password_scram_derive(&keys, plaintext, error_r) < 0)
		return -1;
	match = password_scheme_mem_equals(keys.stored_key, keys.key_size,
					   stored.stored_key,
					   stored.key_size);
	safe_memset(&keys, 0, sizeof(keys));
	return match ? 1 : 0;
}

int password_scram_generate(const struct password_scheme *scheme,
			    const char *plaintext, buffer_t *dest,
			    const char **error_r)
{
	struct password_scram_keys keys;

	i_zero(&keys);
	keys.md = EVP_get_digestbyname(scheme->param);
	keys.iterations = PASSWORD_SCRAM_DEFAULT_ITERATIONS;
	keys.salt_size = PASSWORD_SCRAM_SALT_SIZE;
	random_fill(keys.salt, keys.salt_size);
	if (password_scram_derive(&keys, plaintext, error_r) < 0)
		return -1;
	str_printfa(dest, "%u,", keys.iterations);
	base64_encode(keys.salt, keys.salt_size, dest);
	buffer_append_c(dest, ',');
	base64_encode(keys.stored_key, keys.key_size, dest);
	buffer_append_c(dest, ',');
	base64_encode(keys.server_key, keys.key_size, dest);
	safe_memset(&keys, 0, sizeof(keys));
	return 0;
}
