/* Copyright (c) Cove authors. See AUTHORS. */

/* Tests for the pop3 settings: UIDL format expansion and the client
   workaround list. */

#include "lib.h"
#include "str.h"
#include "pop3-settings.h"
#include "test-pop3.h"

struct test_uidl {
	const char *format;
	uint32_t uid, uidvalidity;
	/* NULL: invalid format */
	const char *output;
};

static const struct test_uidl test_uidls[] = {
	{ "%08Xu%08Xv", 1, 0x6b047d97, "000000016b047d97" },
	{ "%08Xu%08Xv", 0xabcdef12, 5, "abcdef1200000005" },
	{ "%08XUu%08Xv", 0xabcdef12, 5, "ABCDEF1200000005" },
	{ "%u.%v", 42, 1700000000, "42.1700000000" },
	{ "%{uidvalidity}-%{uid}", 42, 7, "7-42" },
	{ "%2u", 12345, 1, "12" },
	{ "%04u%%x", 7, 1, "0007%x" },
	{ "plain", 1, 1, "plain" },
	{ "%m", 1, 1, NULL },
	{ "%{md5}", 1, 1, NULL },
	{ "%{uid", 1, 1, NULL },
	{ "%08X", 1, 1, NULL },
	{ "%999u", 1, 1, NULL },
};

void test_pop3_uidl_expand(void)
{
	string_t *str = t_str_new(64);
	const char *error;
	int ret;

	test_begin("pop3 uidl expand");
	for (unsigned int i = 0; i < N_ELEMENTS(test_uidls); i++) {
		const struct test_uidl *t = &test_uidls[i];

		str_truncate(str, 0);
		ret = pop3_uidl_expand(str, t->format, t->uid, t->uidvalidity,
				       &error);
		if (t->output == NULL) {
			test_assert_idx(ret < 0, i);
			continue;
		}
		test_assert_idx(ret == 0, i);
		test_assert_strcmp(str_c(str), t->output);
	}
	test_end();
}

void test_pop3_workarounds_parse(void)
{
	enum pop3_client_workarounds w;
	const char *error;

	test_begin("pop3 workarounds parse");
	test_assert(pop3_workarounds_parse("", &w, &error) == 0 && w == 0);
	test_assert(pop3_workarounds_parse("outlook-no-nuls", &w,
					   &error) == 0 &&
		    w == POP3_WORKAROUND_OUTLOOK_NO_NULS);
	test_assert(pop3_workarounds_parse(" oe-ns-eoh,outlook-no-nuls ", &w,
					   &error) == 0 &&
		    w == (POP3_WORKAROUND_OE_NS_EOH |
			  POP3_WORKAROUND_OUTLOOK_NO_NULS));
	test_assert(pop3_workarounds_parse("oe-ns-eoh foo", &w,
					   &error) < 0 &&
		    strstr(error, "foo") != NULL);
	test_end();
}
