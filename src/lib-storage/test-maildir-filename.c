/* Copyright (c) Cove authors. See AUTHORS. */

/* Tests for maildir file name parsing and building. */

#include "lib.h"
#include "maildir-filename.h"
#include "test-storage-common.h"

struct maildir_filename_test {
	const char *name;
	size_t base_len;
	int physical, virtual;	/* -1: not in the name */
	enum mail_flags flags;
};

static const struct maildir_filename_test maildir_filename_tests[] = {
	{ "1700000000.M1P2Q3.host,S=100,W=104:2,FS", 34, 100, 104,
	  MAIL_FLAGGED | MAIL_SEEN },
	{ "1700000000.M1P2Q3.host,S=100,W=104", 34, 100, 104, 0 },
	{ "1700000000.M1P2Q3.host:2,", 22, -1, -1, 0 },
	{ "1700000000.M1P2Q3.host,W=5:2,DRT", 26, -1, 5,
	  MAIL_DRAFT | MAIL_ANSWERED | MAIL_DELETED },
	/* unknown letters and keywords are no flags */
	{ "x:2,Sab", 1, -1, -1, MAIL_SEEN },
	/* other info versions carry no flags */
	{ "x:1,S", 1, -1, -1, 0 },
	{ "plainname", 9, -1, -1, 0 },
	{ "12345", 5, -1, -1, 0 },
	/* broken sizes are ignored */
	{ "a,S=,W=12x:2,S", 10, -1, -1, MAIL_SEEN },
	{ "a,S=99999999999999999999999,W=1", 31, -1, 1, 0 },
	{ "a,S=1,S", 7, 1, -1, 0 },
	{ "", 0, -1, -1, 0 },
	{ ":2,S", 0, -1, -1, MAIL_SEEN },
};

struct maildir_info_test {
	const char *old_info;
	enum mail_flags flags;
	const char *new_info;
};

static const struct maildir_info_test maildir_info_tests[] = {
	{ "", 0, ":2," },
	{ "", MAIL_SEEN | MAIL_FLAGGED, ":2,FS" },
	{ ":2,S", MAIL_DELETED | MAIL_SEEN | MAIL_DRAFT | MAIL_ANSWERED |
	  MAIL_FLAGGED | MAIL_RECENT, ":2,DFRST" },
	{ ":2,Sab", MAIL_ANSWERED, ":2,Rab" },
	{ ":2,baS", 0, ":2,ab" },
	{ ":2,PT", MAIL_SEEN, ":2,PS" },
	{ ":1,xyz", MAIL_SEEN, ":2,S" },
};

/* Each row: the first name was delivered before the second. */
static const char *const maildir_order_tests[][2] = {
	{ "1700000000.M99P5Q1.host", "1700000000.M100P5Q2.host" },
	{ "1700000000.M999999P5Q1.host", "1700000001.M5P5Q2.host" },
	{ "999999999.M1P1.host", "1000000000.M1P1.host" },
	{ "1700000000.M7P10.host", "1700000000.M7P9.host" },
	{ "1700000000.other", "1700000000.xother" },
	{ "1700000000.M5P1.host", "cur-mutt-file" },
};

void test_maildir_filename(void)
{
	struct maildir_filename fname;
	const char *name1, *name2;

	test_begin("maildir filename");
	for (unsigned int i = 0; i < N_ELEMENTS(maildir_filename_tests); i++) {
		const struct maildir_filename_test *t =
			&maildir_filename_tests[i];

		test_assert_idx(maildir_filename_base_len(t->name) ==
				t->base_len, i);
		maildir_filename_parse(t->name, &fname);
		test_assert_idx(fname.have_physical_size ==
				(t->physical >= 0), i);
		if (t->physical >= 0) {
			test_assert_idx(fname.physical_size ==
					(uoff_t)t->physical, i);
		}
		test_assert_idx(fname.have_virtual_size ==
				(t->virtual >= 0), i);
		if (t->virtual >= 0) {
			test_assert_idx(fname.virtual_size ==
					(uoff_t)t->virtual, i);
		}
		test_assert_idx(fname.flags == t->flags, i);
	}
	for (unsigned int i = 0; i < N_ELEMENTS(maildir_info_tests); i++) {
		const struct maildir_info_test *t = &maildir_info_tests[i];

		test_assert_strcmp(maildir_filename_info_set_flags(
			t->old_info, t->flags), t->new_info);
	}
	for (unsigned int i = 0; i < N_ELEMENTS(maildir_order_tests); i++) {
		const char *const *t = maildir_order_tests[i];

		test_assert_idx(maildir_filename_base_cmp(t[0], t[1]) < 0, i);
		test_assert_idx(maildir_filename_base_cmp(t[1], t[0]) > 0, i);
	}
	test_assert(maildir_filename_base_cmp("1.M5P1.h", "1.M5P1.h") == 0);
	name1 = maildir_filename_generate();
	name2 = maildir_filename_generate();
	test_assert(strcmp(name1, name2) != 0);
	test_assert(strchr(name1, ':') == NULL && strchr(name1, '/') == NULL);
	test_assert(maildir_filename_base_len(name1) == strlen(name1));
	test_end();
}
