/* Copyright (c) Cove authors. See AUTHORS. */

/* Schemes built on OpenSSL digests: plain digests (SHA, SHA256, SHA512,
   PLAIN-MD5, LDAP-MD5), salted ones whose stored value is the digest of
   password + salt followed by the salt (SSHA, SSHA256, SSHA512, SMD5),
   PBKDF2 ("$1$SALT$ROUNDS$HEX", PBKDF2-HMAC-SHA1, as Dovecot stores it)
   and CRAM-MD5 (the HMAC-MD5 outer and inner MD5 states after the padded
   key block, which is what the CRAM-MD5 mechanism needs). */

#include "lib.h"
#include "str.h"
#include "hex-binary.h"
#include "randgen.h"
#include "password-scheme.h"
#include "password-scheme-private.h"

#include <strings.h>

/* The CRAM-MD5 context is the MD5 state, which only the (deprecated)
   low-level MD5 interface exposes. */
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/evp.h>
#include <openssl/md5.h>

#define PASSWORD_DIGEST_SALT_LEN 8
#define PASSWORD_PBKDF2_SALT_LEN 16
#define PASSWORD_PBKDF2_ROUNDS 5000
/* A stored value asking for more rounds is refused rather than letting
   one login burn minutes of CPU. */
#define PASSWORD_PBKDF2_MAX_ROUNDS 10000000
#define PASSWORD_PBKDF2_HASH_LEN 20
#define PASSWORD_CRAM_MD5_BLOCK 64
#define PASSWORD_CRAM_MD5_CONTEXT_LEN 32

size_t password_digest_size(const struct password_scheme *scheme)
{
	const EVP_MD *md = EVP_get_digestbyname(scheme->param);

	return md == NULL || scheme->salted ? 0 : (size_t)EVP_MD_size(md);
}

/* Writes the digest of plaintext + salt to digest_r (EVP_MAX_MD_SIZE);
   returns its size, or 0 with error_r. */
static unsigned int
password_digest(const struct password_scheme *scheme, const char *plaintext,
		const unsigned char *salt, size_t salt_size,
		unsigned char *digest_r, const char **error_r)
{
	const EVP_MD *md = EVP_get_digestbyname(scheme->param);
	EVP_MD_CTX *ctx;
	unsigned int size = 0;

	ctx = md == NULL ? NULL : EVP_MD_CTX_new();
	if (ctx == NULL ||
	    EVP_DigestInit_ex(ctx, md, NULL) != 1 ||
	    EVP_DigestUpdate(ctx, plaintext, strlen(plaintext)) != 1 ||
	    EVP_DigestUpdate(ctx, salt, salt_size) != 1 ||
	    EVP_DigestFinal_ex(ctx, digest_r, &size) != 1) {
		*error_r = t_strdup_printf("OpenSSL cannot compute %s",
					   scheme->param);
		size = 0;
	}
	EVP_MD_CTX_free(ctx);
	return size;
}

int password_digest_verify(const struct password_scheme *scheme,
			   const char *plaintext, const unsigned char *raw,
			   size_t raw_size, const char **error_r)
{
	unsigned char digest[EVP_MAX_MD_SIZE];
	const EVP_MD *md = EVP_get_digestbyname(scheme->param);
	size_t digest_size = md == NULL ? 0 : (size_t)EVP_MD_size(md);
	unsigned int size;
	bool match;

	if (scheme->salted ? raw_size <= digest_size :
	    raw_size != digest_size) {
		*error_r = t_strdup_printf("%s password has a wrong length "
					   "(%zu bytes)", scheme->name,
					   raw_size);
		return -1;
	}
	size = password_digest(scheme, plaintext, raw + digest_size,
			       raw_size - digest_size, digest, error_r);
	if (size == 0)
		return -1;
	match = password_scheme_mem_equals(digest, size, raw, digest_size);
	safe_memset(digest, 0, sizeof(digest));
	return match ? 1 : 0;
}

int password_digest_generate(const struct password_scheme *scheme,
			     const char *plaintext, buffer_t *dest,
			     const char **error_r)
{
	unsigned char digest[EVP_MAX_MD_SIZE];
	unsigned char salt[PASSWORD_DIGEST_SALT_LEN];
	size_t salt_size = scheme->salted ? sizeof(salt) : 0;
	unsigned int size;

	random_fill(salt, salt_size);
	size = password_digest(scheme, plaintext, salt, salt_size, digest,
			       error_r);
	if (size == 0)
		return -1;
	buffer_append(dest, digest, size);
	buffer_append(dest, salt, salt_size);
	return 0;
}

