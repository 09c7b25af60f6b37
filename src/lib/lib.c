/* Copyright (c) Cove authors. See AUTHORS. */
/* Heap allocation that never fails, and process-wide setup. */

#include "lib.h"

void *i_malloc(size_t size)
{
	void *mem = calloc(1, size == 0 ? 1 : size);

	if (mem == NULL)
		i_panic("calloc(%zu) failed: Out of memory", size);
	return mem;
}

void *i_realloc(void *mem, size_t old_size, size_t new_size)
{
	unsigned char *ret = realloc(mem, new_size == 0 ? 1 : new_size);

	if (ret == NULL)
		i_panic("realloc(%zu) failed: Out of memory", new_size);
	if (new_size > old_size)
		memset(ret + old_size, 0, new_size - old_size);
	return ret;
}

size_t i_malloc_multiply(size_t count, size_t size)
{
	size_t total;

	if (__builtin_mul_overflow(count, size, &total))
		i_panic("Memory allocation overflow: %zu * %zu", count, size);
	return total;
}

char *i_strdup(const char *str)
{
	return p_strdup(default_pool, str);
}

char *i_strndup(const void *str, size_t max_chars)
{
	return p_strndup(default_pool, str, max_chars);
}

char *i_strdup_printf(const char *fmt, ...)
{
	va_list args;
	char *ret;

	va_start(args, fmt);
	ret = p_strdup_vprintf(default_pool, fmt, args);
	va_end(args);
	return ret;
}

void lib_init(void)
{
	data_stack_init();
	log_init("cove");
}

void lib_deinit(void)
{
	log_deinit();
	data_stack_deinit();
}
