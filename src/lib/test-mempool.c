/* Copyright (c) Cove authors. See AUTHORS. */
/* Tests for mempool.c. */

#include "lib.h"
#include "test-lib.h"

static bool mem_is_zero(const unsigned char *p, size_t size)
{
	for (size_t i = 0; i < size; i++) {
		if (p[i] != 0)
			return false;
	}
	return true;
}

static void test_mempool_alloconly(pool_t pool)
{
	unsigned char *mem[100];

	for (unsigned int i = 0; i < N_ELEMENTS(mem); i++) {
		size_t size = i * 37 + 1;

		mem[i] = p_malloc(pool, size);
		test_assert_idx(mem_is_zero(mem[i], size), i);
		test_assert_idx(((uintptr_t)mem[i] % 16) == 0, i);
		memset(mem[i], (int)i, size);
	}
	for (unsigned int i = 0; i < N_ELEMENTS(mem); i++)
		test_assert_idx(mem[i][i * 37] == (unsigned char)i, i);

	/* the last allocation grows in place */
	unsigned char *p = p_malloc(pool, 10);
	memset(p, 'x', 10);
	unsigned char *p2 = p_realloc(pool, p, 10, 20);
	test_assert(p2 == p);
	test_assert(p2[9] == 'x' && mem_is_zero(p2 + 10, 10));
	/* an older one is copied */
	p2 = p_realloc(pool, mem[1], 38, 100000);
	test_assert(p2 != mem[1] && p2[37] == 1 &&
		    mem_is_zero(p2 + 38, 100000 - 38));
}

void test_mempool(void)
{
	pool_t pool;

	test_begin("mempool");
	pool = pool_alloconly_create("test", 64);
	test_mempool_alloconly(pool);
	test_assert_strcmp(p_strdup(pool, "abc"), "abc");
	test_assert(p_strdup(pool, NULL) == NULL);
	test_assert_strcmp(p_strndup(pool, "abcdef", 3), "abc");
	test_assert_strcmp(p_strndup(pool, "ab\0cd", 5), "ab");
	test_assert_strcmp(p_strdup_printf(pool, "%d-%s", 5, "x"), "5-x");
	test_assert_strcmp(p_strconcat(pool, "a", "", "bc", NULL), "abc");
	const char *const arr[] = { "x", "yy", NULL };
	const char **dup = p_strarray_dup(pool, arr);
	test_assert_strcmp(dup[0], "x");
	test_assert_strcmp(dup[1], "yy");
	test_assert(dup[2] == NULL);
	pool_ref(pool);
	pool_t pool2 = pool;
	pool_unref(&pool2);
	test_assert(pool2 == NULL);
	p_free(pool, dup);
	test_assert(dup == NULL);
	pool_unref(&pool);
	test_assert(pool == NULL);

	pool = pool_alloconly_create_clean("clean", 16);
	test_mempool_alloconly(pool);
	pool_unref(&pool);

	char *s = p_malloc(default_pool, 5);
	test_assert(mem_is_zero((unsigned char *)s, 5));
	s = p_realloc(default_pool, s, 5, 50);
	test_assert(mem_is_zero((unsigned char *)s, 50));
	p_free(default_pool, s);
	test_assert(s == NULL);

	char *heap = i_strdup_printf("%s%u", "n", 42U);
	test_assert_strcmp(heap, "n42");
	i_free(heap);
	test_assert(heap == NULL);
	test_assert(i_malloc_multiply(3, 5) == 15);
	test_end();
}
