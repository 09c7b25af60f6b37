/* Copyright (c) Cove authors. See AUTHORS. */
/* Type-safe dynamic arrays: the untyped half behind the array.h macros. */

#include "lib.h"
#include "array.h"

void array_create_(struct array *array, pool_t pool, size_t element_size,
		   unsigned int init_count)
{
	array->buffer = buffer_create_dynamic(pool,
		i_malloc_multiply(init_count, element_size));
	array->element_size = element_size;
}

void array_free_(struct array *array)
{
	buffer_free(&array->buffer);
}

void *array_idx_(const struct array *array, unsigned int idx)
{
	i_assert((size_t)idx * array->element_size < array->buffer->used);
	return (unsigned char *)buffer_get_modifiable_data(array->buffer,
							   NULL) +
		(size_t)idx * array->element_size;
}

void *array_get_(const struct array *array, unsigned int *count_r)
{
	if (count_r != NULL)
		*count_r = array->buffer->used / array->element_size;
	return buffer_get_modifiable_data(array->buffer, NULL);
}

void array_push_back_(struct array *array, const void *data)
{
	buffer_append(array->buffer, data, array->element_size);
}

void *array_append_space_(struct array *array)
{
	return buffer_append_space_unsafe(array->buffer, array->element_size);
}

void array_insert_(struct array *array, unsigned int idx, const void *data,
		   unsigned int count)
{
	buffer_insert(array->buffer, (size_t)idx * array->element_size, data,
		      i_malloc_multiply(count, array->element_size));
}

void array_delete_(struct array *array, unsigned int idx,
		   unsigned int count)
{
	i_assert(((size_t)idx + count) * array->element_size <=
		 array->buffer->used);
	buffer_delete(array->buffer, (size_t)idx * array->element_size,
		      (size_t)count * array->element_size);
}
