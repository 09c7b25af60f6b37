/* Copyright (c) Cove authors. See AUTHORS. */
/* Unit tests of pop3-login-capability.c. */

#include "lib.h"
#include "str.h"
#include "pop3-login-capability.h"
#include "test-pop3-login.h"

#define CAPS POP3_LOGIN_CAPABILITY_DEFAULT

void test_pop3_login_capability_append(void)
{
	static const char *const mechs_all[] = { "PLAIN", "LOGIN", NULL };
	static const char *const mechs_secure[] = { "CRAM-MD5", NULL };
	static const char *const mechs_none[] = { NULL };
	static const struct {
		bool starttls;
		bool plaintext_allowed;
		const char *const *mechs;
		const char *result;
	} tests[] = {
		{ false, true, mechs_all, CAPS "USER\r\nSASL PLAIN LOGIN\r\n" },
		{ false, false, mechs_secure, CAPS "SASL CRAM-MD5\r\n" },
		{ false, false, mechs_none, CAPS },
		{ false, true, mechs_none, CAPS "USER\r\n" },
		{ true, false, mechs_secure, CAPS "STLS\r\nSASL CRAM-MD5\r\n" },
	};
	string_t *str = t_str_new(128);
	unsigned int i;

	test_begin("pop3_login_capability_append");
	test_assert_strcmp(CAPS, "CAPA\r\nTOP\r\nUIDL\r\nRESP-CODES\r\n"
			   "PIPELINING\r\nAUTH-RESP-CODE\r\n");
	for (i = 0; i < N_ELEMENTS(tests); i++) {
		str_truncate(str, 0);
		pop3_login_capability_append(str, tests[i].starttls,
					     tests[i].plaintext_allowed,
					     tests[i].mechs);
		test_assert_strcmp(str_c(str), tests[i].result);
	}
	test_end();
}

void test_pop3_login_capability_append_mechs(void)
{
	static const char *const mechs_all[] = { "PLAIN", "LOGIN", NULL };
	static const char *const mechs_none[] = { NULL };
	string_t *str = t_str_new(128);

	test_begin("pop3_login_capability_append_mechs");
	pop3_login_capability_append_mechs(str, mechs_all);
	test_assert_strcmp(str_c(str), "PLAIN\r\nLOGIN\r\n");
	str_truncate(str, 0);
	pop3_login_capability_append_mechs(str, mechs_none);
	test_assert_strcmp(str_c(str), "");
	test_end();
}
