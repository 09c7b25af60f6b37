/* Copyright (c) Cove authors. See AUTHORS. */

/* Password scheme table: parsing "{SCHEME.ENCODING}value", decoding the
   value (base64 or hex) and dispatching to the scheme families in
   password-scheme-crypt.c and password-scheme-digest.c. */

#include "lib.h"
#include "str.h"
#include "base64.h"
#include "hex-binary.h"
#include "randgen.h"
#include "password-scheme.h"
#include "password-scheme-private.h"

static int
password_plain_verify(const struct password_scheme *scheme ATTR_UNUSED,
		      const char *plaintext, const unsigned char *raw,
		      size_t raw_size, const char **error_r ATTR_UNUSED)
{
	return password_scheme_mem_equals(plaintext, strlen(plaintext),
					  raw, raw_size) ? 1 : 0;
}

static int
password_plain_generate(const struct password_scheme *scheme ATTR_UNUSED,
			const char *plaintext, buffer_t *dest,
			const char **error_r ATTR_UNUSED)
{
	buffer_append(dest, plaintext, strlen(plaintext));
	return 0;
}

#define CRYPT_SCHEME(name, prefix) \
	{ name, PASSWORD_ENCODING_NONE, prefix, false, \
	  password_crypt_verify, password_crypt_generate }
#define DIGEST_SCHEME(name, encoding, digest, salted) \
	{ name, encoding, digest, salted, \
	  password_digest_verify, password_digest_generate }

static const struct password_scheme password_schemes[] = {
	{ "PLAIN", PASSWORD_ENCODING_NONE, NULL, false,
	  password_plain_verify, password_plain_generate },
	{ "CLEARTEXT", PASSWORD_ENCODING_NONE, NULL, false,
	  password_plain_verify, password_plain_generate },
	/* generates BLF-CRYPT hashes, as Dovecot does */
	CRYPT_SCHEME("CRYPT", NULL),
	CRYPT_SCHEME("DES-CRYPT", ""),
	CRYPT_SCHEME("MD5-CRYPT", "$1$"),
	CRYPT_SCHEME("MD5", "$1$"),
	CRYPT_SCHEME("SHA256-CRYPT", "$5$"),
	CRYPT_SCHEME("SHA512-CRYPT", "$6$"),
	CRYPT_SCHEME("BLF-CRYPT", "$2y$"),
	{ "ARGON2I", PASSWORD_ENCODING_NONE, "$argon2i$", false,
	  password_argon2_verify, password_argon2_generate },
	{ "ARGON2ID", PASSWORD_ENCODING_NONE, "$argon2id$", false,
	  password_argon2_verify, password_argon2_generate },
	DIGEST_SCHEME("SHA", PASSWORD_ENCODING_BASE64, "SHA1", false),
	DIGEST_SCHEME("SHA1", PASSWORD_ENCODING_BASE64, "SHA1", false),
	DIGEST_SCHEME("SHA256", PASSWORD_ENCODING_BASE64, "SHA256", false),
	DIGEST_SCHEME("SHA512", PASSWORD_ENCODING_BASE64, "SHA512", false),
	DIGEST_SCHEME("PLAIN-MD5", PASSWORD_ENCODING_HEX, "MD5", false),
	DIGEST_SCHEME("LDAP-MD5", PASSWORD_ENCODING_BASE64, "MD5", false),
	DIGEST_SCHEME("SSHA", PASSWORD_ENCODING_BASE64, "SHA1", true),
	DIGEST_SCHEME("SSHA256", PASSWORD_ENCODING_BASE64, "SHA256", true),
	DIGEST_SCHEME("SSHA512", PASSWORD_ENCODING_BASE64, "SHA512", true),
	DIGEST_SCHEME("SMD5", PASSWORD_ENCODING_BASE64, "MD5", true),
	{ "PBKDF2", PASSWORD_ENCODING_NONE, NULL, false,
	  password_pbkdf2_verify, password_pbkdf2_generate },
	{ "SCRAM-SHA-1", PASSWORD_ENCODING_NONE, "SHA1", false,
	  password_scram_verify, password_scram_generate },
	{ "SCRAM-SHA-256", PASSWORD_ENCODING_NONE, "SHA256", false,
	  password_scram_verify, password_scram_generate },
	{ "CRAM-MD5", PASSWORD_ENCODING_HEX, NULL, false,
	  password_cram_md5_verify, password_cram_md5_generate },
	{ "HMAC-MD5", PASSWORD_ENCODING_HEX, NULL, false,
	  password_cram_md5_verify, password_cram_md5_generate },
};

static const char password_salt_chars[] =
	"./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

void password_salt_append(buffer_t *dest, size_t size)
{
	unsigned char rand[64];

	i_assert(size <= sizeof(rand));
	random_fill(rand, size);
	for (size_t i = 0; i < size; i++)
		buffer_append_c(dest, password_salt_chars[rand[i] % 64]);
}

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

