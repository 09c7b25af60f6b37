/* Copyright (c) Cove authors. See AUTHORS. */

/* Tests for imap-date. */

#include "lib.h"
#include "imap-date.h"
#include "test-imap.h"

void test_imap_date_format(void)
{
	static const struct {
		time_t t;
		const char *output;
	} tests[] = {
		{ 0, "01-Jan-1970 00:00:00 +0000" },
		{ 1795453800, "23-Nov-2026 17:10:00 +0000" },
		{ 951782400, "29-Feb-2000 00:00:00 +0000" },
		{ 1704067199, "31-Dec-2023 23:59:59 +0000" },
	};
	unsigned int i;

	test_begin("imap date format");
	for (i = 0; i < N_ELEMENTS(tests); i++)
		test_assert_strcmp(imap_date_format(tests[i].t),
				   tests[i].output);
	test_end();
}

void test_imap_date_parse(void)
{
	static const struct {
		const char *input;
		int ret;
		time_t t;
	} tests[] = {
		{ "23-Nov-2026 17:10:00 +0000", 0, 1795453800 },
		{ "23-nov-2026 18:10:00 +0100", 0, 1795453800 },
		{ "23-NOV-2026 12:40:00 -0430", 0, 1795453800 },
		{ " 1-Jan-1970 00:00:00 +0000", 0, 0 },
		{ "1-Jan-1970 00:00:00 +0000", 0, 0 },
		{ "01-Jan-1970 00:00:01 +0000", 0, 1 },
		{ "29-Feb-2000 00:00:00 +0000", 0, 951782400 },
		/* as Dovecot: counted on into March */
		{ "29-Feb-2001 00:00:00 +0000", 0, 983404800 },
		{ "32-Jan-2000 00:00:00 +0000", -1, 0 },
		{ "00-Jan-2000 00:00:00 +0000", -1, 0 },
		{ "01-Foo-2000 00:00:00 +0000", -1, 0 },
		{ "01-Jan-2000 24:00:00 +0000", -1, 0 },
		{ "01-Jan-2000 00:60:00 +0000", -1, 0 },
		{ "01-Jan-2000 00:00:00 +0060", -1, 0 },
		{ "01-Jan-2000 00:00:00 0000", -1, 0 },
		{ "01-Jan-2000 00:00:00 +0000 ", -1, 0 },
		{ "01-Jan-2000 00:00 +0000", -1, 0 },
		{ "01-Jan-00 00:00:00 +0000", -1, 0 },
		{ "", -1, 0 },
	};
	unsigned int i;
	time_t t;

	test_begin("imap date parse");
	for (i = 0; i < N_ELEMENTS(tests); i++) {
		t = 0;
		test_assert_idx(imap_date_parse(tests[i].input, &t) ==
				tests[i].ret, i);
		if (tests[i].ret == 0)
			test_assert_idx(t == tests[i].t, i);
	}
	test_end();
}
