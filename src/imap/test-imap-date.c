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
