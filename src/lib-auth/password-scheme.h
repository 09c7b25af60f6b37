/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef PASSWORD_SCHEME_H
#define PASSWORD_SCHEME_H

/* Password schemes: verifying a plaintext password against a stored one
   ("{SHA512-CRYPT}$6$salt$hash", "{PLAIN}secret", or a bare hash that
   uses the passdb's default scheme), and generating stored passwords.

   Known schemes (Dovecot's names and stored formats): PLAIN and
   CLEARTEXT; CRYPT (DES-CRYPT; verification takes whatever crypt(3)
   understands), MD5-CRYPT (MD5), SHA256-CRYPT, SHA512-CRYPT, BLF-CRYPT;
   ARGON2I, ARGON2ID; SHA (SHA1), SHA256, SHA512, PLAIN-MD5, LDAP-MD5;
   the salted SSHA, SSHA256, SSHA512, SMD5; PBKDF2; SCRAM-SHA-1,
   SCRAM-SHA-256; CRAM-MD5 (HMAC-MD5).
   Binary schemes take an encoding suffix: {SHA256.HEX}, {SSHA.B64}.
   Comparisons are constant-time and every temporary copy of a secret is
   wiped. */

#define PASSWORD_SCHEME_DEFAULT "CRYPT"

/* Splits "{SCHEME}rest": returns the scheme (temporary frame) and points
   *password_r at rest. Without a well-formed prefix, returns NULL and
   *password_r = stored. */
const char *password_scheme_split(const char *stored,
				  const char **password_r);
/* The name of the idx-th known scheme (0..), NULL after the last. */
const char *password_scheme_get_name(unsigned int idx);
/* True if scheme (case-insensitive) is one of the known schemes. */
bool password_scheme_is_known(const char *scheme);

/* Verifies plaintext against stored. default_scheme applies when stored
   has no {SCHEME} prefix. Returns 1 on a match, 0 on a mismatch, -1 with
   error_r if the scheme is unknown or the stored password is malformed
   for it. */
int password_scheme_verify(const char *plaintext, const char *stored,
			   const char *default_scheme, const char **error_r);

/* Generates a stored password "{SCHEME}..." for plaintext, with a random
   salt where the scheme has one. Returns 0 and *stored_r (from the
   temporary frame), or -1 with error_r for a scheme that cannot be
   generated. */
int password_scheme_generate(const char *plaintext, const char *scheme,
			     const char **stored_r, const char **error_r);

#define PASSWORD_CRAM_MD5_DIGEST_LEN 16
/* CRAM-MD5 (RFC 2195): HMAC-MD5 of challenge keyed with the password,
   from a stored "{PLAIN}..." or "{CRAM-MD5}..." password. Returns 0 with
   digest_r, or -1 with error_r for other schemes or a malformed value. */
int password_scheme_cram_md5(const char *stored, const void *challenge,
			     size_t challenge_size,
			     unsigned char digest_r[PASSWORD_CRAM_MD5_DIGEST_LEN],
			     const char **error_r);

/* Constant-time comparison of two byte strings of possibly different
   lengths (the time depends only on the lengths). */
bool password_scheme_mem_equals(const void *data1, size_t size1,
				const void *data2, size_t size2);

#endif
