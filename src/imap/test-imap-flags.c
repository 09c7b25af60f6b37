/* Copyright (c) Cove authors. See AUTHORS. */

/* Tests for imap-flags. */

#include "lib.h"
#include "array.h"
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
		const char *keywords;
	} tests[] = {
		{ "", 0, 0, "" },
		{ "\\Seen", 0, MAIL_SEEN, "" },
		{ "\\seen \\DELETED", 0, MAIL_SEEN | MAIL_DELETED, "" },
		{ "\\Answered \\Flagged \\Draft $Forwarded", 0,
		  MAIL_ANSWERED | MAIL_FLAGGED | MAIL_DRAFT, "$Forwarded" },
		{ "$Label1 \\Seen Junk", 0, MAIL_SEEN, "$Label1 Junk" },
		{ "\\Recent", -1, 0, "" },
		{ "\\Foo", -1, 0, "" },
		{ "\"\\\\Seen\"", -1, 0, "" },
		{ "(\\Seen)", -1, 0, "" },
		{ "\"$Label1\"", -1, 0, "" },
		{ "a[b]", -1, 0, "" },
	};
	ARRAY_TYPE(const_string) keywords;
	enum mail_flags flags;
	const char *error;
	unsigned int i;

	test_begin("imap flags parse");
	for (i = 0; i < N_ELEMENTS(tests); i++) T_BEGIN {
		flags = 0;
		t_array_init(&keywords, 4);
		test_assert_idx(imap_flags_parse(
			test_imap_args_parse(tests[i].input), &flags,
			&keywords, &error) == tests[i].ret, i);
		test_assert_idx(flags == tests[i].flags, i);
		if (tests[i].ret == 0) {
			array_push_back(&keywords, &(const char *){ NULL });
			test_assert_strcmp(t_strarray_join(
				array_front(&keywords), " "),
				tests[i].keywords);
		}
	} T_END;
	/* without a keyword array, keywords are errors */
	test_assert(imap_flags_parse(test_imap_args_parse("\\Seen $Label1"),
				     &flags, NULL, &error) < 0);
	test_imap_args_free();
	test_end();
}

void test_imap_flags_write_keywords(void)
{
	static const char *const names[] = { "$Label1", NULL, "Junk" };
	string_t *str = t_str_new(64);

	test_begin("imap flags write keywords");
	imap_flags_write_keywords(str, MAIL_SEEN, 0x7, names, 3);
	test_assert_strcmp(str_c(str), "(\\Seen $Label1 Junk)");
	str_truncate(str, 0);
	imap_flags_write_keywords(str, 0, 0x5, names, 3);
	test_assert_strcmp(str_c(str), "($Label1 Junk)");
	str_truncate(str, 0);
	/* bits without a name and beyond the names are not shown */
	imap_flags_write_keywords(str, MAIL_DRAFT, 0x2 | 0x8, names, 3);
	test_assert_strcmp(str_c(str), "(\\Draft)");
	test_end();
}
