/* Copyright (c) Cove authors. See AUTHORS. */
/* Tests for str.c. */

#include "lib.h"
#include "str.h"
#include "test-lib.h"

void test_str(void)
{
	string_t *str = t_str_new(4);

	test_begin("str");
	test_assert_strcmp(str_c(str), "");
	str_append(str, "hello");
	str_append_c(str, ' ');
	str_append_n(str, "world!!", 5);
	test_assert_strcmp(str_c(str), "hello world");
	test_assert(str_len(str) == 11);
	str_append_n(str, "a\0b", 3);
	test_assert_strcmp(str_c(str), "hello worlda");
	str_truncate(str, 5);
	test_assert_strcmp(str_c(str), "hello");
	str_insert(str, 0, ">> ");
	test_assert_strcmp(str_c(str), ">> hello");
	str_delete(str, 0, 3);
	test_assert_strcmp(str_c(str), "hello");
	str_printfa(str, " %d %s", 42, "x");
	test_assert_strcmp(str_c(str), "hello 42 x");

	/* a long printf goes through the second path */
	string_t *long_str = str_new(default_pool, 1);
	char big[1000];
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	str_printfa(long_str, "[%s]", big);
	test_assert(str_len(long_str) == 1001);
	test_assert(str_c(long_str)[1000] == ']');
	test_assert(str_c(long_str)[1001] == '\0');

	string_t *copy = t_str_new(0);
	str_append_str(copy, str);
	test_assert(str_equals(copy, str));
	str_append_data(copy, "\0z", 2);
	test_assert(str_len(copy) == str_len(str) + 2);
	test_assert(!str_equals(copy, str));
	str_c_modifiable(copy)[0] = 'H';
	test_assert(str_data(copy)[0] == 'H');
	str_reset(copy);
	test_assert_strcmp(str_c(copy), "");
	str_append_tabescaped(copy, "a\tb\001c\r\nd");
	test_assert_strcmp(str_c(copy), "a\001tb\0011c\001r\001nd");
	str_free(&long_str);
	test_assert(long_str == NULL);
	test_end();
}
