/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef PASSWORD_SCHEME_PRIVATE_H
#define PASSWORD_SCHEME_PRIVATE_H

/* The scheme table's entry and the scheme families behind it:
   password-scheme-crypt.c (crypt(3) and Argon2: the stored password is a
   self-describing string) and password-scheme-digest.c (plain and salted
   digests, PBKDF2, CRAM-MD5: binary values stored as base64 or hex). */

#include "buffer.h"

enum password_encoding {
	/* Stored as it is (a crypt-style string). */
	PASSWORD_ENCODING_NONE,
	PASSWORD_ENCODING_BASE64,
	PASSWORD_ENCODING_HEX,
};

struct password_scheme {
	const char *name;
	enum password_encoding encoding;
	/* crypt family: the hash's prefix ("$6$"; NULL: any). Digest
	   family: the OpenSSL digest name ("SHA256"). */
	const char *param;
	/* Digest family: a salt follows the digest in the stored value. */
	bool salted;
	/* raw is the stored value after decoding (NUL-terminated for
	   PASSWORD_ENCODING_NONE). Returns 1 match, 0 mismatch, -1 with
	   error_r when raw is malformed for the scheme. */
	int (*verify)(const struct password_scheme *scheme,
		      const char *plaintext, const unsigned char *raw,
		      size_t raw_size, const char **error_r);
	/* Appends the raw stored value for plaintext to dest (encoded
	   afterwards). Returns 0, or -1 with error_r. */
	int (*generate)(const struct password_scheme *scheme,
			const char *plaintext, buffer_t *dest,
			const char **error_r);
};

/* password-scheme-crypt.c */
int password_crypt_verify(const struct password_scheme *scheme,
			  const char *plaintext, const unsigned char *raw,
			  size_t raw_size, const char **error_r);
int password_crypt_generate(const struct password_scheme *scheme,
			    const char *plaintext, buffer_t *dest,
			    const char **error_r);
int password_argon2_verify(const struct password_scheme *scheme,
			   const char *plaintext, const unsigned char *raw,
			   size_t raw_size, const char **error_r);
int password_argon2_generate(const struct password_scheme *scheme,
			     const char *plaintext, buffer_t *dest,
			     const char **error_r);

/* password-scheme-digest.c */
/* The digest size of a digest-family scheme, 0 for a variable one. */
size_t password_digest_size(const struct password_scheme *scheme);
int password_digest_verify(const struct password_scheme *scheme,
			   const char *plaintext, const unsigned char *raw,
			   size_t raw_size, const char **error_r);
int password_digest_generate(const struct password_scheme *scheme,
			     const char *plaintext, buffer_t *dest,
			     const char **error_r);
int password_pbkdf2_verify(const struct password_scheme *scheme,
			   const char *plaintext, const unsigned char *raw,
			   size_t raw_size, const char **error_r);
int password_pbkdf2_generate(const struct password_scheme *scheme,
			     const char *plaintext, buffer_t *dest,
			     const char **error_r);
int password_cram_md5_verify(const struct password_scheme *scheme,
			     const char *plaintext, const unsigned char *raw,
			     size_t raw_size, const char **error_r);
int password_cram_md5_generate(const struct password_scheme *scheme,
			       const char *plaintext, buffer_t *dest,
			       const char **error_r);

/* password-scram.c */
int password_scram_verify(const struct password_scheme *scheme,
			  const char *plaintext, const unsigned char *raw,
			  size_t raw_size, const char **error_r);
int password_scram_generate(const struct password_scheme *scheme,
			    const char *plaintext, buffer_t *dest,
			    const char **error_r);

/* Appends size random characters of the crypt(3) salt alphabet
   [./0-9A-Za-z] to dest. */
void password_salt_append(buffer_t *dest, size_t size);

#endif