static int password_pbkdf2(const char *plaintext, const char *salt,
			   unsigned int rounds, unsigned char *hash_r,
			   const char **error_r)
{
	if (PKCS5_PBKDF2_HMAC(plaintext, strlen(plaintext),
			      (const unsigned char *)salt, strlen(salt),
			      rounds, EVP_sha1(), PASSWORD_PBKDF2_HASH_LEN,
			      hash_r) != 1) {
		*error_r = "OpenSSL cannot compute PBKDF2";
		return -1;
	}
	return 0;
}

int password_pbkdf2_verify(const struct password_scheme *scheme ATTR_UNUSED,
			   const char *plaintext, const unsigned char *raw,
			   size_t raw_size ATTR_UNUSED, const char **error_r)
{
	unsigned char hash[PASSWORD_PBKDF2_HASH_LEN];
	const char *const *fields;
	unsigned int rounds;
	buffer_t *expected;
	int ret;

	/* "$1$SALT$ROUNDS$HEX" */
	fields = t_strsplit((const char *)raw, "$");
	if (str_array_length(fields) != 5 || fields[0][0] != '\0' ||
	    strcmp(fields[1], "1") != 0 ||
	    str_to_uint(fields[3], &rounds) < 0 ||
	    rounds == 0 || rounds > PASSWORD_PBKDF2_MAX_ROUNDS) {
		*error_r = "Malformed PBKDF2 password (expected "
			"$1$salt$rounds$hex with 1..10000000 rounds)";
		return -1;
	}
	expected = t_str_new(PASSWORD_PBKDF2_HASH_LEN);
	if (hex_to_binary(fields[4], expected) < 0 ||
	    expected->used != PASSWORD_PBKDF2_HASH_LEN) {
		*error_r = "Malformed PBKDF2 password: the hash is not "
			"40 hex digits";
		return -1;
	}
	if (password_pbkdf2(plaintext, fields[2], rounds, hash, error_r) < 0)
		return -1;
	ret = password_scheme_mem_equals(hash, sizeof(hash), expected->data,
					 expected->used) ? 1 : 0;
	safe_memset(hash, 0, sizeof(hash));
	return ret;
}

int password_pbkdf2_generate(const struct password_scheme *scheme ATTR_UNUSED,
			     const char *plaintext, buffer_t *dest,
			     const char **error_r)
{
	unsigned char hash[PASSWORD_PBKDF2_HASH_LEN];
	string_t *salt = t_str_new(PASSWORD_PBKDF2_SALT_LEN);

	password_salt_append(salt, PASSWORD_PBKDF2_SALT_LEN);
	if (password_pbkdf2(plaintext, str_c(salt), PASSWORD_PBKDF2_ROUNDS,
			    hash, error_r) < 0)
		return -1;
	str_printfa(dest, "$1$%s$%u$", str_c(salt), PASSWORD_PBKDF2_ROUNDS);
	binary_to_hex_append(dest, hash, sizeof(hash));
	return 0;
}

/* Appends the MD5 state after one block of key XOR pad, as four
   little-endian 32-bit words. */
static void password_cram_md5_state(const unsigned char *key,
				    unsigned char pad, buffer_t *dest)
{
	unsigned char block[PASSWORD_CRAM_MD5_BLOCK];
	const MD5_LONG *words[4];
	MD5_CTX ctx;

	for (unsigned int i = 0; i < sizeof(block); i++)
		block[i] = key[i] ^ pad;
	MD5_Init(&ctx);
	MD5_Update(&ctx, block, sizeof(block));
	words[0] = &ctx.A; words[1] = &ctx.B;
	words[2] = &ctx.C; words[3] = &ctx.D;
	for (unsigned int i = 0; i < N_ELEMENTS(words); i++) {
		for (unsigned int shift = 0; shift < 32; shift += 8)
			buffer_append_c(dest, (*words[i] >> shift) & 0xff);
	}
	safe_memset(block, 0, sizeof(block));
	safe_memset(&ctx, 0, sizeof(ctx));
}

