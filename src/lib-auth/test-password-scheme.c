/* Copyright (c) Cove authors. See AUTHORS. */

/* Tests for password-scheme.c: reference hashes made with
   `doveadm pw -s SCHEME -p PASSWORD`, generated hashes, malformed ones. */

#include "lib.h"
#include "test-lib-auth.h"
#include "hex-binary.h"
#include "password-scheme.h"

#include <crypt.h>

struct verify_test {
	const char *plaintext;
	const char *stored;
	const char *default_scheme;
	int expected_ret;
};

/* Reference hashes from `doveadm pw -s SCHEME -p PASSWORD`. */
#define SHA512_SECRET \
	"$6$qaXNbmZiHfkgu74S$4ewSCHkGdf8drE/ifxOZO.Af/C.D7s4hIVd/6YB2NpxD" \
	"wZBtuEfd9ls0FQClqrmLahG4XOjeQo9SlwuTo0rKK1"
/* password "p\xc3\xa4ssword:with tab" */
#define SHA512_UTF8 \
	"$6$vhufdN/fH2sJtwQw$DmW8iJA5QBp2fq505VJNLFJcIKyHht/haZrAYTKn14Md" \
	"oQK5rE8LT1Nk2IHBNNhA7ocZ2SISP9a/H/2dMV0Hd/"
#define MD5_SECRET "$1$iOajSUdH$CBJBNOsOS5aOPtrohOJyA/"
#define SHA256_SECRET \
	"$5$ngVNusUsyQcSl/SR$uvZffoCGj4OxeQDUhx8vHKWs2axupPCYJV6cuuQjJ4D"
#define BCRYPT_SECRET \
	"$2y$05$7Mi7zjSB8/ZIzvXmnShZxurcoZeA/tuJKWjdJ.qexBgEKh6lOGwx6"

