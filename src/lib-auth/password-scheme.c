/* Copyright (c) Cove authors. See AUTHORS. */

/* Password scheme table: verification and generation of stored passwords.
   The crypt(3) family goes through crypt_r() from libcrypt; its work area
   holds the plaintext, so it is wiped after each call. */

#include "lib.h"
#include "str.h"
#include "randgen.h"
#include "password-scheme.h"

#include <crypt.h>

#define PASSWORD_SCHEME_SALT_LEN 16

struct password_scheme {
	const char *name;
	/* Required prefix of the hash ("$6$"), or NULL for any. */
	const char *crypt_prefix;
	/* Verifies plaintext against the stored value (scheme prefix
	   removed): 1 match, 0 mismatch, -1 malformed. */
	int (*verify)(const struct password_scheme *scheme,
		      const char *plaintext, const char *password,
		      const char **error_r);
};

static const char password_scheme_salt_chars[] =
	"./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

bool password_scheme_mem_equals(const void *data1, size_t size1,
				const void *data2, size_t size2)
{
	const unsigned char *p1 = data1, *p2 = data2;
	size_t max = I_MAX(size1, size2);
	unsigned char diff = size1 == size2 ? 0 : 1;

	for (size_t i = 0; i < max; i++) {
		unsigned char c1 = i < size1 ? p1[i] : 0;
		unsigned char c2 = i < size2 ? p2[i] : 0;
		diff |= c1 ^ c2;
	}
	return diff == 0;
}

static int
password_verify_plain(const struct password_scheme *scheme ATTR_UNUSED,
		      const char *plaintext, const char *password,
		      const char **error_r ATTR_UNUSED)
{
	return password_scheme_mem_equals(plaintext, strlen(plaintext),
					  password, strlen(password)) ? 1 : 0;
}

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

static int
password_verify_crypt(const struct password_scheme *scheme,
		      const char *plaintext, const char *password,
		      const char **error_r)
{
	const char *result;

	if (scheme->crypt_prefix != NULL &&
	    !str_begins(password, scheme->crypt_prefix)) {
		*error_r = t_strdup_printf("%s hash does not begin with %s",
					   scheme->name,
					   scheme->crypt_prefix);
		return -1;
	}
	result = password_crypt(plaintext, password);
	if (result == NULL) {
		*error_r = t_strdup_printf("Malformed %s hash", scheme->name);
		return -1;
	}
	return password_scheme_mem_equals(result, strlen(result),
					  password, strlen(password)) ? 1 : 0;
}

static const struct password_scheme password_schemes[] = {
	{ "PLAIN", NULL, password_verify_plain },
	{ "CLEARTEXT", NULL, password_verify_plain },
	{ "CRYPT", NULL, password_verify_crypt },
	{ "MD5-CRYPT", "$1$", password_verify_crypt },
	{ "SHA256-CRYPT", "$5$", password_verify_crypt },
	{ "SHA512-CRYPT", "$6$", password_verify_crypt },
};

static const struct password_scheme *password_scheme_find(const char *name)
{
	for (unsigned int i = 0; i < N_ELEMENTS(password_schemes); i++) {
		if (strcasecmp(password_schemes[i].name, name) == 0)
			return &password_schemes[i];
	}
	return NULL;
}

bool password_scheme_is_known(const char *scheme)
{
	return password_scheme_find(scheme) != NULL;
}

const char *password_scheme_split(const char *stored,
				  const char **password_r)
{
	const char *end;

	*password_r = stored;
	if (stored[0] != '{')
		return NULL;
	end = strchr(stored, '}');
	if (end == NULL || end == stored + 1)
		return NULL;
	*password_r = end + 1;
	return t_strndup(stored + 1, end - (stored + 1));
}

int password_scheme_verify(const char *plaintext, const char *stored,
			   const char *default_scheme, const char **error_r)
{
	const struct password_scheme *scheme;
	const char *name, *password;

	name = password_scheme_split(stored, &password);
	if (name == NULL)
		name = default_scheme;
	scheme = password_scheme_find(name);
	if (scheme == NULL) {
		*error_r = t_strdup_printf("Unknown password scheme: %s",
					   name);
		return -1;
	}
	return scheme->verify(scheme, plaintext, password, error_r);
}

int password_scheme_generate(const char *plaintext, const char *scheme,
			     const char **stored_r, const char **error_r)
{
	unsigned char rand[PASSWORD_SCHEME_SALT_LEN];
	string_t *setting;
	const char *hash;

	if (strcasecmp(scheme, "PLAIN") == 0 ||
	    strcasecmp(scheme, "CLEARTEXT") == 0) {
		*stored_r = t_strconcat("{", t_str_ucase(scheme), "}",
					plaintext, NULL);
		return 0;
	}
	if (strcasecmp(scheme, "SHA512-CRYPT") != 0) {
		*error_r = t_strdup_printf(
			"Cannot generate passwords of scheme %s", scheme);
		return -1;
	}

	random_fill(rand, sizeof(rand));
	setting = t_str_new(32);
	str_append(setting, "$6$");
	for (unsigned int i = 0; i < sizeof(rand); i++) {
		str_append_c(setting,
			     password_scheme_salt_chars[rand[i] % 64]);
	}
	hash = password_crypt(plaintext, str_c(setting));
	if (hash == NULL) {
		*error_r = "crypt_r() does not support SHA512-CRYPT";
		return -1;
	}
	*stored_r = t_strconcat("{SHA512-CRYPT}", hash, NULL);
	return 0;
}
