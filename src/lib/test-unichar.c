/* Copyright (c) Cove authors. See AUTHORS. */
/* Tests for unichar.c. */

#include "lib.h"
#include "str.h"
#include "unichar.h"
#include "test-lib.h"

static void test_unichar_casefold(void)
{
	static const struct {
		uint32_t chr, folded;
	} tests[] = {
		{ 'A', 'a' }, { 'z', 'z' }, { '@', '@' }, { '[', '[' },
		{ 0x00c4, 0x00e4 }, { 0x00d7, 0x00d7 }, { 0x00df, 0x00df },
		{ 0x0100, 0x0101 }, { 0x0101, 0x0101 }, { 0x0139, 0x013a },
		{ 0x013a, 0x013a }, { 0x0130, 'i' }, { 0x0178, 0x00ff },
		{ 0x0391, 0x03b1 }, { 0x03a3, 0x03c3 }, { 0x03c2, 0x03c3 },
		{ 0x0386, 0x03ac }, { 0x0401, 0x0451 }, { 0x0416, 0x0436 },
		{ 0x042f, 0x044f }, { 0x0436, 0x0436 }, { 0x0460, 0x0461 },
		{ 0x04c1, 0x04c2 }, { 0x1ea0, 0x1ea1 }, { 0xff21, 0xff41 },
		{ 0x4e2d, 0x4e2d }, { 0x1f600, 0x1f600 },
	};
	unsigned int i;

	test_begin("unichar casefold");
	for (i = 0; i < N_ELEMENTS(tests); i++) {
		test_assert_idx(unichar_casefold(tests[i].chr) ==
				tests[i].folded, i);
	}
	test_end();
}

static void test_unichar_utf8_casefold(void)
{
	static const struct {
		const char *input, *output;
	} tests[] = {
		{ "", "" },
		{ "Hello WORLD", "hello world" },
		{ "\xc3\x84pfel", "\xc3\xa4pfel" },
		{ "\xd0\x9f\xd1\x80\xd0\x98\xd0\x92\xd0\x95\xd0\xa2",
		  "\xd0\xbf\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82" },
		{ "\xe4\xb8\xad\xe6\x96\x87" "ABC",
		  "\xe4\xb8\xad\xe6\x96\x87" "abc" },
		{ "\xf0\x9f\x98\x80", "\xf0\x9f\x98\x80" },
		/* invalid bytes and truncated sequences */
		{ "a\xff" "b", "a\xef\xbf\xbd" "b" },
		{ "\xe4\xb8" "A", "\xef\xbf\xbd" "a" },
		{ "x\xe4\xb8", "x\xef\xbf\xbd" },
		{ "\x80", "\xef\xbf\xbd" },
	};
	unsigned int i;

	test_begin("unichar utf8 casefold");
	for (i = 0; i < N_ELEMENTS(tests); i++) {
		string_t *str = t_str_new(64);

		unichar_utf8_casefold((const unsigned char *)tests[i].input,
				      strlen(tests[i].input), str);
		test_assert_idx(strcmp(str_c(str), tests[i].output) == 0, i);
	}
	test_end();
}

static void test_unichar_append_utf8(void)
{
	static const uint32_t chars[] = {
		0x24, 0xa2, 0x7ff, 0x800, 0x20ac, 0xffff, 0x10000, 0x10348,
		0x10ffff,
	};
	struct unichar_utf8_stream stream = { 0, 0 };
	uint32_t out[2];
	unsigned int i, count;
	size_t pos;

	test_begin("unichar append utf8 and decode back");
	for (i = 0; i < N_ELEMENTS(chars); i++) {
		string_t *str = t_str_new(8);

		unichar_append_utf8(str, chars[i]);
		count = 0;
		for (pos = 0; pos < str_len(str); pos++) {
			test_assert_idx(count == 0, i);
			count = unichar_utf8_stream_feed(&stream,
							 str_data(str)[pos],
							 out);
		}
		test_assert_idx(count == 1 && out[0] == chars[i], i);
	}
	test_assert(unichar_utf8_stream_finish(&stream, out) == 0);
	test_end();
}

void test_unichar(void)
{
	test_unichar_casefold();
	test_unichar_utf8_casefold();
	test_unichar_append_utf8();
}
