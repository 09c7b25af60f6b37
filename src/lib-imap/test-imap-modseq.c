/* Copyright (c) Cove authors. See AUTHORS. */

/* Tests for imap-modseq. */

#include "lib.h"
#include "imap-modseq.h"
#include "test-lib-imap.h"

void test_imap_modseq_parse(void)
{
	static const struct {
		const char *input;
		bool allow_zero;
		bool ret;
		uint64_t modseq;
	} tests[] = {
		{ "1", false, true, 1 },
		{ "12345", false, true, 12345 },
		{ "9223372036854775807", false, true, IMAP_MODSEQ_MAX },
		{ "9223372036854775808", false, false, 0 },
		{ "18446744073709551616", false, false, 0 },
		{ "0", false, false, 0 },
		{ "0", true, true, 0 },
		{ "", true, false, 0 },
		{ "-1", true, false, 0 },
		{ "+1", true, false, 0 },
		{ "1x", true, false, 0 },
		{ "x", true, false, 0 },
		{ " 1", true, false, 0 },
	};
	uint64_t modseq;
	bool ret;

	test_begin("imap modseq parse");
	for (unsigned int i = 0; i < N_ELEMENTS(tests); i++) {
		modseq = 0;
		ret = imap_modseq_parse(tests[i].input, tests[i].allow_zero,
					&modseq);
		test_assert_idx(ret == tests[i].ret, i);
		if (ret)
			test_assert_idx(modseq == tests[i].modseq, i);
	}
	test_end();
}
