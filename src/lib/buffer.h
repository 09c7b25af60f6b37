/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef BUFFER_H
#define BUFFER_H

/* Growable byte buffer. data may be read directly; used bytes are valid.
   A buffer from a pool lives as long as the pool; one from default_pool
   must be freed with buffer_free(). */

typedef struct buffer {
	const void *data;
	size_t used;
	/* private */
	pool_t pool;
	unsigned char *w_data;
	size_t alloc;
} buffer_t;

buffer_t *buffer_create_dynamic(pool_t pool, size_t init_size);
void buffer_free(buffer_t **buf);
/* Returns the data and frees only the buffer struct: caller owns data
   (from the buffer's pool). */
void *buffer_free_without_data(buffer_t **buf);

void buffer_append(buffer_t *buf, const void *data, size_t data_size);
void buffer_append_c(buffer_t *buf, unsigned char chr);
void buffer_append_buf(buffer_t *buf, const buffer_t *src, size_t pos,
		       size_t size);
/* Writes at pos, growing and zero-filling as needed. */
void buffer_write(buffer_t *buf, size_t pos, const void *data,
		  size_t data_size);
void buffer_insert(buffer_t *buf, size_t pos, const void *data,
		   size_t data_size);
void buffer_delete(buffer_t *buf, size_t pos, size_t size);
/* Returns a writable pointer to size new bytes at the end (zero-filled). */
void *buffer_append_space_unsafe(buffer_t *buf, size_t size);
void *buffer_get_modifiable_data(const buffer_t *buf, size_t *used_r);
/* Shrinks or grows (zero-filled) the used size. */
void buffer_set_used_size(buffer_t *buf, size_t used);
void buffer_set_size(buffer_t *buf, size_t size);
void buffer_reset(buffer_t *buf);
size_t buffer_get_size(const buffer_t *buf);
bool buffer_cmp(const buffer_t *buf1, const buffer_t *buf2);

#endif