static const struct password_scheme *password_scheme_find(const char *name)
{
	for (unsigned int i = 0; i < N_ELEMENTS(password_schemes); i++) {
		if (strcasecmp(password_schemes[i].name, name) == 0)
			return &password_schemes[i];
	}
	return NULL;
}

const char *password_scheme_get_name(unsigned int idx)
{
	return idx < N_ELEMENTS(password_schemes) ?
		password_schemes[idx].name : NULL;
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

/* Splits "NAME.HEX" / "NAME.B64" into the scheme and its encoding. */
static const struct password_scheme *
password_scheme_lookup(const char *name, enum password_encoding *encoding_r)
{
	const struct password_scheme *scheme;
	const char *dot = strrchr(name, '.');

	scheme = password_scheme_find(name);
	if (scheme != NULL || dot == NULL) {
		if (scheme != NULL)
			*encoding_r = scheme->encoding;
		return scheme;
	}
	scheme = password_scheme_find(t_strndup(name, dot - name));
	if (scheme == NULL || scheme->encoding == PASSWORD_ENCODING_NONE)
		return NULL;
	if (strcasecmp(dot + 1, "HEX") == 0)
		*encoding_r = PASSWORD_ENCODING_HEX;
	else if (strcasecmp(dot + 1, "B64") == 0 ||
		 strcasecmp(dot + 1, "BASE64") == 0)
		*encoding_r = PASSWORD_ENCODING_BASE64;
	else
		return NULL;
	return scheme;
}

/* Decodes the stored value into raw (NUL-terminated). A base64 scheme's
   value that has exactly the length of its digest in hex is taken as hex,
   as Dovecot does. */
static int password_decode(const struct password_scheme *scheme,
			   enum password_encoding encoding,
			   const char *password, buffer_t *raw,
			   const char **error_r)
{
	size_t len = strlen(password);
	int ret = 0;

	if (encoding == PASSWORD_ENCODING_BASE64 && len > 0 &&
	    len == password_digest_size(scheme) * 2 &&
	    strspn(password, "0123456789abcdefABCDEF") == len)
		encoding = PASSWORD_ENCODING_HEX;

	switch (encoding) {
	case PASSWORD_ENCODING_NONE:
		buffer_append(raw, password, len);
		break;
	case PASSWORD_ENCODING_BASE64:
		ret = base64_decode(password, len, raw);
		break;
	case PASSWORD_ENCODING_HEX:
		ret = hex_to_binary(password, raw);
		break;
	}
	if (ret < 0) {
		*error_r = t_strdup_printf("%s password is not valid %s",
			scheme->name, encoding == PASSWORD_ENCODING_HEX ?
			"hex" : "base64");
		return -1;
	}
	buffer_append_c(raw, '\0');
	buffer_set_used_size(raw, raw->used - 1);
	return 0;
}

int password_scheme_verify(const char *plaintext, const char *stored,
			   const char *default_scheme, const char **error_r)
{
	const struct password_scheme *scheme;
	enum password_encoding encoding;
	const char *name, *password;
	buffer_t *raw;
	int ret;

	name = password_scheme_split(stored, &password);
	if (name == NULL)
		name = default_scheme;
	scheme = password_scheme_lookup(name, &encoding);
	if (scheme == NULL) {
		*error_r = t_strdup_printf("Unknown password scheme: %s",
					   name);
		return -1;
	}
	raw = t_str_new(strlen(password) + 1);
	if (password_decode(scheme, encoding, password, raw, error_r) < 0)
		return -1;
	if (raw->used == 0 && scheme->verify != password_plain_verify) {
		*error_r = t_strdup_printf("Empty %s password", scheme->name);
		return -1;
	}
	ret = scheme->verify(scheme, plaintext, raw->data, raw->used,
			     error_r);
	safe_memset(buffer_get_modifiable_data(raw, NULL), 0, raw->used);
	return ret;
}

int password_scheme_generate(const char *plaintext, const char *scheme_name,
			     const char **stored_r, const char **error_r)
{
	const struct password_scheme *scheme;
	enum password_encoding encoding;
	buffer_t *raw;
	string_t *stored;

	scheme = password_scheme_lookup(scheme_name, &encoding);
	if (scheme == NULL) {
		*error_r = t_strdup_printf("Unknown password scheme: %s",
					   scheme_name);
		return -1;
	}
	raw = t_str_new(128);
	if (scheme->generate(scheme, plaintext, raw, error_r) < 0)
		return -1;
	stored = t_str_new(raw->used * 2 + 32);
	str_printfa(stored, "{%s}", t_str_ucase(scheme_name));
	switch (encoding) {
	case PASSWORD_ENCODING_NONE:
		buffer_append_buf(stored, raw, 0, raw->used);
		break;
	case PASSWORD_ENCODING_BASE64:
		base64_encode(raw->data, raw->used, stored);
		break;
	case PASSWORD_ENCODING_HEX:
		binary_to_hex_append(stored, raw->data, raw->used);
		break;
	}
	*stored_r = str_c(stored);
	return 0;
}
