/* Copyright (c) Cove authors. See AUTHORS. */
/* Tests for llist.h. */

#include "lib.h"
#include "str.h"
#include "llist.h"
#include "test-lib.h"

struct test_llist_item {
	struct test_llist_item *prev, *next;
	unsigned int id;
};

/* Checks that list holds exactly the ids of expected, in order, with
   prev pointers that mirror next, and that *tail (unless tail is NULL)
   is its last item. */
static void test_llist_check(struct test_llist_item *list,
			     struct test_llist_item *const *tail,
			     const char *expected)
{
	struct test_llist_item *prev = NULL;
	string_t *str = t_str_new(16);

	for (struct test_llist_item *item = list; item != NULL;
	     item = item->next) {
		test_assert(item->prev == prev);
		str_printfa(str, "%u", item->id);
		prev = item;
	}
	test_assert(tail == NULL || *tail == prev);
	test_assert_strcmp(str_c(str), expected);
}

struct test_llist_op {
	/* prepend, or else remove */
	bool prepend;
	unsigned int idx;
	/* the ids in the list afterwards */
	const char *expected;
};

void test_llist(void)
{
	static const struct test_llist_op ops[] = {
		{ true, 0, "0" },
		{ true, 1, "10" },
		{ true, 2, "210" },
		/* remove the middle, the head, the tail, the only item */
		{ false, 1, "20" },
		{ false, 2, "0" },
		{ true, 1, "10" },
		{ false, 0, "1" },
		{ false, 1, "" },
	};
	struct test_llist_item items[3] = {
		{ .id = 0 }, { .id = 1 }, { .id = 2 },
	};
	struct test_llist_item *list = NULL, *list2 = NULL, *tail = NULL;
	struct test_llist_item *item;

	test_begin("llist");
	for (unsigned int i = 0; i < N_ELEMENTS(ops); i++) {
		item = &items[ops[i].idx];
		if (ops[i].prepend)
			DLLIST_PREPEND(&list, item);
		else
			DLLIST_REMOVE(&list, item);
		test_llist_check(list, NULL, ops[i].expected);
	}
	test_assert(list == NULL);
	/* the same operations with a tail */
	for (unsigned int i = 0; i < N_ELEMENTS(ops); i++) {
		item = &items[ops[i].idx];
		if (ops[i].prepend)
			DLLIST2_PREPEND(&list2, &tail, item);
		else
			DLLIST2_REMOVE(&list2, &tail, item);
		test_llist_check(list2, &tail, ops[i].expected);
	}
	test_assert(list2 == NULL && tail == NULL);
	test_end();
}
