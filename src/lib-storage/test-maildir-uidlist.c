/* Copyright (c) Cove authors. See AUTHORS. */

/* Tests for the maildir uidlist: write/read, and recovery from missing or
   corrupt files. */

#include "lib.h"
#include "maildir-uidlist.h"
#include "test-storage-common.h"

static struct maildir_uidlist *test_uidlist_open(const char *dir)
{
	struct maildir_uidlist *uidlist = maildir_uidlist_init(dir, false);
	const char *error;

	test_assert(maildir_uidlist_refresh(uidlist, &error) == 1);
	return uidlist;
}

static void test_uidlist_write_read(const char *dir)
{
	struct maildir_uidlist *uidlist, *uidlist2;
	const struct maildir_uidlist_rec *recs;
	const char *error, *path;
	unsigned int count;
	uint32_t uidvalidity;

	path = t_strconcat(dir, "/" MAILDIR_UIDLIST_NAME, NULL);
	uidlist = test_uidlist_open(dir);
	uidvalidity = maildir_uidlist_get_uidvalidity(uidlist);
	test_assert(uidvalidity != 0);
	test_assert(maildir_uidlist_get_next_uid(uidlist) == 1);
	test_assert(maildir_uidlist_is_dirty(uidlist));

	test_assert(maildir_uidlist_get_highest_modseq(uidlist) == 1);
	test_assert(maildir_uidlist_lock(uidlist, &error) == 1);
	test_assert(maildir_uidlist_add(uidlist, "a", 0) == 1);
	test_assert(maildir_uidlist_add(uidlist, "b", 1) == 2);
	test_assert(maildir_uidlist_add(uidlist, "c", 0x21) == 3);
	maildir_uidlist_drop(uidlist, 1);
	test_assert(maildir_uidlist_get_expunge_modseq(uidlist) == 5);
	/* the same state keeps its modseq, another gets the next */
	test_assert(maildir_uidlist_set_state(uidlist, 0, 0) == 2);
	test_assert(maildir_uidlist_set_state(uidlist, 2, 0x8) == 5);
	test_assert(maildir_uidlist_unlock(uidlist, &error) == 0);
	test_assert(!maildir_uidlist_is_dirty(uidlist));
	test_assert_strcmp(test_storage_read_file(path), t_strdup_printf(
		"V%u N4 M5 X5\n1 2 0 a\n3 5 8 c\n", uidvalidity));
	/* the next lock takes the next modseq (the dropped record is gone
	   from the list now) */
	test_assert(maildir_uidlist_lock(uidlist, &error) == 1);
	test_assert(maildir_uidlist_set_state(uidlist, 0, 0x1) == 6);
	test_assert(maildir_uidlist_set_state(uidlist, 1, 0x2) == 6);
	test_assert(maildir_uidlist_unlock(uidlist, &error) == 0);
	/* our own write is not reread */
	test_assert(maildir_uidlist_refresh(uidlist, &error) == 0);

	uidlist2 = test_uidlist_open(dir);
	test_assert(maildir_uidlist_get_uidvalidity(uidlist2) == uidvalidity);
	test_assert(maildir_uidlist_get_next_uid(uidlist2) == 4);
	test_assert(maildir_uidlist_lookup(uidlist2, "a") == 1);
	test_assert(maildir_uidlist_lookup(uidlist2, "b") == 0);
	test_assert(maildir_uidlist_lookup(uidlist2, "c") == 3);
	recs = maildir_uidlist_get_recs(uidlist2, &count);
	test_assert(count == 2 && recs[0].uid == 1 && recs[1].uid == 3);
	test_assert(recs[0].modseq == 6 && recs[0].state == 0x1);
	test_assert(recs[1].modseq == 6 && recs[1].state == 0x2);
	test_assert(maildir_uidlist_get_highest_modseq(uidlist2) == 6);
	test_assert(maildir_uidlist_get_expunge_modseq(uidlist2) == 5);

	/* the second instance adds; the first sees it */
	test_assert(maildir_uidlist_lock(uidlist2, &error) == 1);
	test_assert(maildir_uidlist_add(uidlist2, "d", 0) == 4);
	test_assert(maildir_uidlist_unlock(uidlist2, &error) == 0);
	test_assert(maildir_uidlist_refresh(uidlist, &error) == 1);
	test_assert(maildir_uidlist_lookup(uidlist, "d") == 4);
	test_assert(maildir_uidlist_get_next_uid(uidlist) == 5);
	test_assert(maildir_uidlist_get_highest_modseq(uidlist) == 7);
	maildir_uidlist_deinit(&uidlist);
	maildir_uidlist_deinit(&uidlist2);
}

