/* Copyright (c) Cove authors. See AUTHORS. */
/* Tests for message-subject.c. */

#include "lib.h"
#include "str.h"
#include "message-subject.h"
#include "test-lib-mail.h"

static void test_message_subject_get_base(void)
{
	static const struct {
		const char *input;
		const char *base;
		bool refwd;
	} tests[] = {
		{ "", "", false },
		{ "Hello", "HELLO", false },
		{ "  hello \t\r\n  world  ", "HELLO WORLD", false },
		{ "Re: hello", "HELLO", true },
		{ "RE:hello", "HELLO", true },
		{ "re : hello", "HELLO", true },
		{ "Fw: hello", "HELLO", true },
		{ "Fwd: Re: Fwd: hello", "HELLO", true },
		{ "Re[2]: hello", "HELLO", true },
		{ "Re [2]: hello", "HELLO", true },
		{ "[list] Re: hello", "HELLO", true },
		{ "[list] hello", "HELLO", false },
		{ "[list]", "[LIST]", false },
		{ "[a] [b]", "[B]", false },
		{ "[a][b] Re: x", "X", true },
		{ "hello (fwd)", "HELLO", true },
		{ "hello (fwd) (FWD)  ", "HELLO", true },
		{ "[Fwd: hello]", "HELLO", true },
		{ "[fwd: Re: hello (fwd)]", "HELLO", true },
		{ "Re: [fwd: hello]", "HELLO", true },
		{ "[fwd: hello", "[FWD: HELLO", false },
		{ "Reply: hello", "REPLY: HELLO", false },
		{ "Re hello", "RE HELLO", false },
		{ "Re:", "", true },
		{ "=?utf-8?q?Re=3A_caf=C3=A9?=", "CAF\xc3\xa9", true },
		{ "=?iso-8859-1?q?a?= =?iso-8859-1?q?b?=", "AB", false },
	};
	unsigned int i;
	string_t *str = t_str_new(64);
	bool refwd;

	test_begin("message subject get base");
	for (i = 0; i < N_ELEMENTS(tests); i++) {
		str_truncate(str, 0);
		refwd = message_subject_get_base(
			(const void *)tests[i].input, strlen(tests[i].input),
			str);
		test_assert_idx(strcmp(str_c(str), tests[i].base) == 0, i);
		test_assert_idx(refwd == tests[i].refwd, i);
	}
	test_end();
}

void test_message_subject(void)
{
	test_message_subject_get_base();
}
