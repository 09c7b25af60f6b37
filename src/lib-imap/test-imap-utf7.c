/* Copyright (c) Cove authors. See AUTHORS. */

/* Tests for imap-utf7: both directions, and the strict decoder. */

#include "lib.h"
#include "str.h"
#include "imap-utf7.h"
#include "test-lib-imap.h"

void test_imap_utf7_valid(void)
{
	static const struct {
		const char *utf8, *utf7;
	} tests[] = {
		{ "INBOX", "INBOX" },
		{ "", "" },
		{ "a&b", "a&-b" },
		{ "&", "&-" },
		{ "&&", "&-&-" },
		/* RFC 3501 5.1.3's example */
		{ "~peter/mail/\xe5\x8f\xb0\xe5\x8c\x97/"
		  "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e",
		  "~peter/mail/&U,BTFw-/&ZeVnLIqe-" },
		{ "\xe6\x94\xb6\xe4\xbb\xb6\xe7\xae\xb1"
		  "\xe5\xa4\x87\xe4\xbb\xbd", "&ZTZO9nuxWQdO,Q-" },
		{ "Entw\xc3\xbcrfe", "Entw&APw-rfe" },
		{ "\xc3\xa4", "&AOQ-" },
		{ "\xc3\xa4\xc3\xb6", "&AOQA9g-" },
		{ "\xf0\x9f\x98\x80", "&2D3eAA-" },
		{ "a\xc3\xa4&\xc3\xb6", "a&AOQ-&-&APY-" },
		{ "\xe2\x82\xac", "&IKw-" },
	};
	string_t *str = t_str_new(64);
	unsigned int i;

	test_begin("imap utf7 valid");
	for (i = 0; i < N_ELEMENTS(tests); i++) {
		str_truncate(str, 0);
		test_assert_idx(imap_utf8_to_utf7(tests[i].utf8, str) == 0, i);
		test_assert_strcmp(str_c(str), tests[i].utf7);
		str_truncate(str, 0);
		test_assert_idx(imap_utf7_to_utf8(tests[i].utf7, str) == 0, i);
		test_assert_strcmp(str_c(str), tests[i].utf8);
	}
	test_end();
}

void test_imap_utf7_invalid(void)
{
	static const char *const invalid_utf7[] = {
		"&",		/* unterminated */
		"&AOQ",		/* no '-' */
		"a&AOQ-&APY-",	/* two shifts in a row */
		"&AGE-",	/* 'a' encoded */
		"&AOR-",	/* non-zero padding bits */
		"&AOQA-",	/* a whole extra character */
		"&2D0-",	/* lone high surrogate */
		"&3gA-",	/* lone low surrogate */
		"&A/Q-",	/* '/' is not modified base64 */
		"\xc3\xa4",	/* raw 8-bit */
		"a\tb",		/* control character */
		"&=-",
		"&AAA-",	/* NUL */
	};
	static const char *const invalid_utf8[] = {
		"\xc3",			/* truncated */
		"\xc0\xaf",		/* overlong */
		"\xed\xa0\x80",		/* surrogate */
		"\xf4\x90\x80\x80",	/* above U+10FFFF */
		"\xff",
		"a\x80",
	};
	string_t *str = t_str_new(64);
	unsigned int i;

	test_begin("imap utf7 invalid");
	for (i = 0; i < N_ELEMENTS(invalid_utf7); i++) {
		str_truncate(str, 0);
		test_assert_idx(imap_utf7_to_utf8(invalid_utf7[i], str) < 0, i);
	}
	for (i = 0; i < N_ELEMENTS(invalid_utf8); i++) {
		str_truncate(str, 0);
		test_assert_idx(imap_utf8_to_utf7(invalid_utf8[i], str) < 0, i);
	}
	test_end();
}
