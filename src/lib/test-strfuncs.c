/* Copyright (c) Cove authors. See AUTHORS. */
/* Tests for strfuncs.c. */

#include "lib.h"
#include "test-lib.h"

static void test_strsplit(void)
{
	const char **arr = t_strsplit("a,b,,c", ",");

	test_assert(str_array_length(arr) == 4);
	test_assert_strcmp(arr[0], "a");
	test_assert_strcmp(arr[2], "");
	test_assert_strcmp(arr[3], "c");
	arr = t_strsplit("", ",");
	test_assert(str_array_length(arr) == 1 && arr[0][0] == '\0');
	arr = t_strsplit("a b;c", " ;");
	test_assert(str_array_length(arr) == 3);
	arr = t_strsplit_spaces("  a   b  ", " ");
	test_assert(str_array_length(arr) == 2);
	test_assert_strcmp(arr[0], "a");
	test_assert_strcmp(arr[1], "b");
	arr = t_strsplit_spaces("   ", " ");
	test_assert(str_array_length(arr) == 0);
	test_assert_strcmp(t_strarray_join(t_strsplit("x:y:z", ":"), ", "),
			   "x, y, z");
}

static void test_tabescape(void)
{
	static const char *const inputs[] = {
		"", "plain", "\t", "\001", "a\tb\rc\nd\001e",
		"\001\001tt", "end\001",
	};

	for (unsigned int i = 0; i < N_ELEMENTS(inputs); i++) {
		const char *esc = str_tabescape(inputs[i]);

		test_assert_idx(strpbrk(esc, "\t\r\n") == NULL, i);
		test_assert_strcmp(str_tabunescape(esc), inputs[i]);
	}
	const char **fields = t_strsplit_tabescaped(t_strconcat(
		str_tabescape("a\tb"), "\t", str_tabescape("c\001"), NULL));
	test_assert(str_array_length(fields) == 2);
	test_assert_strcmp(fields[0], "a\tb");
	test_assert_strcmp(fields[1], "c\001");
}

static void test_str_to_uint(void)
{
	static const struct {
		const char *input;
		int ret;
		uint64_t value;
	} tests[] = {
		{ "0", 0, 0 },
		{ "123", 0, 123 },
		{ "007", 0, 7 },
		{ "4294967295", 0, 4294967295ULL },
		{ "4294967296", 0, 4294967296ULL },
		{ "18446744073709551615", 0, UINT64_MAX },
		{ "18446744073709551616", -1, 0 },
		{ "99999999999999999999", -1, 0 },
		{ "", -1, 0 },
		{ "-1", -1, 0 },
		{ "+1", -1, 0 },
		{ " 1", -1, 0 },
		{ "1 ", -1, 0 },
		{ "1a", -1, 0 },
	};

	for (unsigned int i = 0; i < N_ELEMENTS(tests); i++) {
		uint64_t num64 = 0;
		uint32_t num32 = 0;
		unsigned int num = 0;
		uoff_t uoff = 0;
		int ret32 = tests[i].ret < 0 || tests[i].value > UINT32_MAX ?
			-1 : 0;

		test_assert_idx(str_to_uint64(tests[i].input, &num64) ==
				tests[i].ret, i);
		test_assert_idx(tests[i].ret < 0 || num64 == tests[i].value, i);
		test_assert_idx(str_to_uoff(tests[i].input, &uoff) ==
				tests[i].ret, i);
		test_assert_idx(str_to_uint32(tests[i].input, &num32) == ret32,
				i);
		test_assert_idx(ret32 < 0 || num32 == tests[i].value, i);
		test_assert_idx(str_to_uint(tests[i].input, &num) == ret32, i);
		test_assert_idx(ret32 < 0 || num == tests[i].value, i);
	}

	const char *end;
	uint64_t num;
	test_assert(str_parse_uint64("123abc", &num, &end) == 0);
	test_assert(num == 123 && strcmp(end, "abc") == 0);
	test_assert(str_parse_uint64("abc", &num, &end) == -1);
	test_assert(str_parse_uint64("18446744073709551616x", &num,
				     &end) == -1);
}

void test_strfuncs(void)
{
	test_begin("strfuncs");
	test_assert_strcmp(t_strdup("x"), "x");
	test_assert(t_strdup(NULL) == NULL);
	test_assert_strcmp(t_strndup("abc", 2), "ab");
	test_assert_strcmp(t_strdup_printf("%s=%u", "a", 1U), "a=1");
	char long_arg[600];
	memset(long_arg, 'y', sizeof(long_arg) - 1);
	long_arg[sizeof(long_arg) - 1] = '\0';
	const char *long_str = t_strdup_printf("<%s>", long_arg);
	test_assert(strlen(long_str) == 601 && long_str[600] == '>');
	test_assert_strcmp(t_strconcat("a", "b", "c", NULL), "abc");
	test_assert_strcmp(t_str_lcase("AbC1"), "abc1");
	test_assert_strcmp(t_str_ucase("AbC1"), "ABC1");
	test_assert(str_begins("foobar", "foo"));
	test_assert(!str_begins("fo", "foo"));
	test_assert(str_begins_icase("FOObar", "foo"));
	test_assert(str_ends("foobar", "bar"));
	test_assert(!str_ends("ar", "bar"));
	test_assert(str_ends("x", ""));
	test_strsplit();
	test_tabescape();
	test_str_to_uint();

	char secret[8] = "secret";
	safe_memset(secret, 0, sizeof(secret));
	test_assert(secret[0] == 0 && secret[5] == 0);
	test_end();
}
