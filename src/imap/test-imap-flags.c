/* Copyright (c) Cove authors. See AUTHORS. */

/* Tests for imap-flags. */

#include "lib.h"
#include "str.h"
#include "imap-flags.h"
#include "test-imap.h"

void test_imap_flags_write(void)
{
	static const struct {
		enum mail_flags flags;
		const char *output;
	} tests[] = {
		{ 0, "()" },
		{ MAIL_SEEN, "(\\Seen)" },
		{ MAIL_SEEN | MAIL_RECENT | MAIL_ANSWERED,
		  "(\\Answered \\Seen \\Recent)" },
		{ MAIL_FLAGS_NONRECENT,
		  "(\\Answered \\Flagged \\Deleted \\Seen \\Draft)" },
	};
	string_t *str = t_str_new(64);
	unsigned int i;

	test_begin("imap flags write");
	for (i = 0; i < N_ELEMENTS(tests); i++) {
		str_truncate(str, 0);
		str_append(str, "x");
		imap_flags_write(str, tests[i].flags);
		test_assert_strcmp(str_c(str) + 1, tests[i].output);
	}
	test_end();
}

void test_imap_flags_parse(void)
{
	static const struct {
		const char *input;
		int ret;
		enum mail_flags flags;
	} tests[] = {
		{ "", 0, 0 },
		{ "\\Seen", 0, MAIL_SEEN },
		{ "\\seen \\DELETED", 0, MAIL_SEEN | MAIL_DELETED },
		{ "\\Answered \\Flagged \\Draft $Forwarded", 0,
		  MAIL_ANSWERED | MAIL_FLAGGED | MAIL_DRAFT },
		{ "\\Recent", -1, 0 },
		{ "\\Foo", -1, 0 },
		{ "\"\\\\Seen\"", -1, 0 },
		{ "(\\Seen)", -1, 0 },
	};
	enum mail_flags flags;
	const char *error;
	unsigned int i;

	test_begin("imap flags parse");
	for (i = 0; i < N_ELEMENTS(tests); i++) T_BEGIN {
		flags = 0;
		test_assert_idx(imap_flags_parse(
			test_imap_args_parse(tests[i].input), &flags,
			&error) == tests[i].ret, i);
		test_assert_idx(flags == tests[i].flags, i);
	} T_END;
	test_imap_args_free();
	test_end();
}
