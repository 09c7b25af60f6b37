/* Copyright (c) Cove authors. See AUTHORS. */
/* Memory pools: default_pool (malloc/free), datastack_pool (the temporary
   frame) and alloc-only pools that carve allocations out of growing
   blocks and free them all at once. */

#include "lib.h"

#define POOL_ALIGN 16
#define POOL_ALIGN_SIZE(n) \
	(((n) + POOL_ALIGN - 1) & ~(size_t)(POOL_ALIGN - 1))
#define POOL_BLOCK_MIN_SIZE 1024

struct pool_vfuncs {
	void (*ref)(pool_t pool);
	void (*unref)(pool_t *pool);
	void *(*malloc)(pool_t pool, size_t size);
	void *(*realloc)(pool_t pool, void *mem, size_t old_size,
			 size_t new_size);
	void (*free)(pool_t pool, void *mem);
};

struct pool_block {
	struct pool_block *prev;
	size_t size, used;
	_Alignas(POOL_ALIGN) unsigned char data[];
};

struct pool {
	const struct pool_vfuncs *v;
	/* alloc-only pools only: */
	int refcount;
	bool clean;
	const char *name;
	struct pool_block *block;
	unsigned char *last_alloc;
	size_t last_alloc_size;
};

static void pool_noop_ref(pool_t pool ATTR_UNUSED)
{
}

static void pool_noop_unref(pool_t *pool ATTR_UNUSED)
{
}

static void pool_noop_free(pool_t pool ATTR_UNUSED, void *mem ATTR_UNUSED)
{
}

static void *pool_system_malloc(pool_t pool ATTR_UNUSED, size_t size)
{
	return i_malloc(size);
}

static void *pool_system_realloc(pool_t pool ATTR_UNUSED, void *mem,
				 size_t old_size, size_t new_size)
{
	return i_realloc(mem, old_size, new_size);
}

static void pool_system_free(pool_t pool ATTR_UNUSED, void *mem)
{
	free(mem);
}

static const struct pool_vfuncs pool_system_vfuncs = {
	.ref = pool_noop_ref,
	.unref = pool_noop_unref,
	.malloc = pool_system_malloc,
	.realloc = pool_system_realloc,
	.free = pool_system_free,
};
static struct pool pool_system = { .v = &pool_system_vfuncs };
pool_t default_pool = &pool_system;

static void *pool_datastack_malloc(pool_t pool ATTR_UNUSED, size_t size)
{
	return t_malloc(size);
}

static void *pool_datastack_realloc(pool_t pool ATTR_UNUSED, void *mem,
				    size_t old_size, size_t new_size)
{
	return t_realloc(mem, old_size, new_size);
}

static const struct pool_vfuncs pool_datastack_vfuncs = {
	.ref = pool_noop_ref,
	.unref = pool_noop_unref,
	.malloc = pool_datastack_malloc,
	.realloc = pool_datastack_realloc,
	.free = pool_noop_free,
};
static struct pool pool_datastack = { .v = &pool_datastack_vfuncs };
pool_t datastack_pool = &pool_datastack;

static void pool_alloconly_add_block(pool_t pool, size_t min_size)
{
	struct pool_block *block;
	size_t size = POOL_BLOCK_MIN_SIZE;

	if (pool->block != NULL && pool->block->size * 2 > size)
		size = pool->block->size * 2;
	if (min_size > size)
		size = POOL_ALIGN_SIZE(min_size);
	block = malloc(sizeof(*block) + size);
	if (block == NULL)
		i_panic("pool %s: malloc(%zu) failed", pool->name, size);
	block->size = size;
	block->used = 0;
	block->prev = pool->block;
	pool->block = block;
}

static void pool_alloconly_ref(pool_t pool)
{
	pool->refcount++;
}

static void pool_alloconly_unref(pool_t *_pool)
{
	pool_t pool = *_pool;

	i_assert(pool->refcount > 0);
	if (--pool->refcount > 0)
		return;
	while (pool->block != NULL) {
		struct pool_block *block = pool->block;

		pool->block = block->prev;
		if (pool->clean)
			safe_memset(block->data, 0, block->size);
		free(block);
	}
	free(pool);
}

static void *pool_alloconly_malloc(pool_t pool, size_t size)
{
	size_t alloc_size = POOL_ALIGN_SIZE(size);
	unsigned char *mem;

	if (alloc_size < size)
		i_panic("p_malloc(%zu): size overflow", size);
	if (pool->block->size - pool->block->used < alloc_size)
		pool_alloconly_add_block(pool, alloc_size);
	mem = pool->block->data + pool->block->used;
	pool->block->used += alloc_size;
	/* blocks come from malloc(): zero-fill here */
	memset(mem, 0, size);
	pool->last_alloc = mem;
	pool->last_alloc_size = alloc_size;
	return mem;
}

static void *pool_alloconly_realloc(pool_t pool, void *mem, size_t old_size,
				    size_t new_size)
{
	unsigned char *new_mem;

	if (new_size <= old_size)
		return mem;
	if (mem != NULL && mem == pool->last_alloc) {
		size_t alloc_size = POOL_ALIGN_SIZE(new_size);
		size_t start = pool->block->used - pool->last_alloc_size;

		if (alloc_size >= new_size &&
		    pool->block->size - start >= alloc_size) {
			memset(pool->last_alloc + old_size, 0,
			       new_size - old_size);
			pool->block->used = start + alloc_size;
			pool->last_alloc_size = alloc_size;
			return mem;
		}
	}
	new_mem = pool_alloconly_malloc(pool, new_size);
	if (old_size > 0)
		memcpy(new_mem, mem, old_size);
	return new_mem;
}

static const struct pool_vfuncs pool_alloconly_vfuncs = {
	.ref = pool_alloconly_ref,
	.unref = pool_alloconly_unref,
	.malloc = pool_alloconly_malloc,
	.realloc = pool_alloconly_realloc,
	.free = pool_noop_free,
};

static pool_t pool_alloconly_create_real(const char *name,
					 size_t initial_size, bool clean)
{
	pool_t pool = i_new(struct pool, 1);

	pool->v = &pool_alloconly_vfuncs;
	pool->refcount = 1;
	pool->clean = clean;
	pool->name = name;
	pool_alloconly_add_block(pool, initial_size);
	return pool;
}

pool_t pool_alloconly_create(const char *name, size_t initial_size)
{
	return pool_alloconly_create_real(name, initial_size, false);
}

pool_t pool_alloconly_create_clean(const char *name, size_t initial_size)
{
	return pool_alloconly_create_real(name, initial_size, true);
}

void pool_ref(pool_t pool)
{
	pool->v->ref(pool);
}

void pool_unref(pool_t *pool)
{
	if (*pool == NULL)
		return;
	(*pool)->v->unref(pool);
	*pool = NULL;
}

void *p_malloc(pool_t pool, size_t size)
{
	return pool->v->malloc(pool, size);
}

void *p_realloc(pool_t pool, void *mem, size_t old_size, size_t new_size)
{
	return pool->v->realloc(pool, mem, old_size, new_size);
}

void p_free_(pool_t pool, void *mem)
{
	if (mem != NULL)
		pool->v->free(pool, mem);
}
