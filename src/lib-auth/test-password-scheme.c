/* Copyright (c) Cove authors. See AUTHORS. */

/* Tests for password-scheme.c: reference hashes made with
   `doveadm pw -s SCHEME -p PASSWORD`, generated hashes, malformed ones. */

#include "lib.h"
#include "test-lib-auth.h"
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
	test_assert(password_scheme_generate("secret", "MD5-CRYPT",
					     &stored, &error) == -1);
	test_assert(password_scheme_generate("secret", "NOSUCH",
					     &stored, &error) == -1);
	i_free(data);
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
	test_assert(!password_scheme_is_known("SSHA"));
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