static const struct verify_test verify_tests[] = {
	{ "secret", "{SHA512-CRYPT}" SHA512_SECRET, "CRYPT", 1 },
	{ "Secret", "{SHA512-CRYPT}" SHA512_SECRET, "CRYPT", 0 },
	{ "p\xc3\xa4ssword:with tab", "{SHA512-CRYPT}" SHA512_UTF8,
	  "CRYPT", 1 },
	{ "secret", "{MD5-CRYPT}" MD5_SECRET, "CRYPT", 1 },
	{ "secreT", "{MD5-CRYPT}" MD5_SECRET, "CRYPT", 0 },
	{ "secret", "{SHA256-CRYPT}" SHA256_SECRET, "CRYPT", 1 },
	{ "secret", "{CRYPT}" BCRYPT_SECRET, "PLAIN", 1 },
	{ "secret", "{BLF-CRYPT}" BCRYPT_SECRET, "PLAIN", 1 },
	{ "secreT", "{BLF-CRYPT}" BCRYPT_SECRET, "PLAIN", 0 },
	{ "secret", "{ARGON2I}$argon2i$v=19$m=32768,t=4,p=1$8lk6gP29b7IyPuF03k7"
	  "WDQ$TPw8i79B+VN8+YOBW++BAu6jJiP42gj/JWv/flLVwco", "PLAIN", 1 },
	{ "secret", "{ARGON2ID}$argon2id$v=19$m=65536,t=3,p=1$SdAQWzvqa/s6UuEZ"
	  "66nJmQ$BgaMPnr9gjFBX1bpKmeVVrsNTiKsNe1CQCbeU4ND/yM", "PLAIN", 1 },
	{ "secreT", "{ARGON2ID}$argon2id$v=19$m=65536,t=3,p=1$SdAQWzvqa/s6UuEZ"
	  "66nJmQ$BgaMPnr9gjFBX1bpKmeVVrsNTiKsNe1CQCbeU4ND/yM", "PLAIN", 0 },
	{ "secret", "{SHA}5en6G6MezRroT3XKqkdPOmY/BfQ=", "PLAIN", 1 },
	{ "secreT", "{SHA}5en6G6MezRroT3XKqkdPOmY/BfQ=", "PLAIN", 0 },
	{ "secret", "{SSHA}yD2npDAAA+nTEoLgEOizGG697ceG6Hji", "PLAIN", 1 },
	{ "secreT", "{SSHA}yD2npDAAA+nTEoLgEOizGG697ceG6Hji", "PLAIN", 0 },
	{ "secret", "{SSHA256}Y8S610zfhvaVG5EOUPn+ksRPDn2fcb10L28fr2KDVDOyEbvA",
	  "PLAIN", 1 },
	{ "secret", "{SSHA512}uU5GxSpJddZx7UpS8Cq2mbfJn37xd3wJMmvHxWBmlViEuX/AC"
	  "GoeYgpij5B5Q/9gug0J6j390eC+oDj1xNF1fEgcLPk=", "PLAIN", 1 },
	{ "secret", "{SHA256}K7gNU3sdo+OL0wNhqoVWhr3g6s1xYv72ol/pe/Unols=",
	  "PLAIN", 1 },
	{ "secret", "{SHA512}vSsar3708Jvp9Szi2NWZZ02Bqp1qRCFpbcTZPdBhnWgs5WtNZK"
	  "nvCXdhztmeD2cmW192CF5bDufKRpayrW/isg==", "PLAIN", 1 },
	{ "secret", "{PLAIN-MD5}5ebe2294ecd0e0f08eab7690d2a6ee69", "PLAIN", 1 },
	{ "secret", "{LDAP-MD5}Xr4ilOzQ4PCOq3aQ0qbuaQ==", "PLAIN", 1 },
	{ "secret", "{SMD5}KOXMWuod03C7ayEHC2q6qbvicEo=", "PLAIN", 1 },
	{ "secreT", "{SMD5}KOXMWuod03C7ayEHC2q6qbvicEo=", "PLAIN", 0 },
	{ "secret", "{PBKDF2}$1$54jlBTHaYeBy4p56$5000$53103a6f2db253004cc21774"
	  "868d770a319590a8", "PLAIN", 1 },
	{ "secreT", "{PBKDF2}$1$54jlBTHaYeBy4p56$5000$53103a6f2db253004cc21774"
	  "868d770a319590a8", "PLAIN", 0 },
	{ "secret", "{CRAM-MD5}cd3ba7deaad6e5ca23448ba42e379747a9e0f7f1fbc00c8a"
	  "81bbaac395731b56", "PLAIN", 1 },
	{ "secreT", "{CRAM-MD5}cd3ba7deaad6e5ca23448ba42e379747a9e0f7f1fbc00c8a"
	  "81bbaac395731b56", "PLAIN", 0 },
	/* a key longer than the HMAC block is hashed first */
	{ "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	  "aa", "{CRAM-MD5}fdeeaf10e3e4185caed349495958df36351bef50c329275229e"
	  "06e028803e01c", "PLAIN", 1 },
	{ "secret", "{SCRAM-SHA-256}4096,nIsMOScg/Sj6LrE/NM14VA==,ah/9IUQr1k5Gp"
	  "VdUrBkwvpSPzUZTRWNtBrDvkrXz3rA=,UCevntr62Od3B4DFzriOllfb1AtXaIjYt0d5"
	  "1AiHUsE=", "PLAIN", 1 },
	{ "secreT", "{SCRAM-SHA-256}4096,nIsMOScg/Sj6LrE/NM14VA==,ah/9IUQr1k5Gp"
	  "VdUrBkwvpSPzUZTRWNtBrDvkrXz3rA=,UCevntr62Od3B4DFzriOllfb1AtXaIjYt0d5"
	  "1AiHUsE=", "PLAIN", 0 },
	{ "secret", "{SCRAM-SHA-1}4096,h4ForIQpCkJFKt43aU6Qrg==,+iKSocHQ8vdgPeWQ"
	  "n3eMY92Ud7k=,w8TtRWYlXYsS5UePvT9J/XpPUmg=", "PLAIN", 1 },
	{ "secret", "{SCRAM-SHA-1}0,h4ForIQpCkJFKt43aU6Qrg==,+iKSocHQ8vdgPeWQ"
	  "n3eMY92Ud7k=,w8TtRWYlXYsS5UePvT9J/XpPUmg=", "PLAIN", -1 },
	{ "secret", "{SCRAM-SHA-1}4096,h4ForIQpCkJFKt43aU6Qrg==,+iKSocHQ8vdgPeWQ"
	  "n3eMY92Ud7k=", "PLAIN", -1 },
	/* encoding suffixes, and hex where base64 is the default */
	{ "secret", "{SHA256.HEX}2bb80d537b1da3e38bd30361aa855686bde0eacd7162fe"
	  "f6a25fe97bf527a25b", "PLAIN", 1 },
	{ "secret", "{SHA256}2bb80d537b1da3e38bd30361aa855686bde0eacd7162fef6a2"
	  "5fe97bf527a25b", "PLAIN", 1 },
	{ "secret", "{SSHA.HEX}27a77904a9d4ca922bf18bee713d36ca290a465cf2f0b416",
	  "PLAIN", 1 },
	{ "secret", "{ssha.b64}yD2npDAAA+nTEoLgEOizGG697ceG6Hji", "PLAIN", 1 },
	/* no prefix: the default scheme applies */
	{ "secret", SHA512_SECRET, "CRYPT", 1 },
	{ "secret", SHA512_SECRET, "SHA512-CRYPT", 1 },
	{ "secret", "secret", "PLAIN", 1 },
	{ "secret", "secret2", "PLAIN", 0 },
	{ "secret", "secre", "PLAIN", 0 },
	{ "", "", "PLAIN", 1 },
	{ "secret", "{PLAIN}secret", "CRYPT", 1 },
	{ "secret", "{plain}secret", "CRYPT", 1 },
	{ "secret", "{CLEARTEXT}secret", "CRYPT", 1 },
	{ "{x}", "{PLAIN}{x}", "CRYPT", 1 },
	/* errors: unknown scheme, wrong hash type, malformed hash */
	{ "secret", "{NOSUCH}secret", "CRYPT", -1 },
	{ "secret", "secret", "NOSUCH", -1 },
	{ "secret", "{SHA512-CRYPT}" MD5_SECRET, "CRYPT", -1 },
	/* libcrypt takes an empty salt: just a mismatch */
	{ "secret", "{SHA512-CRYPT}$6$", "CRYPT", 0 },
	{ "secret", "{CRYPT}!", "CRYPT", -1 },
	{ "secret", "{CRYPT}", "CRYPT", -1 },
	{ "secret", "{SHA256}K7gNU3sdo+OL0wNhqoVWhr3g6s1xYv72ol/pe/Uno==",
	  "PLAIN", -1 },
	{ "secret", "{SHA256}not base64!", "PLAIN", -1 },
	{ "secret", "{SSHA}5en6G6MezRroT3XKqkdPOmY/BfQ=", "PLAIN", -1 },
	{ "secret", "{PLAIN-MD5}5ebe2294ecd0e0f08eab7690d2a6ee6", "PLAIN", -1 },
	{ "secret", "{PBKDF2}$1$salt$0$53103a6f2db253004cc21774868d770a319590a8",
	  "PLAIN", -1 },
	{ "secret", "{PBKDF2}$1$salt$99999999999$53103a6f2db253004cc21774868d77"
	  "0a319590a8", "PLAIN", -1 },
	{ "secret", "{PBKDF2}$1$salt$5000$xyz", "PLAIN", -1 },
	{ "secret", "{CRAM-MD5}cd3ba7de", "PLAIN", -1 },
	{ "secret", "{ARGON2I}$argon2id$v=19$m=65536,t=3,p=1$SdAQWzvqa/s6UuEZ"
	  "66nJmQ$BgaMPnr9gjFBX1bpKmeVVrsNTiKsNe1CQCbeU4ND/yM", "PLAIN", -1 },
	{ "secret", "{SHA256.XYZ}K7gNU3sdo+OL0wNhqoVWhr3g6s1xYv72ol/pe/Unols=",
	  "PLAIN", -1 },
	{ "secret", "{SHA256}", "PLAIN", -1 },
};

