/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef PASSWORD_SCRAM_H
#define PASSWORD_SCRAM_H

/* SCRAM (RFC 5802, RFC 7677) keys: the server's verifier for one
   password, stored as Dovecot does in the SCRAM-SHA-1 and SCRAM-SHA-256
   schemes ("ITERATIONS,SALT,STOREDKEY,SERVERKEY", base64), or derived
   from a plaintext password. */

#include <openssl/evp.h>

#define PASSWORD_SCRAM_DEFAULT_ITERATIONS 4096
/* Stored values asking for more are refused (each login would cost
   that many HMACs). */
#define PASSWORD_SCRAM_MAX_ITERATIONS 1000000

struct password_scram_keys {
	/* "SHA1" or "SHA256" */
	const EVP_MD *md;
	unsigned int iterations;
	unsigned char salt[64];
	size_t salt_size;
	unsigned char stored_key[EVP_MAX_MD_SIZE];
	unsigned char server_key[EVP_MAX_MD_SIZE];
	/* the digest size */
	size_t key_size;
};

/* "SCRAM-SHA-1" for SHA-1, "SCRAM-SHA-256" for SHA-256. */
const char *password_scram_scheme_name(const EVP_MD *md);
/* Derives keys for password with salt and iterations (md set). Returns 0,
   or -1 with error_r if OpenSSL fails. */
int password_scram_derive(struct password_scram_keys *keys,
			  const char *password, const char **error_r);
/* Parses "ITERATIONS,SALT,STOREDKEY,SERVERKEY" for md. Returns 0, or -1
   with error_r for a malformed value. */
int password_scram_parse(const EVP_MD *md, const char *value,
			 struct password_scram_keys *keys_r,
			 const char **error_r);
/* The keys for a SCRAM mechanism using md, from a passdb's stored
   password ("{SCHEME}value"): a SCRAM value of the same hash, or a
   plaintext one (then with a random salt). Returns 0, or -1 with error_r
   for any other scheme. */
int password_scram_keys_from_stored(const EVP_MD *md, const char *stored,
				    struct password_scram_keys *keys_r,
				    const char **error_r);
/* HMAC(key, data) into digest_r (keys->key_size bytes). */
int password_scram_hmac(const EVP_MD *md, const unsigned char *key,
			size_t key_size, const void *data, size_t data_size,
			unsigned char *digest_r);

#endif
