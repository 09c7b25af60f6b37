/* Copyright (c) Cove authors. See AUTHORS. */

/* Tests for RFC 2047 encoded-word decoding. */

#include "lib.h"
#include "str.h"
#include "message-header-decode.h"
#include "test-lib-mail.h"

static const char *const message_header_decode_tests[][2] = {
	{ "plain text", "plain text" },
	{ "=?iso-8859-1?q?caf=E9?=", "caf\xC3\xA9" },
	{ "=?UTF-8?B?5L2g5aW9?= world", "\xE4\xBD\xA0\xE5\xA5\xBD world" },
	/* whitespace between two words goes */
	{ "=?utf-8?q?a?= \t =?utf-8?q?b?=", "ab" },
	{ "x =?utf-8?q?a_b?= y", "x a b y" },
	/* language suffix (RFC 2231 5) */
	{ "=?utf-8*en?q?hi?=", "hi" },
	/* malformed words stay */
	{ "=?utf-8?x?abc?=", "=?utf-8?x?abc?=" },
	{ "=?utf-8?q?a b?=", "=?utf-8?q?a b?=" },
	{ "=?utf-8?q?open", "=?utf-8?q?open" },
	/* 8-bit text: UTF-8 kept, junk replaced */
	{ "\xC3\xA9t\xE9", "\xC3\xA9t\xEF\xBF\xBD" },
	{ "=?gb2312?B?xOO6ww==?=", "\xE4\xBD\xA0\xE5\xA5\xBD" },
};

void test_message_header_decode(void)
{
	string_t *out = t_str_new(64);
	unsigned int i;

	test_begin("message header decode");
	for (i = 0; i < N_ELEMENTS(message_header_decode_tests); i++) {
		const char *in = message_header_decode_tests[i][0];

		str_truncate(out, 0);
		message_header_decode_utf8((const void *)in, strlen(in), out);
		test_assert_strcmp(str_c(out), message_header_decode_tests[i][1]);
	}
	test_end();
}
