/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef MEMPOOL_H
#define MEMPOOL_H

/* Memory pools. An alloc-only pool owns everything allocated from it and
   frees it all at once in pool_unref(). default_pool is plain malloc/free
   (p_free() works on it); datastack_pool allocates from the current
   temporary frame (see data-stack.h). All allocations are zero-filled and
   never return NULL. */

typedef struct pool *pool_t;

extern pool_t default_pool;
extern pool_t datastack_pool;

/* New alloc-only pool. name is for debugging; initial_size a hint. */
pool_t pool_alloconly_create(const char *name, size_t initial_size);
/* Like alloc-only, but every block is zeroed before it is freed (for
   passwords and other secrets). */
pool_t pool_alloconly_create_clean(const char *name, size_t initial_size);
void pool_ref(pool_t pool);
/* Drops a reference; frees the pool at zero. Sets *pool to NULL. */
void pool_unref(pool_t *pool);

void *p_malloc(pool_t pool, size_t size);
/* Grows mem (allocated from pool with old_size) to new_size; the new part
   is zero-filled. */
void *p_realloc(pool_t pool, void *mem, size_t old_size, size_t new_size);
/* Frees mem on default_pool; a no-op on alloc-only and data stack pools. */
void p_free_(pool_t pool, void *mem);
#define p_free(pool, mem) \
	do { p_free_(pool, mem); (mem) = NULL; } while (0)
#define p_new(pool, type, count) \
	((type *)p_malloc(pool, i_malloc_multiply((count), sizeof(type))))

char *p_strdup(pool_t pool, const char *str);
char *p_strndup(pool_t pool, const void *str, size_t max_chars);
char *p_strdup_printf(pool_t pool, const char *fmt, ...) ATTR_FORMAT(2, 3);
char *p_strdup_vprintf(pool_t pool, const char *fmt, va_list args)
	ATTR_FORMAT(2, 0);
/* Joins NULL-terminated list of strings. */
char *p_strconcat(pool_t pool, const char *str1, ...) ATTR_NULL_TERMINATED;
/* Copies a NULL-terminated string array. */
const char **p_strarray_dup(pool_t pool, const char *const *arr);

#endif