void test_password_scheme_verify(void)
{
	const char *error;
	int ret;

	test_begin("password scheme verify");
	for (unsigned int i = 0; i < N_ELEMENTS(verify_tests); i++) {
		const struct verify_test *t = &verify_tests[i];

		error = NULL;
		ret = password_scheme_verify(t->plaintext, t->stored,
					     t->default_scheme, &error);
		test_assert_idx(ret == t->expected_ret, i);
		test_assert_idx((ret < 0) == (error != NULL), i);
	}
	test_end();
}

void test_password_scheme_generate(void)
{
	struct crypt_data *data = i_new(struct crypt_data, 1);
	const char *stored, *stored2, *hash, *error;

	test_begin("password scheme generate");
	test_assert(password_scheme_generate("secret", "SHA512-CRYPT",
					     &stored, &error) == 0);
	test_assert(str_begins(stored, "{SHA512-CRYPT}$6$"));
	test_assert(password_scheme_verify("secret", stored, "PLAIN",
					   &error) == 1);
	test_assert(password_scheme_verify("secret2", stored, "PLAIN",
					   &error) == 0);
	/* libcrypt itself accepts it */
	hash = stored + strlen("{SHA512-CRYPT}");
	test_assert_strcmp(crypt_r("secret", hash, data), hash);
	/* salts are random */
	test_assert(password_scheme_generate("secret", "sha512-crypt",
					     &stored2, &error) == 0);
	test_assert(strcmp(stored, stored2) != 0);

	test_assert(password_scheme_generate("secret", "PLAIN",
					     &stored, &error) == 0);
	test_assert_strcmp(stored, "{PLAIN}secret");
	test_assert(password_scheme_generate("secret", "NOSUCH",
					     &stored, &error) == -1);
	i_free(data);
	test_end();
}

