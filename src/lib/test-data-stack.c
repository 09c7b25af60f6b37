/* Copyright (c) Cove authors. See AUTHORS. */
/* Tests for data-stack.c. */

#include "lib.h"
#include "test-lib.h"

static void test_data_stack_nested(unsigned int depth)
{
	unsigned char *mem = t_malloc(depth * 100 + 1);

	memset(mem, (int)depth, depth * 100 + 1);
	if (depth < 20) {
		T_BEGIN {
			test_data_stack_nested(depth + 1);
		} T_END;
	}
	/* the inner frames did not overwrite this frame's memory */
	for (unsigned int i = 0; i <= depth * 100; i++) {
		if (mem[i] != (unsigned char)depth) {
			test_assert_idx(mem[i] == (unsigned char)depth, depth);
			break;
		}
	}
}

void test_data_stack(void)
{
	unsigned int frame = data_stack_get_frame_id();

	test_begin("data stack");
	test_data_stack_nested(0);
	test_assert(data_stack_get_frame_id() == frame);

	T_BEGIN {
		/* grow in place: the last allocation */
		char *p = t_malloc(10);
		memcpy(p, "123456789", 10);
		char *p2 = t_realloc(p, 10, 1000);
		test_assert(p2 == p);
		test_assert_strcmp(p2, "123456789");
		/* not the last allocation any more: copied */
		(void)t_malloc(1);
		char *p3 = t_realloc(p2, 1000, 2000);
		test_assert(p3 != p2);
		test_assert_strcmp(p3, "123456789");
		/* larger than a block */
		unsigned char *big = t_malloc(1024 * 1024);
		test_assert(big[0] == 0 && big[1024 * 1024 - 1] == 0);
		memset(big, 0xff, 1024 * 1024);
	} T_END;

	/* memory after pop is reused and comes back zeroed */
	unsigned char *z1, *z2;
	T_BEGIN {
		z1 = t_malloc(64);
		memset(z1, 0xaa, 64);
	} T_END;
	T_BEGIN {
		z2 = t_malloc(64);
		test_assert(z1 == z2);
		test_assert(z2[0] == 0 && z2[63] == 0);
	} T_END;

	unsigned int id1 = t_push("a");
	unsigned int id2 = t_push("b");
	test_assert(id2 == id1 + 1);
	t_pop(&id2);
	t_pop(&id1);
	test_assert(data_stack_get_frame_id() == frame);
	test_end();
}

enum fatal_test_state fatal_data_stack(unsigned int stage)
{
	unsigned int id;

	switch (stage) {
	case 0:
		test_begin("fatal data stack");
		id = t_push("outer");
		(void)t_push("inner");
		test_expect_fatal_string("is not the innermost");
		t_pop(&id);
		return FATAL_TEST_FAILURE;
	}
	test_end();
	return FATAL_TEST_FINISHED;
}
