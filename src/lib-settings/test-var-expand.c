/* Copyright (c) Cove authors. See AUTHORS. */

/* Unit tests for %-variable expansion. */

#include "lib.h"
#include "str.h"
#include "test-lib-settings.h"
#include "var-expand.h"

static void test_var_expand_user(void)
{
	static const struct {
		const char *input;
		const char *output;
		int ret;
	} tests[] = {
		{ "", "", 1 },
		{ "plain", "plain", 1 },
		{ "%u", "Alice@Example.COM", 1 },
		{ "%n", "Alice", 1 },
		{ "%d", "Example.COM", 1 },
		{ "%h/Maildir", "/home/alice/Maildir", 1 },
		{ "%s:%l:%r", "imap:127.0.0.1:192.0.2.1", 1 },
		{ "%{user}", "Alice@Example.COM", 1 },
		{ "%{username}@%{domain}", "Alice@Example.COM", 1 },
		{ "%{home}", "/home/alice", 1 },
		{ "%{service}", "imap", 1 },
		{ "%{lip} %{rip}", "127.0.0.1 192.0.2.1", 1 },
		{ "%Lu", "alice@example.com", 1 },
		{ "%Ln", "alice", 1 },
		{ "%Ud", "EXAMPLE.COM", 1 },
		{ "%L{user}", "alice@example.com", 1 },
		{ "%U{username}", "ALICE", 1 },
		{ "%%u%%", "%u%", 1 },
		{ "100%%", "100%", 1 },
		{ "%1n", "A", 1 },
		{ "%3Ln", "ali", 1 },
		{ "%1.2n", "li", 1 },
		{ "%0.1n", "A", 1 },
		{ "%.1n", "A", 1 },
		{ "%2.0n", "", 1 },
		{ "%4.10n", "e", 1 },
		{ "%9.2n", "", 1 },
		{ "%99n", "Alice", 1 },
		{ "/var/mail/%1Ln/%Ln", "/var/mail/a/alice", 1 },
		{ "%x", "", 0 },
		{ "a%xb%{nope}c", "abc", 0 },
		{ "%", "", -1 },
		{ "abc%L", "abc", -1 },
		{ "%{user", "", -1 },
	};
	const struct var_expand_table *table;
	string_t *str = t_str_new(128);
	const char *error;

	test_begin("var_expand");
	table = var_expand_user_table("Alice@Example.COM", "/home/alice",
				      "imap", "127.0.0.1", "192.0.2.1");
	for (unsigned int i = 0; i < N_ELEMENTS(tests); i++) {
		str_truncate(str, 0);
		test_assert_idx(var_expand(str, tests[i].input, table,
					   &error) == tests[i].ret, i);
		if (tests[i].ret >= 0)
			test_assert_strcmp(str_c(str), tests[i].output);
	}
	test_assert(var_expand(str, "%x%{nope}", table, &error) == 0);
	test_assert_strcmp(error, "Unknown variable: %x");
	test_assert(var_expand(str, "%{nope}", table, &error) == 0);
	test_assert_strcmp(error, "Unknown variable: %{nope}");
	test_assert(var_expand(str, "%{user", table, &error) < 0);
	test_assert_strcmp(error, "Missing '}' after %{");
	test_assert(var_expand(str, "x%", table, &error) < 0);
	test_assert_strcmp(error, "Missing variable after '%'");
	test_end();
}

static void test_var_expand_no_domain(void)
{
	const struct var_expand_table *table;
	string_t *str = t_str_new(128);
	const char *error;

	test_begin("var_expand without domain and NULL values");
	table = var_expand_user_table("bob", NULL, "lmtp", NULL, NULL);
	test_assert(var_expand(str, "%u|%n|%d|%h|%l|%r|%s", table,
			       &error) == 1);
	test_assert_strcmp(str_c(str), "bob|bob|||||lmtp");
	test_end();
}

static void test_var_expand_custom(void)
{
	static const struct var_expand_table table[] = {
		{ 'a', "first", NULL },
		{ '\0', "long only", "long" },
		{ '\0', NULL, NULL }
	};
	string_t *str = t_str_new(128);
	const char *error;

	test_begin("var_expand custom table");
	test_assert(var_expand(str, "%a %{long} %U{long}", table,
			       &error) == 1);
	test_assert_strcmp(str_c(str), "first long only LONG ONLY");
	str_truncate(str, 0);
	test_assert(var_expand(str, "%u", table, &error) == 0);
	test_assert_strcmp(str_c(str), "");
	test_end();
}

void test_var_expand(void)
{
	test_var_expand_user();
	test_var_expand_no_domain();
	test_var_expand_custom();
}