/* Every scheme generates a value that verifies, and that does not
   verify another password. */
void test_password_scheme_generate_all(void)
{
	static const char *const schemes[] = {
		"PLAIN", "CRYPT", "DES-CRYPT", "MD5-CRYPT", "SHA256-CRYPT", "SHA512-CRYPT",
		"BLF-CRYPT", "ARGON2I", "ARGON2ID", "SHA", "SHA256", "SHA512",
		"PLAIN-MD5", "LDAP-MD5", "SSHA", "SSHA256", "SSHA512", "SMD5",
		"PBKDF2", "CRAM-MD5", "SHA256.HEX", "SSHA512.B64",
		"SCRAM-SHA-1", "SCRAM-SHA-256",
	};
	const char *stored, *error;

	test_begin("password scheme generate every scheme");
	for (unsigned int i = 0; i < N_ELEMENTS(schemes); i++) {
		test_assert_idx(password_scheme_generate(
			"p\xc3\xa4ss word", schemes[i], &stored, &error) == 0, i);
		test_assert_idx(str_begins_icase(stored, t_strdup_printf(
			"{%s}", schemes[i])), i);
		test_assert_idx(password_scheme_verify(
			"p\xc3\xa4ss word", stored, "PLAIN", &error) == 1, i);
		test_assert_idx(password_scheme_verify(
			"xp\xc3\xa4ss word", stored, "PLAIN", &error) == 0, i);
	}
	test_end();
}

void test_password_scheme_split(void)
{
	const char *password;

	test_begin("password scheme split");
	test_assert_strcmp(password_scheme_split("{PLAIN}x", &password),
			   "PLAIN");
	test_assert_strcmp(password, "x");
	test_assert(password_scheme_split("x", &password) == NULL);
	test_assert_strcmp(password, "x");
	test_assert(password_scheme_split("{}x", &password) == NULL);
	test_assert_strcmp(password, "{}x");
	test_assert(password_scheme_split("{PLAIN", &password) == NULL);
	test_assert_strcmp(password, "{PLAIN");
	test_assert(password_scheme_is_known("sha512-crypt"));
	test_assert(password_scheme_is_known("CRYPT"));
	test_assert(password_scheme_is_known("SSHA"));
	test_assert(!password_scheme_is_known("SSHA1"));
	test_end();
}

void test_password_scheme_mem_equals(void)
{
	test_begin("password scheme constant-time compare");
	test_assert(password_scheme_mem_equals("abc", 3, "abc", 3));
	test_assert(!password_scheme_mem_equals("abc", 3, "abd", 3));
	test_assert(!password_scheme_mem_equals("abc", 3, "abc\0", 4));
	test_assert(!password_scheme_mem_equals("", 0, "a", 1));
	test_assert(password_scheme_mem_equals("", 0, "", 0));
	test_end();
}

/* RFC 2195's example, from the plaintext and from the stored context
   that `doveadm pw -s CRAM-MD5` makes. */
void test_password_scheme_cram_md5(void)
{
	static const char challenge[] =
		"<1896.697170952@postoffice.reston.mci.net>";
	static const char *const stored[] = {
		"{PLAIN}tanstaaftanstaaf",
		"{CRAM-MD5}d06d4e1b26fccaa4b0b61801132340a354b21152711fb604ca3e"
		"035e7015116b",
	};
	unsigned char digest[PASSWORD_CRAM_MD5_DIGEST_LEN];
	const char *error;

	test_begin("password scheme cram-md5 response");
	for (unsigned int i = 0; i < N_ELEMENTS(stored); i++) {
		test_assert_idx(password_scheme_cram_md5(stored[i], challenge,
			strlen(challenge), digest, &error) == 0, i);
		test_assert_strcmp(binary_to_hex(digest, sizeof(digest)),
				   "b913a602c7eda7a495b4e6e7334d3890");
	}
	test_assert(password_scheme_cram_md5("{SHA}x", challenge, 1, digest,
					     &error) == -1);
	test_assert(password_scheme_cram_md5("{CRAM-MD5}abc", challenge, 1,
					     digest, &error) == -1);
	test_assert(password_scheme_cram_md5("nothing", challenge, 1, digest,
					     &error) == -1);
	test_end();
}
