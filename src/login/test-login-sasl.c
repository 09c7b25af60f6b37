/* Copyright (c) Cove authors. See AUTHORS. */
/* Unit tests of login-sasl.c. */

#include "lib.h"
#include "str.h"
#include "login-sasl.h"
#include "test-login.h"

void test_login_sasl_mech_is_plaintext(void)
{
	static const struct {
		const char *mech;
		bool plaintext;
	} tests[] = {
		{ "PLAIN", true },
		{ "plain", true },
		{ "LOGIN", true },
		{ "Login", true },
		{ "CRAM-MD5", false },
		{ "SCRAM-SHA-256", false },
		{ "PLAINX", false },
		{ "", false },
	};
	unsigned int i;

	test_begin("login_sasl_mech_is_plaintext");
	for (i = 0; i < N_ELEMENTS(tests); i++) {
		test_assert_idx(login_sasl_mech_is_plaintext(tests[i].mech) ==
				tests[i].plaintext, i);
	}
	test_end();
}

void test_login_sasl_mech_is_private(void)
{
	test_begin("login_sasl_mech_is_private");
	test_assert(login_sasl_mech_is_private("APOP"));
	test_assert(login_sasl_mech_is_private("apop"));
	test_assert(!login_sasl_mech_is_private("PLAIN"));
	test_assert(!login_sasl_mech_is_private("CRAM-MD5"));
	test_assert(!login_sasl_mech_is_private("APOPX"));
	test_end();
}

void test_login_sasl_mech_is_offered(void)
{
	static const char *const mechs[] = { "PLAIN", "CRAM-MD5", NULL };
	static const char *const none[] = { NULL };

	test_begin("login_sasl_mech_is_offered");
	test_assert(login_sasl_mech_is_offered(mechs, "PLAIN"));
	test_assert(login_sasl_mech_is_offered(mechs, "cram-md5"));
	test_assert(!login_sasl_mech_is_offered(mechs, "LOGIN"));
	test_assert(!login_sasl_mech_is_offered(mechs, "CRAM"));
	test_assert(!login_sasl_mech_is_offered(none, "PLAIN"));
	test_assert(!login_sasl_mech_is_offered(NULL, "PLAIN"));
	test_end();
}

void test_login_sasl_is_base64(void)
{
	static const struct {
		const char *str;
		bool valid;
	} tests[] = {
		{ "", true },
		{ "AHUxAHAx", true },
		{ "AHUxAHA=", true },
		{ "AHUxAH==", true },
		{ "ab+/", true },
		{ "AHUxAH=", false },
		{ "AHUxA===", false },
		{ "AH=xAHAx", false },
		{ "AHUx AHA", false },
		{ "AHUx\tAHA", false },
		{ "*", false },
		{ "====", false },
		{ "abc", false },
		{ "ab-_", false },
	};
	unsigned int i;

	test_begin("login_sasl_is_base64");
	for (i = 0; i < N_ELEMENTS(tests); i++) {
		test_assert_idx(login_sasl_is_base64(tests[i].str) ==
				tests[i].valid, i);
	}
	test_end();
}

void test_login_sasl_plain_response(void)
{
	static const struct {
		const char *user, *pass, *base64;
	} tests[] = {
		/* "\0u1\0p1" */
		{ "u1", "p1", "AHUxAHAx" },
		/* "\0alice@example.com\0secret" */
		{ "alice@example.com", "secret",
		  "AGFsaWNlQGV4YW1wbGUuY29tAHNlY3JldA==" },
		/* "\0\0" */
		{ "", "", "AAA=" },
	};
	string_t *str = t_str_new(64);
	unsigned int i;

	test_begin("login_sasl_plain_response");
	for (i = 0; i < N_ELEMENTS(tests); i++) {
		str_truncate(str, 0);
		login_sasl_plain_response(str, tests[i].user, tests[i].pass);
		test_assert_strcmp(str_c(str), tests[i].base64);
		test_assert_idx(login_sasl_is_base64(str_c(str)), i);
	}
	test_end();
}
