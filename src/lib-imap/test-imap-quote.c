/* Copyright (c) Cove authors. See AUTHORS. */

/* Tests for imap-quote. */

#include "lib.h"
#include "str.h"
#include "imap-quote.h"
#include "test-lib-imap.h"

void test_imap_quote(void)
{
	static const struct {
		const char *input;
		const char *astring, *string;
	} tests[] = {
		{ "INBOX", "INBOX", "\"INBOX\"" },
		{ "a]b", "a]b", "\"a]b\"" },
		{ "", "\"\"", "\"\"" },
		{ "nil", "\"nil\"", "\"nil\"" },
		{ "a b", "\"a b\"", "\"a b\"" },
		{ "a\"b\\c", "\"a\\\"b\\\\c\"", "\"a\\\"b\\\\c\"" },
		{ "a*", "\"a*\"", "\"a*\"" },
		{ "(x)", "\"(x)\"", "\"(x)\"" },
		{ "\xc3\xa4", "{2}\r\n\xc3\xa4", "{2}\r\n\xc3\xa4" },
		{ "a\r\nb", "{4}\r\na\r\nb", "{4}\r\na\r\nb" },
	};
	string_t *str = t_str_new(64);
	unsigned int i;

	test_begin("imap quote");
	for (i = 0; i < N_ELEMENTS(tests); i++) {
		str_truncate(str, 0);
		imap_append_astring(str, tests[i].input);
		test_assert_strcmp(str_c(str), tests[i].astring);
		str_truncate(str, 0);
		imap_append_string(str, tests[i].input);
		test_assert_strcmp(str_c(str), tests[i].string);
		str_truncate(str, 0);
		imap_append_nstring(str, tests[i].input);
		test_assert_strcmp(str_c(str), tests[i].string);
	}
	str_truncate(str, 0);
	imap_append_nstring(str, NULL);
	test_assert_strcmp(str_c(str), "NIL");

	/* long strings become literals */
	str_truncate(str, 0);
	imap_append_string(str, t_strdup_printf("%02000d", 0));
	test_assert(str_begins(str_c(str), "{2000}\r\n0000"));
	test_end();
}
