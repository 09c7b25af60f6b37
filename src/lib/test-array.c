/* Copyright (c) Cove authors. See AUTHORS. */
/* Tests for array.c and the array.h macros. */

#include "lib.h"
#include "array.h"
#include "test-lib.h"

struct test_item {
	unsigned int num;
	const char *name;
};

static int test_item_cmp(const struct test_item *i1,
			 const struct test_item *i2)
{
	return i1->num < i2->num ? -1 : (i1->num > i2->num ? 1 : 0);
}

void test_array(void)
{
	ARRAY(struct test_item) items;
	ARRAY_TYPE(uint32_t) nums;
	struct test_item item;

	test_begin("array");
	i_array_init(&items, 2);
	test_assert(array_is_created(&items));
	test_assert(array_is_empty(&items));
	for (unsigned int i = 0; i < 10; i++) {
		item.num = 10 - i;
		item.name = "x";
		array_push_back(&items, &item);
	}
	test_assert(array_count(&items) == 10);
	test_assert(array_idx(&items, 0)->num == 10);
	test_assert(array_back(&items)->num == 1);
	array_sort(&items, test_item_cmp);
	test_assert(array_front(&items)->num == 1);
	item.num = 7;
	const struct test_item *found =
		array_bsearch(&items, &item, test_item_cmp);
	test_assert(found != NULL && found->num == 7);

	unsigned int sum = 0;
	array_foreach(&items, it) {
		sum += it->num;
		test_assert(array_foreach_idx(&items, it) + 1 == it->num);
	}
	test_assert(sum == 55);
	array_foreach_modifiable(&items, it)
		it->num *= 2;
	test_assert(array_idx_elem(&items, 0).num == 2);

	array_delete(&items, 0, 2);
	test_assert(array_count(&items) == 8);
	test_assert(array_front(&items)->num == 6);
	item.num = 1;
	array_insert(&items, 1, &item);
	test_assert(array_idx(&items, 1)->num == 1);
	test_assert(array_idx(&items, 2)->num == 8);
	struct test_item *space = array_append_space(&items);
	test_assert(space->num == 0 && space->name == NULL);
	unsigned int count;
	const struct test_item *all = array_get(&items, &count);
	test_assert(count == 10 && all[9].num == 0);
	array_idx_modifiable(&items, 9)->num = 99;
	test_assert(array_back(&items)->num == 99);
	array_clear(&items);
	test_assert(array_count(&items) == 0);
	array_free(&items);
	test_assert(!array_is_created(&items));

	t_array_init(&nums, 1);
	for (uint32_t i = 0; i < 1000; i++)
		array_push_back(&nums, &i);
	test_assert(array_idx_elem(&nums, 999) == 999);
	test_end();
}

enum fatal_test_state fatal_array(unsigned int stage)
{
	ARRAY(unsigned int) nums;
	unsigned int num = 1;

	switch (stage) {
	case 0:
		test_begin("fatal array");
		t_array_init(&nums, 4);
		array_push_back(&nums, &num);
		test_expect_fatal_string("assertion failed");
		(void)array_idx(&nums, 1);
		return FATAL_TEST_FAILURE;
	}
	test_end();
	return FATAL_TEST_FINISHED;
}
