/* Copyright (c) Cove authors. See AUTHORS. */
/* Tests for message-search.c. */

#include "lib.h"
#include "message-search.h"
#include "test-lib-mail.h"

static const struct {
	const char *key, *text;
	bool match;
} message_search_tests[] = {
	{ "", "", true },
	{ "", "anything", true },
	{ "a", "", false },
	{ "world", "Hello World!", true },
	{ "WORLD", "hello world", true },
	{ "worlds", "hello world", false },
	{ "aab", "aaab", true },
	{ "abab", "abaabab", true },
	{ "abac", "ababac", true },
	{ "abc", "ab", false },
	/* accented, Cyrillic and Greek letters fold */
	{ "\xc3\xa4pfel", "\xc3\x84PFEL", true },
	{ "\xd0\x9f\xd0\xa0\xd0\x98\xd0\x92\xd0\x95\xd0\xa2",
	  "\xd0\xb2\xd1\x81\xd0\xb5\xd0\xbc \xd0\xbf\xd1\x80\xd0\xb8"
	  "\xd0\xb2\xd0\xb5\xd1\x82", true },
	{ "\xce\xa3\xce\x9f\xce\xa6\xce\x99\xce\x91",
	  "\xcf\x83\xce\xbf\xcf\x86\xce\xb9\xce\xb1", true },
	/* Chinese has no case: plain substring */
	{ "\xe4\xb8\xad\xe6\x96\x87", "\xe8\xbf\x99\xe6\x98\xaf\xe4\xb8"
	  "\xad\xe6\x96\x87\xe9\x82\xae\xe4\xbb\xb6", true },
	{ "\xe4\xb8\xad\xe6\x96\x87", "\xe4\xb8\xad\xe5\x9b\xbd", false },
	/* a key byte sequence must not match inside another character */
	{ "\xad", "\xe4\xb8\xad", false },
	{ "\xef\xbf\xbd", "a\xff" "b", true },
};

static void test_message_search_whole(void)
{
	pool_t pool = pool_alloconly_create("test search", 1024);
	struct message_search *search;
	unsigned int i;

	test_begin("message search whole");
	for (i = 0; i < N_ELEMENTS(message_search_tests); i++) {
		const char *text = message_search_tests[i].text;

		search = message_search_init(pool,
					     message_search_tests[i].key);
		test_assert_idx(message_search_is_in(search, (const void *)text,
			strlen(text)) == message_search_tests[i].match, i);
		test_assert_idx(message_search_has_matched(search) ==
				message_search_tests[i].match, i);
	}
	pool_unref(&pool);
	test_end();
}

/* Feeds text split at every pair of offsets. */
static void test_message_search_split(void)
{
	pool_t pool = pool_alloconly_create("test search", 1024);
	struct message_search *search;
	unsigned int i;
	size_t len, a, b;

	test_begin("message search split at every offset");
	for (i = 0; i < N_ELEMENTS(message_search_tests); i++) {
		const unsigned char *text =
			(const void *)message_search_tests[i].text;

		len = strlen(message_search_tests[i].text);
		search = message_search_init(pool,
					     message_search_tests[i].key);
		for (a = 0; a <= len; a++) {
			for (b = a; b <= len; b++) {
				message_search_reset(search);
				message_search_more(search, text, a);
				message_search_more(search, text + a, b - a);
				message_search_more(search, text + b, len - b);
				test_assert_idx(
					message_search_has_matched(search) ==
					message_search_tests[i].match,
					i * 10000 + a * 100 + b);
			}
		}
	}
	pool_unref(&pool);
	test_end();
}

static void test_message_search_reset(void)
{
	pool_t pool = pool_alloconly_create("test search", 1024);
	struct message_search *search;

	test_begin("message search reset");
	search = message_search_init(pool, "key");
	message_search_more(search, (const void *)"ke", 2);
	message_search_reset(search);
	message_search_more(search, (const void *)"y", 1);
	test_assert(!message_search_has_matched(search));
	message_search_more(search, (const void *)"KEY", 3);
	test_assert(message_search_has_matched(search));
	/* an empty key matches only once text (a header) was fed */
	search = message_search_init(pool, "");
	message_search_reset(search);
	test_assert(!message_search_has_matched(search));
	message_search_more(search, (const void *)"", 0);
	test_assert(message_search_has_matched(search));
	pool_unref(&pool);
	test_end();
}

void test_message_search(void)
{
	test_message_search_whole();
	test_message_search_split();
	test_message_search_reset();
}