struct uidlist_corrupt_test {
	const char *contents;
	/* expected; uidvalidity 0 = a new one */
	uint32_t uidvalidity;
	uint32_t next_uid;
	const char *bases;	/* "base=uid ..." that must be found */
	bool dirty;
};

static const struct uidlist_corrupt_test uidlist_corrupt_tests[] = {
	{ "", 0, 1, "", true },
	{ "garbage\n1 a\n", 0, 1, "", true },
	{ "V0 N5\n1 a\n", 0, 1, "", true },
	{ "V123 N5\n1 a\n", 123, 5, "a=1", false },
	/* bad lines skipped, next uid raised past the highest */
	{ "V123 N2\n1 a\nxx\n7 b\n0 c\n3 d\n8\n9 \n", 123, 8, "a=1 b=7",
	  true },
	/* unsorted and duplicate lines skipped */
	{ "V123 N9\n5 a\n4 b\n6 a\n6 c\n", 123, 9, "a=5 c=6", true },
	/* an unfinished last line is not used */
	{ "V123 N9\n5 a\n6 b", 123, 9, "a=5", true },
	/* no newline at all */
	{ "V123 N9", 0, 1, "", true },
	/* with modseqs: a modseq above M, a bad modseq or state, a missing
	   field are skipped */
	{ "V123 N9 M10 X4\n5 7 1f a\n6 11 0 b\n7 x 0 c\n8 3 g d\n"
	  "9 3 e\n10 3 123456789 f\n11 10 Ab g\n12 10 ab h\n", 123, 13,
	  "a=5 h=12", true },
	{ "V123 N9 M10 X4\n5 7 1f a\n", 123, 9, "a=5", false },
	/* an expunge above the highest modseq */
	{ "V123 N9 M10 X11\n5 7 1f a\n", 0, 1, "", true },
};

static void test_uidlist_corrupt(const char *dir)
{
	const char *path = t_strconcat(dir, "/" MAILDIR_UIDLIST_NAME, NULL);
	struct maildir_uidlist *uidlist;
	const char *const *bases, *error;
	unsigned int uid;

	for (unsigned int i = 0; i < N_ELEMENTS(uidlist_corrupt_tests); i++) {
		const struct uidlist_corrupt_test *t =
			&uidlist_corrupt_tests[i];

		test_storage_write_file(path, t->contents, 0);
		uidlist = test_uidlist_open(dir);
		test_assert_idx(maildir_uidlist_is_dirty(uidlist) == t->dirty,
				i);
		if (t->uidvalidity == 0) {
			test_assert_idx(maildir_uidlist_get_uidvalidity(
				uidlist) != 0, i);
		} else {
			test_assert_idx(maildir_uidlist_get_uidvalidity(
				uidlist) == t->uidvalidity, i);
		}
		test_assert_idx(maildir_uidlist_get_next_uid(uidlist) ==
				t->next_uid, i);
		bases = t_strsplit_spaces(t->bases, " ");
		for (; *bases != NULL; bases++) {
			const char *eq = strchr(*bases, '=');

			test_assert_idx(str_to_uint(eq + 1, &uid) == 0, i);
			test_assert_idx(maildir_uidlist_lookup(uidlist,
				t_strndup(*bases, eq - *bases)) == uid, i);
		}
		/* rewriting gives a clean file */
		test_assert_idx(maildir_uidlist_lock(uidlist, &error) == 1, i);
		test_assert_idx(maildir_uidlist_unlock(uidlist,
						       &error) == 0, i);
		maildir_uidlist_deinit(&uidlist);
		uidlist = test_uidlist_open(dir);
		test_assert_idx(!maildir_uidlist_is_dirty(uidlist), i);
		test_assert_idx(maildir_uidlist_get_next_uid(uidlist) ==
				t->next_uid, i);
		maildir_uidlist_deinit(&uidlist);
	}
}

void test_maildir_uidlist(void)
{
	const char *dir;

	test_begin("maildir uidlist");
	dir = test_storage_mkdtemp();
	test_uidlist_write_read(dir);
	test_uidlist_corrupt(dir);
	test_storage_rmdir(dir);
	test_end();
}
