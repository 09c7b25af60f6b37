/* Copyright (c) Cove authors. See AUTHORS. */
/* Tests for hash.c. */

#include "lib.h"
#include "hash.h"
#include "test-lib.h"

static void test_hash_str(pool_t pool)
{
	struct hash_table *table = hash_table_create_str(pool, false);
	const char **keys = t_new(const char *, 1000);
	const void *key;
	void *value;

	for (unsigned int i = 0; i < 1000; i++) {
		keys[i] = t_strdup_printf("key%u", i);
		hash_table_update(table, keys[i], POINTER_CAST(i + 1));
	}
	test_assert(hash_table_count(table) == 1000);
	for (unsigned int i = 0; i < 1000; i++) {
		value = hash_table_lookup(table, t_strdup_printf("key%u", i));
		test_assert_idx(value == POINTER_CAST(i + 1), i);
	}
	test_assert(hash_table_lookup(table, "KEY1") == NULL);
	test_assert(hash_table_lookup_full(table, "key5", &key, &value));
	test_assert(key == keys[5] && value == POINTER_CAST(6));
	test_assert(!hash_table_lookup_full(table, "nope", &key, &value));
	/* replace */
	hash_table_update(table, "key5", POINTER_CAST(5000));
	test_assert(hash_table_lookup(table, "key5") == POINTER_CAST(5000));
	test_assert(hash_table_count(table) == 1000);
	/* insert only when missing */
	test_assert(!hash_table_try_insert(table, "key5", POINTER_CAST(1)));
	test_assert(hash_table_lookup(table, "key5") == POINTER_CAST(5000));
	test_assert(hash_table_try_insert(table, "new", POINTER_CAST(2)));
	test_assert(hash_table_lookup(table, "new") == POINTER_CAST(2));
	test_assert(hash_table_remove(table, "new"));
	test_assert(hash_table_count(table) == 1000);

	/* iterate, removing every other key */
	struct hash_iterate_context *iter = hash_table_iterate_init(table);
	unsigned int seen = 0;
	while (hash_table_iterate(iter, &key, &value)) {
		if (seen++ % 2 == 0)
			test_assert(hash_table_remove(table, key));
	}
	hash_table_iterate_deinit(&iter);
	test_assert(iter == NULL);
	test_assert(seen == 1000);
	test_assert(hash_table_count(table) == 500);
	test_assert(!hash_table_remove(table, "nope"));

	hash_table_clear(table);
	test_assert(hash_table_count(table) == 0);
	test_assert(hash_table_lookup(table, "key1") == NULL);
	hash_table_update(table, "again", POINTER_CAST(1));
	test_assert(hash_table_lookup(table, "again") == POINTER_CAST(1));
	hash_table_destroy(&table);
	test_assert(table == NULL);
}

/* Random inserts and removals of direct keys against a plain array, so
   that long probe runs, wrap-around and the shifting on removal are all
   exercised; then iteration removing every key it returns. */
static void test_hash_random(void)
{
	enum { KEYS = 2000, STEPS = 20000 };
	struct hash_table *table = hash_table_create_direct(default_pool);
	bool *present = i_new(bool, KEYS);
	char *keys = i_new(char, KEYS);
	unsigned int count = 0, seed = 12345;
	const void *key;
	void *value;

	for (unsigned int step = 0; step < STEPS; step++) {
		seed = seed * 1103515245 + 12345;
		unsigned int k = (seed >> 8) % KEYS;

		if (present[k]) {
			test_assert_idx(hash_table_remove(table, &keys[k]), step);
			count--;
		} else {
			hash_table_update(table, &keys[k], POINTER_CAST(k + 1));
			count++;
		}
		present[k] = !present[k];
		if (step % 1000 == 0) {
			for (unsigned int i = 0; i < KEYS; i++) {
				test_assert_idx(hash_table_lookup(table,
					&keys[i]) == (present[i] ?
					POINTER_CAST(i + 1) : NULL), i);
			}
		}
	}
	test_assert(hash_table_count(table) == count);

	struct hash_iterate_context *iter = hash_table_iterate_init(table);
	unsigned int seen = 0;
	while (hash_table_iterate(iter, &key, &value)) {
		unsigned int k = (const char *)key - keys;

		test_assert_idx(present[k] && value == POINTER_CAST(k + 1), k);
		present[k] = false;
		test_assert(hash_table_remove(table, key));
		seen++;
	}
	hash_table_iterate_deinit(&iter);
	test_assert(seen == count);
	test_assert(hash_table_count(table) == 0);
	hash_table_destroy(&table);
	i_free(present);
	i_free(keys);
}

void test_hash(void)
{
	test_begin("hash");
	test_hash_random();
	test_hash_str(default_pool);
	pool_t pool = pool_alloconly_create("hash", 1024);
	test_hash_str(pool);
	pool_unref(&pool);

	struct hash_table *table = hash_table_create_str(default_pool, true);
	hash_table_update(table, "Alice", POINTER_CAST(1));
	test_assert(hash_table_lookup(table, "aLICE") == POINTER_CAST(1));
	test_assert(strcase_hash("ABC") == strcase_hash("abc"));
	test_assert(str_hash("ABC") != str_hash("abc"));
	hash_table_destroy(&table);

	int a, b;
	table = hash_table_create_direct(default_pool);
	hash_table_update(table, &a, POINTER_CAST(1));
	hash_table_update(table, &b, POINTER_CAST(2));
	test_assert(hash_table_lookup(table, &a) == POINTER_CAST(1));
	test_assert(hash_table_lookup(table, &b) == POINTER_CAST(2));
	test_assert(hash_table_remove(table, &a));
	test_assert(hash_table_lookup(table, &a) == NULL);
	hash_table_destroy(&table);
	test_end();
}
