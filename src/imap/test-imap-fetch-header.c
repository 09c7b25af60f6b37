/* Copyright (c) Cove authors. See AUTHORS. */

/* Tests for imap-fetch-header. */

#include "lib.h"
#include "str.h"
#include "imap-fetch-header.h"
#include "test-imap.h"

void test_imap_fetch_header_filter(void)
{
	static const char header[] =
		"From: a@example.org\n"
		"Subject: one\n"
		"  two\n"
		"To : b@example.org\r\n"
		"X-Other: x\n"
		"subject: again\n"
		"\n";
	static const char *const subject[] = { "SUBJECT", NULL };
	static const char *const from_to[] = { "to", "From", NULL };
	static const struct {
		const char *const *fields;
		bool exclude;
		size_t size;
		const char *output;
	} tests[] = {
		{ subject, false, sizeof(header) - 1,
		  "Subject: one\r\n  two\r\nsubject: again\r\n\r\n" },
		{ from_to, false, sizeof(header) - 1,
		  "From: a@example.org\r\nTo : b@example.org\r\n\r\n" },
		{ subject, true, sizeof(header) - 1,
		  "From: a@example.org\r\nTo : b@example.org\r\n"
		  "X-Other: x\r\n\r\n" },
		/* the header without its blank line, or cut short */
		{ subject, false, sizeof(header) - 2,
		  "Subject: one\r\n  two\r\nsubject: again\r\n\r\n" },
		{ subject, false, 29, "Subject: \r\n\r\n" },
		{ subject, false, 0, "\r\n" },
	};
	string_t *str = t_str_new(128);
	unsigned int i;

	test_begin("imap fetch header filter");
	for (i = 0; i < N_ELEMENTS(tests); i++) {
		str_truncate(str, 0);
		imap_fetch_header_filter((const unsigned char *)header,
					 tests[i].size, tests[i].fields,
					 tests[i].exclude, str);
		test_assert_strcmp(str_c(str), tests[i].output);
	}
	test_end();
}
