/* Copyright (c) Cove authors. See AUTHORS. */

/* Tests for charset conversion to UTF-8, split at every offset. */

#include "lib.h"
#include "str.h"
#include "charset-utf8.h"
#include "test-lib-mail.h"

struct charset_test {
	const char *charset;
	const char *input;
	const char *output;
};

static const struct charset_test charset_tests[] = {
	{ "utf-8", "caf\xC3\xA9", "caf\xC3\xA9" },
	{ "UTF-8", "a\xFF" "b\xC3", "a\xEF\xBF\xBD" "b\xEF\xBF\xBD" },
	{ "us-ascii", "plain", "plain" },
	{ "iso-8859-1", "caf\xE9", "caf\xC3\xA9" },
	{ "windows-1252", "\x80", "\xE2\x82\xAC" },
	{ "gb2312", "\xC4\xE3\xBA\xC3", "\xE4\xBD\xA0\xE5\xA5\xBD" },
	{ "shift_jis", "\x82\xA0", "\xE3\x81\x82" },
	{ "no-such-charset", "x\xC3\xA9", "x\xC3\xA9" },
	/* invalid in the charset: replaced, the rest converted */
	{ "utf-8", "\xED\xA0\x80z", "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBDz" },
};

void test_charset_utf8(void)
{
	struct charset_translation *t;
	string_t *out = t_str_new(64);
	unsigned int i;
	size_t split, len;

	test_begin("charset to UTF-8");
	for (i = 0; i < N_ELEMENTS(charset_tests); i++) {
		len = strlen(charset_tests[i].input);
		for (split = 0; split <= len; split++) {
			str_truncate(out, 0);
			t = charset_translation_create(charset_tests[i].charset);
			charset_translate(t, (const void *)charset_tests[i].input,
					  split, out);
			charset_translate(t, (const void *)
					  (charset_tests[i].input + split),
					  len - split, out);
			charset_translate_finish(t, out);
			charset_translation_destroy(&t);
			test_assert_idx(strcmp(str_c(out),
					       charset_tests[i].output) == 0,
					i * 100 + split);
		}
	}
	str_truncate(out, 0);
	test_assert(charset_to_utf8_str("x-unknown", (const void *)"a", 1,
					out) == -1);
	test_assert(charset_to_utf8_str("koi8-r", (const void *)"\xF0", 1,
					out) == 0);
	test_assert_strcmp(str_c(out), "a\xD0\x9F");
	test_end();
}
