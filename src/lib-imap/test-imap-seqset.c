/* Copyright (c) Cove authors. See AUTHORS. */

/* Tests for imap-seqset. */

#include "lib.h"
#include "str.h"
#include "array.h"
#include "imap-seqset.h"
#include "test-lib-imap.h"

static const char *test_seqset_to_str(const ARRAY_TYPE(seq_range) *ranges)
{
	string_t *str = t_str_new(64);

	array_foreach(ranges, r) {
		if (str_len(str) > 0)
			str_append_c(str, ',');
		str_printfa(str, "%u:%u", r->seq1, r->seq2);
	}
	return str_c(str);
}

void test_imap_seqset_parse(void)
{
	static const struct {
		const char *input;
		uint32_t star;
		/* NULL = error */
		const char *output;
	} tests[] = {
		{ "1", 10, "1:1" },
		{ "1:3,5,7:*", 10, "1:3,5:5,7:10" },
		{ "*", 10, "10:10" },
		{ "*:4", 10, "4:10" },
		{ "5:2", 10, "2:5" },
		{ "7,1:3,2,4", 10, "1:4,7:7" },
		{ "1:*", 0, "0:1" },
		{ "4294967295", 3, "4294967295:4294967295" },
		{ "1:4294967295,5", 3, "1:4294967295" },
		{ "3:4294967295,1:2", 3, "1:4294967295" },
		{ "0", 10, NULL },
		{ "1:0", 10, NULL },
		{ "4294967296", 10, NULL },
		{ "", 10, NULL },
		{ ",1", 10, NULL },
		{ "1,", 10, NULL },
		{ "1:", 10, NULL },
		{ "1::2", 10, NULL },
		{ "1 2", 10, NULL },
		{ "a", 10, NULL },
		{ "-1", 10, NULL },
		{ "**", 10, NULL },
	};
	ARRAY_TYPE(seq_range) ranges;
	const char *error;
	unsigned int i;
	int ret;

	test_begin("imap seqset parse");
	t_array_init(&ranges, 4);
	for (i = 0; i < N_ELEMENTS(tests); i++) T_BEGIN {
		ret = imap_seqset_parse(tests[i].input, tests[i].star,
					&ranges, &error);
		if (tests[i].output == NULL) {
			test_assert_idx(ret == -1, i);
		} else {
			test_assert_idx(ret == 0, i);
			test_assert_strcmp(test_seqset_to_str(&ranges),
					   tests[i].output);
		}
	} T_END;
	test_end();
}

void test_imap_seqset_contains(void)
{
	ARRAY_TYPE(seq_range) ranges;
	string_t *str = t_str_new(IMAP_SEQSET_MAX_RANGES * 4);
	const char *error;
	unsigned int i;

	test_begin("imap seqset contains");
	t_array_init(&ranges, 4);
	test_assert(imap_seqset_parse("2:4,8,10:*", 20, &ranges,
				      &error) == 0);
	test_assert(!imap_seqset_contains(&ranges, 1));
	test_assert(imap_seqset_contains(&ranges, 2));
	test_assert(imap_seqset_contains(&ranges, 4));
	test_assert(!imap_seqset_contains(&ranges, 5));
	test_assert(imap_seqset_contains(&ranges, 8));
	test_assert(!imap_seqset_contains(&ranges, 9));
	test_assert(imap_seqset_contains(&ranges, 20));
	test_assert(!imap_seqset_contains(&ranges, 21));

	/* appending extends the last range or starts one */
	array_clear(&ranges);
	imap_seqset_append(&ranges, 3);
	imap_seqset_append(&ranges, 4);
	imap_seqset_append(&ranges, 6);
	test_assert(array_count(&ranges) == 2);
	test_assert(array_idx(&ranges, 0)->seq1 == 3 &&
		    array_idx(&ranges, 0)->seq2 == 4);
	test_assert(array_idx(&ranges, 1)->seq1 == 6 &&
		    array_idx(&ranges, 1)->seq2 == 6);

	/* the number of ranges is bounded */
	for (i = 1; i <= IMAP_SEQSET_MAX_RANGES; i++)
		str_printfa(str, "%u,", i * 2);
	str_truncate(str, str_len(str) - 1);
	test_assert(imap_seqset_parse(str_c(str), 1, &ranges, &error) == 0);
	test_assert(array_count(&ranges) == IMAP_SEQSET_MAX_RANGES);
	str_append(str, ",1");
	test_assert(imap_seqset_parse(str_c(str), 1, &ranges, &error) < 0);
	test_end();
}
