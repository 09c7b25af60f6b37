/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef ARRAY_H
#define ARRAY_H

/* Type-safe dynamic arrays on top of buffer_t.

     ARRAY(struct foo) foos;
     p_array_init(&foos, pool, 8);
     array_push_back(&foos, &foo);
     array_foreach(&foos, f) { ... f is const struct foo * ... }

   For a named array type shared between files:
     ARRAY_DEFINE_TYPE(string, const char *);
     ARRAY_TYPE(string) names;
*/

#include "buffer.h"

struct array {
	buffer_t *buffer;
	size_t element_size;
};

#define ARRAY(array_type) \
	union { struct array arr; array_type const *const *v; \
		array_type **v_modifiable; }
#define ARRAY_DEFINE_TYPE(name, array_type) \
	union array ## __ ## name { struct array arr; \
		array_type const *const *v; array_type **v_modifiable; }
#define ARRAY_TYPE(name) union array ## __ ## name

ARRAY_DEFINE_TYPE(const_string, const char *);
ARRAY_DEFINE_TYPE(uint32_t, uint32_t);

#define ARRAY_ELEM_TYPE(a) __typeof__(**(a)->v_modifiable)

void array_create_(struct array *array, pool_t pool, size_t element_size,
		   unsigned int init_count);
void array_free_(struct array *array);

#define p_array_init(a, pool, init_count) \
	array_create_(&(a)->arr, pool, sizeof(**(a)->v), init_count)
#define i_array_init(a, init_count) \
	p_array_init(a, default_pool, init_count)
#define t_array_init(a, init_count) \
	p_array_init(a, datastack_pool, init_count)
#define array_free(a) array_free_(&(a)->arr)
#define array_is_created(a) ((a)->arr.buffer != NULL)
#define array_count(a) \
	((unsigned int)((a)->arr.buffer->used / (a)->arr.element_size))
#define array_is_empty(a) ((a)->arr.buffer->used == 0)

/* Pointers into the array are valid until it next grows. */
#define array_idx(a, idx) \
	((const ARRAY_ELEM_TYPE(a) *)array_idx_(&(a)->arr, idx))
#define array_idx_modifiable(a, idx) \
	((ARRAY_ELEM_TYPE(a) *)array_idx_(&(a)->arr, idx))
#define array_idx_elem(a, idx) (*array_idx(a, idx))
#define array_front(a) array_idx(a, 0)
#define array_back(a) array_idx(a, array_count(a) - 1)
#define array_get(a, count_r) \
	((const ARRAY_ELEM_TYPE(a) *)array_get_(&(a)->arr, count_r))
#define array_get_modifiable(a, count_r) \
	((ARRAY_ELEM_TYPE(a) *)array_get_(&(a)->arr, count_r))

#define array_push_back(a, elem) \
	array_push_back_(&(a)->arr, \
		(elem) + COMPILE_ERROR_IF_TRUE( \
		!__builtin_types_compatible_p(__typeof__(*(elem)), \
					      ARRAY_ELEM_TYPE(a))))
/* Appends a zero-filled element and returns a pointer to it. */
#define array_append_space(a) \
	((ARRAY_ELEM_TYPE(a) *)array_append_space_(&(a)->arr))
#define array_insert(a, idx, elem) \
	array_insert_(&(a)->arr, idx, elem, 1)
#define array_delete(a, idx, count) array_delete_(&(a)->arr, idx, count)
#define array_clear(a) buffer_set_used_size((a)->arr.buffer, 0)
#define array_sort(a, cmp) \
	qsort(array_get_(&(a)->arr, NULL), array_count(a), \
	      (a)->arr.element_size, \
	      (int (*)(const void *, const void *))(cmp))
#define array_bsearch(a, key, cmp) \
	((const ARRAY_ELEM_TYPE(a) *)bsearch(key, \
		array_get_(&(a)->arr, NULL), array_count(a), \
		(a)->arr.element_size, \
		(int (*)(const void *, const void *))(cmp)))

#define array_foreach(a, elem) \
	for (const ARRAY_ELEM_TYPE(a) *elem = array_get_(&(a)->arr, NULL), \
	     *elem ## _end = elem + array_count(a); \
	     elem != elem ## _end; elem++)
#define array_foreach_modifiable(a, elem) \
	for (ARRAY_ELEM_TYPE(a) *elem = array_get_(&(a)->arr, NULL), \
	     *elem ## _end = elem + array_count(a); \
	     elem != elem ## _end; elem++)
#define array_foreach_idx(a, elem) \
	((unsigned int)((elem) - array_front(a)))

void *array_idx_(const struct array *array, unsigned int idx);
void *array_get_(const struct array *array, unsigned int *count_r);
void array_push_back_(struct array *array, const void *data);
void *array_append_space_(struct array *array);
void array_insert_(struct array *array, unsigned int idx, const void *data,
		   unsigned int count);
void array_delete_(struct array *array, unsigned int idx,
		   unsigned int count);

#endif
