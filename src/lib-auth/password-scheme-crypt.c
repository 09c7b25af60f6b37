/* Copyright (c) Cove authors. See AUTHORS. */

/* Schemes whose stored value is a self-describing hash string: the
   crypt(3) family through libcrypt's crypt_r() (DES, $1$, $5$, $6$,
   $2y$) and Argon2i/Argon2id through libsodium. crypt_r()'s work area
   holds the plaintext, so it is wiped after each call. */

#include "lib.h"
#include "str.h"
#include "randgen.h"
#include "password-scheme.h"
#include "password-scheme-private.h"

#include <crypt.h>
#include <sodium.h>

/* Random bytes handed to crypt_gensalt_rn(). */
#define PASSWORD_CRYPT_SALT_BYTES 16
/* bcrypt cost of generated BLF-CRYPT hashes (Dovecot's default). */
#define PASSWORD_BLF_CRYPT_COST 5

/* Argon2 cost of generated hashes: Dovecot's defaults. */
#define PASSWORD_ARGON2I_OPSLIMIT 4
#define PASSWORD_ARGON2I_MEMLIMIT (32 * 1024 * 1024)
#define PASSWORD_ARGON2ID_OPSLIMIT 3
#define PASSWORD_ARGON2ID_MEMLIMIT (64 * 1024 * 1024)

/* Runs crypt_r(plaintext, setting) and returns a copy of the result in
   the temporary frame, or NULL if crypt rejected the setting. */
static const char *password_crypt(const char *plaintext, const char *setting)
{
	struct crypt_data *data = i_new(struct crypt_data, 1);
	const char *result;

	result = crypt_r(plaintext, setting, data);
	if (result == NULL || result[0] == '*' || result[0] == '\0')
		result = NULL;
	else
		result = t_strdup(result);
	safe_memset(data, 0, sizeof(*data));
	i_free(data);
	return result;
}

static bool password_has_prefix(const struct password_scheme *scheme,
				const unsigned char *raw, const char **error_r)
{
	if (scheme->param == NULL || str_begins((const char *)raw,
						scheme->param))
		return true;
	*error_r = t_strdup_printf("%s hash does not begin with %s",
				   scheme->name, scheme->param);
	return false;
}

int password_crypt_verify(const struct password_scheme *scheme,
			  const char *plaintext, const unsigned char *raw,
			  size_t raw_size, const char **error_r)
{
	const char *result;

	if (!password_has_prefix(scheme, raw, error_r))
		return -1;
	result = password_crypt(plaintext, (const char *)raw);
	if (result == NULL) {
		*error_r = t_strdup_printf("Malformed %s hash", scheme->name);
		return -1;
	}
	return password_scheme_mem_equals(result, strlen(result),
					  raw, raw_size) ? 1 : 0;
}

int password_crypt_generate(const struct password_scheme *scheme,
			    const char *plaintext, buffer_t *dest,
			    const char **error_r)
{
	/* CRYPT generates BLF-CRYPT; DES-CRYPT ("") traditional DES */
	const char *prefix = scheme->param == NULL ? "$2y$" : scheme->param;
	unsigned char rand[PASSWORD_CRYPT_SALT_BYTES];
	char setting[CRYPT_GENSALT_OUTPUT_SIZE];
	const char *hash;

	if (prefix[0] == '\0') {
		/* traditional DES: a two-character salt */
		string_t *salt = t_str_new(2);

		password_salt_append(salt, 2);
		memcpy(setting, salt->data, 2);
		setting[2] = '\0';
	} else {
		random_fill(rand, sizeof(rand));
		if (crypt_gensalt_rn(prefix, strcmp(prefix, "$2y$") == 0 ?
				     PASSWORD_BLF_CRYPT_COST : 0,
				     (const char *)rand, sizeof(rand),
				     setting, sizeof(setting)) == NULL) {
			*error_r = t_strdup_printf(
				"libcrypt cannot generate %s salts: %m",
				scheme->name);
			return -1;
		}
	}
	hash = password_crypt(plaintext, setting);
	if (hash == NULL) {
		*error_r = t_strdup_printf("libcrypt does not support %s",
					   scheme->name);
		return -1;
	}
	buffer_append(dest, hash, strlen(hash));
	return 0;
}

static bool password_sodium_init(const char **error_r)
{
	if (sodium_init() < 0) {
		*error_r = "libsodium failed to initialise";
		return false;
	}
	return true;
}

int password_argon2_verify(const struct password_scheme *scheme,
			   const char *plaintext, const unsigned char *raw,
			   size_t raw_size ATTR_UNUSED, const char **error_r)
{
	if (!password_has_prefix(scheme, raw, error_r) ||
	    !password_sodium_init(error_r))
		return -1;
	/* libsodium does not tell a malformed hash from a mismatch */
	return crypto_pwhash_str_verify((const char *)raw, plaintext,
					strlen(plaintext)) == 0 ? 1 : 0;
}

int password_argon2_generate(const struct password_scheme *scheme,
			     const char *plaintext, buffer_t *dest,
			     const char **error_r)
{
	char hash[crypto_pwhash_STRBYTES];
	bool id = strcmp(scheme->param, "$argon2id$") == 0;
	int ret;

	if (!password_sodium_init(error_r))
		return -1;
	ret = crypto_pwhash_str_alg(hash, plaintext, strlen(plaintext),
		id ? PASSWORD_ARGON2ID_OPSLIMIT : PASSWORD_ARGON2I_OPSLIMIT,
		id ? PASSWORD_ARGON2ID_MEMLIMIT : PASSWORD_ARGON2I_MEMLIMIT,
		id ? crypto_pwhash_ALG_ARGON2ID13 :
		crypto_pwhash_ALG_ARGON2I13);
	if (ret != 0) {
		*error_r = t_strdup_printf("%s: out of memory", scheme->name);
		return -1;
	}
	buffer_append(dest, hash, strlen(hash));
	return 0;
}
