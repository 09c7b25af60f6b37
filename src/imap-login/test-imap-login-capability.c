/* Copyright (c) Cove authors. See AUTHORS. */
/* Unit tests of imap-login-capability.c. */

#include "lib.h"
#include "str.h"
#include "imap-login-capability.h"
#include "test-imap-login.h"

void test_imap_login_capability_append(void)
{
	static const char *const mechs_all[] = { "PLAIN", "LOGIN", NULL };
	static const char *const mechs_secure[] = { "CRAM-MD5", NULL };
	static const char *const mechs_none[] = { NULL };
	static const struct {
		const char *setting;
		bool starttls;
		bool plaintext_allowed;
		const char *const *mechs;
		const char *result;
	} tests[] = {
		{ "", false, true, mechs_all,
		  "IMAP4rev1 SASL-IR LITERAL+ ID ENABLE IDLE AUTH=PLAIN AUTH=LOGIN" },
		{ "", false, false, mechs_secure,
		  "IMAP4rev1 SASL-IR LITERAL+ ID ENABLE IDLE LOGINDISABLED AUTH=CRAM-MD5" },
		{ "", false, false, mechs_none,
		  "IMAP4rev1 SASL-IR LITERAL+ ID ENABLE IDLE LOGINDISABLED" },
		{ "", false, true, mechs_none,
		  "IMAP4rev1 SASL-IR LITERAL+ ID ENABLE IDLE" },
		{ "+XFOO XBAR", false, true, mechs_all,
		  "IMAP4rev1 SASL-IR LITERAL+ ID ENABLE IDLE XFOO XBAR AUTH=PLAIN AUTH=LOGIN" },
		{ "IMAP4rev1 XONLY", false, false, mechs_none,
		  "IMAP4rev1 XONLY LOGINDISABLED" },
		{ "", true, false, mechs_secure,
		  "IMAP4rev1 SASL-IR LITERAL+ ID ENABLE IDLE STARTTLS "
		  "LOGINDISABLED AUTH=CRAM-MD5" },
	};
	string_t *str = t_str_new(128);
	unsigned int i;

	test_begin("imap_login_capability_append");
	for (i = 0; i < N_ELEMENTS(tests); i++) {
		str_truncate(str, 0);
		imap_login_capability_append(str, tests[i].setting,
					     tests[i].starttls,
					     tests[i].plaintext_allowed,
					     tests[i].mechs);
		test_assert_strcmp(str_c(str), tests[i].result);
	}
	test_end();
}