int password_cram_md5_generate(const struct password_scheme *scheme ATTR_UNUSED,
			       const char *plaintext, buffer_t *dest,
			       const char **error_r ATTR_UNUSED)
{
	unsigned char key[PASSWORD_CRAM_MD5_BLOCK];
	size_t len = strlen(plaintext);

	memset(key, 0, sizeof(key));
	if (len > sizeof(key))
		MD5((const unsigned char *)plaintext, len, key);
	else
		memcpy(key, plaintext, len);
	/* Dovecot's order: the outer state first */
	password_cram_md5_state(key, 0x5c, dest);
	password_cram_md5_state(key, 0x36, dest);
	safe_memset(key, 0, sizeof(key));
	return 0;
}

int password_cram_md5_verify(const struct password_scheme *scheme,
			     const char *plaintext, const unsigned char *raw,
			     size_t raw_size, const char **error_r)
{
	buffer_t *context;
	int ret;

	if (raw_size != PASSWORD_CRAM_MD5_CONTEXT_LEN) {
		*error_r = t_strdup_printf("%s password has a wrong length "
					   "(%zu bytes)", scheme->name,
					   raw_size);
		return -1;
	}
	context = t_str_new(PASSWORD_CRAM_MD5_CONTEXT_LEN);
	(void)password_cram_md5_generate(scheme, plaintext, context, error_r);
	ret = password_scheme_mem_equals(context->data, context->used,
					 raw, raw_size) ? 1 : 0;
	safe_memset(buffer_get_modifiable_data(context, NULL), 0,
		    context->used);
	return ret;
}

/* Continues an MD5 computation from a state written by
   password_cram_md5_state() (one 64-byte block processed). */
static void password_cram_md5_resume(MD5_CTX *ctx, const unsigned char *state)
{
	MD5_LONG *words[4] = { &ctx->A, &ctx->B, &ctx->C, &ctx->D };

	MD5_Init(ctx);
	for (unsigned int i = 0; i < N_ELEMENTS(words); i++) {
		*words[i] = (MD5_LONG)state[i * 4] |
			((MD5_LONG)state[i * 4 + 1] << 8) |
			((MD5_LONG)state[i * 4 + 2] << 16) |
			((MD5_LONG)state[i * 4 + 3] << 24);
	}
	ctx->Nl = PASSWORD_CRAM_MD5_BLOCK * 8;
}

int password_scheme_cram_md5(const char *stored, const void *challenge,
			     size_t challenge_size,
			     unsigned char digest_r[PASSWORD_CRAM_MD5_DIGEST_LEN],
			     const char **error_r)
{
	unsigned char inner[MD5_DIGEST_LENGTH];
	const char *scheme, *value;
	buffer_t *context = t_str_new(PASSWORD_CRAM_MD5_CONTEXT_LEN);
	MD5_CTX ctx;

	scheme = password_scheme_split(stored, &value);
	if (scheme != NULL && (strcasecmp(scheme, "PLAIN") == 0 ||
			       strcasecmp(scheme, "CLEARTEXT") == 0)) {
		(void)password_cram_md5_generate(NULL, value, context, error_r);
	} else if (scheme == NULL || (strcasecmp(scheme, "CRAM-MD5") != 0 &&
				      strcasecmp(scheme, "HMAC-MD5") != 0)) {
		*error_r = t_strdup_printf("CRAM-MD5 needs a plaintext or "
			"CRAM-MD5 password, but the passdb has a %s one",
			scheme == NULL ? "(no scheme)" : scheme);
		return -1;
	} else if (hex_to_binary(value, context) < 0 ||
		   context->used != PASSWORD_CRAM_MD5_CONTEXT_LEN) {
		*error_r = "Malformed CRAM-MD5 password";
		return -1;
	}
	/* the outer state comes first */
	password_cram_md5_resume(&ctx, (const unsigned char *)context->data +
				 PASSWORD_CRAM_MD5_CONTEXT_LEN / 2);
	MD5_Update(&ctx, challenge, challenge_size);
	MD5_Final(inner, &ctx);
	password_cram_md5_resume(&ctx, context->data);
	MD5_Update(&ctx, inner, sizeof(inner));
	MD5_Final(digest_r, &ctx);
	safe_memset(buffer_get_modifiable_data(context, NULL), 0,
		    context->used);
	safe_memset(&ctx, 0, sizeof(ctx));
	return 0;
}
