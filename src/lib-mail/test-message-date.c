/* Copyright (c) Cove authors. See AUTHORS. */
/* Tests for message-date.c. */

#include "lib.h"
#include "message-date.h"
#include "test-lib-mail.h"

static void test_message_date_parse(void)
{
	static const struct {
		const char *input;
		int ret;
		time_t time;
		int tz_offset;
	} tests[] = {
		{ "Thu, 13 Feb 1969 23:32:54 -0330", 1, -27723426, -210 },
		{ "Fri, 21 Nov 1997 09:55:06 -0600", 1, 880127706, -360 },
		{ "Sat, 24 Mar 2007 23:00:00 +0200", 1, 1174770000, 120 },
		{ "24 Mar 2007 23:00:00 +0200", 1, 1174770000, 120 },
		{ "Sat 24 Mar 2007 23:00:00 +0200", 1, 1174770000, 120 },
		{ "  Sat ,  24  mar  2007 23 : 00 : 00   +0200 ", 1,
		  1174770000, 120 },
		{ "Sat, 24 Mar 2007 23:00 +0200", 1, 1174770000, 120 },
		{ "Sat, 24 Mar 07 23:00:00 +0200", 1, 1174770000, 120 },
		{ "Mon, 1 Jan 99 00:00:00 GMT", 1, 915148800, 0 },
		{ "1 Jan 100 00:00:00 UT", 1, 946684800, 0 },
		{ "1 Jan 2000 00:00:00 EST", 1, 946702800, -300 },
		{ "1 Jan 2000 00:00:00 pdt", 1, 946710000, -420 },
		{ "1 Jan 2000 00:00:00 A", 1, 946684800, 0 },
		{ "1 Jan 2000 00:00:00", 1, 946684800, 0 },
		{ "1 Jan 2000 00:00:00 -0000", 1, 946684800, 0 },
		{ "29 Feb 2000 12:00:00 +0000 (UTC)", 1, 951825600, 0 },
		{ "(c) Sat, (x (y)) 24 Mar 2007 23:00:00 +0200", 1,
		  1174770000, 120 },
		{ "24-Mar-2007 23:00:00 +0200", 1, 1174770000, 120 },
		{ "31 Dec 2037 23:59:60 +0000", 1, 2145916800, 0 },
		{ "", 0, 0, 0 },
		{ "Sat, 24 Foo 2007 23:00:00 +0200", 0, 0, 0 },
		{ "Sat, 32 Mar 2007 23:00:00 +0200", 0, 0, 0 },
		{ "Sat, 24 Mar 2007 24:00:00 +0200", 0, 0, 0 },
		{ "Sat, 24 Mar 2007 23:60:00 +0200", 0, 0, 0 },
		{ "Sat, 24 Mar 2007 23:00:61 +0200", 0, 0, 0 },
		{ "Sat, 24 Mar 2007 23:00:00 +02", 0, 0, 0 },
		{ "Sat, 24 Mar 2007 23:00:00 +0260", 0, 0, 0 },
		{ "Sat, 24 Mar 7 23:00:00 +0200", 0, 0, 0 },
		{ "Sat, 24 Mar 2007", 0, 0, 0 },
		{ "Sat, 24 Mar 20071 23:00:00", 0, 0, 0 },
		{ "yesterday", 0, 0, 0 },
	};
	unsigned int i;
	time_t t;
	int tz, ret;

	test_begin("message date parse");
	for (i = 0; i < N_ELEMENTS(tests); i++) {
		ret = message_date_parse((const void *)tests[i].input,
					 strlen(tests[i].input), &t, &tz);
		test_assert_idx(ret == tests[i].ret, i);
		if (ret > 0 && tests[i].ret > 0) {
			test_assert_idx(t == tests[i].time, i);
			test_assert_idx(tz == tests[i].tz_offset, i);
		}
	}
	/* the size bounds the input: no NUL needed */
	test_assert(message_date_parse(
		(const void *)"1 Jan 2000 00:00:00 +0100x", 25, &t, &tz) == 1 &&
		tz == 60);
	test_end();
}

static void test_message_date_utc_mktime(void)
{
	test_begin("message date utc mktime");
	test_assert(message_date_utc_mktime(1970, 1, 1, 0, 0, 0) == 0);
	test_assert(message_date_utc_mktime(1969, 12, 31, 23, 59, 59) == -1);
	test_assert(message_date_utc_mktime(2000, 3, 1, 0, 0, 0) ==
		    951868800);
	test_assert(message_date_utc_mktime(2100, 3, 1, 0, 0, 0) ==
		    4107542400LL);
	test_assert(message_date_month_parse("jan") == 1);
	test_assert(message_date_month_parse("DEC") == 12);
	test_assert(message_date_month_parse("Dece") == 0);
	test_end();
}

void test_message_date(void)
{
	test_message_date_parse();
	test_message_date_utc_mktime();
}
