/* Copyright (c) Cove authors. See AUTHORS. */
/* Growable byte buffer. The byte after the used data is always kept
   allocated and zero, so that string_t can hand out its data as a
   NUL-terminated string without extra work. */

#include "lib.h"
#include "buffer.h"

static void buffer_alloc(buffer_t *buf, size_t size)
{
	size_t old_alloc = buf->alloc;

	if (size <= buf->alloc)
		return;
	if (buf->alloc * 2 > size)
		size = buf->alloc * 2;
	if (size < 32)
		size = 32;
	buf->w_data = p_realloc(buf->pool, buf->w_data, old_alloc, size);
	buf->alloc = size;
	buf->data = buf->w_data;
}

/* Makes room for pos + size bytes plus the trailing NUL. */
static void buffer_check_limits(buffer_t *buf, size_t pos, size_t size)
{
	size_t new_size;

	if (__builtin_add_overflow(pos, size, &new_size) ||
	    __builtin_add_overflow(new_size, 1, &new_size))
		i_panic("buffer size overflow");
	buffer_alloc(buf, new_size);
	if (pos + size > buf->used) {
		/* the gap between used and pos reads as zeros */
		if (pos > buf->used)
			memset(buf->w_data + buf->used, 0, pos - buf->used);
		buf->used = pos + size;
		buf->w_data[buf->used] = '\0';
	}
}

buffer_t *buffer_create_dynamic(pool_t pool, size_t init_size)
{
	buffer_t *buf = p_new(pool, buffer_t, 1);

	buf->pool = pool;
	buffer_alloc(buf, init_size + 1);
	return buf;
}

void buffer_free(buffer_t **_buf)
{
	buffer_t *buf = *_buf;

	if (buf == NULL)
		return;
	*_buf = NULL;
	p_free(buf->pool, buf->w_data);
	p_free(buf->pool, buf);
}

void *buffer_free_without_data(buffer_t **_buf)
{
	buffer_t *buf = *_buf;
	void *data = buf->w_data;

	*_buf = NULL;
	p_free(buf->pool, buf);
	return data;
}

void buffer_write(buffer_t *buf, size_t pos, const void *data,
		  size_t data_size)
{
	buffer_check_limits(buf, pos, data_size);
	if (data_size > 0)
		memmove(buf->w_data + pos, data, data_size);
}

void buffer_append(buffer_t *buf, const void *data, size_t data_size)
{
	buffer_write(buf, buf->used, data, data_size);
}

void buffer_append_c(buffer_t *buf, unsigned char chr)
{
	buffer_write(buf, buf->used, &chr, 1);
}

void buffer_append_buf(buffer_t *buf, const buffer_t *src, size_t pos,
		       size_t size)
{
	i_assert(pos <= src->used);
	if (size > src->used - pos)
		size = src->used - pos;
	if (src == buf) {
		/* the source moves if the buffer grows */
		buffer_check_limits(buf, buf->used, size);
		memmove(buf->w_data + buf->used - size,
			buf->w_data + pos, size);
		return;
	}
	buffer_append(buf, (const unsigned char *)src->data + pos, size);
}

void buffer_insert(buffer_t *buf, size_t pos, const void *data,
		   size_t data_size)
{
	size_t old_used = buf->used;

	if (pos >= old_used) {
		buffer_write(buf, pos, data, data_size);
		return;
	}
	i_assert(data < buf->data ||
		 (const unsigned char *)data >= buf->w_data + buf->alloc);
	buffer_check_limits(buf, old_used, data_size);
	memmove(buf->w_data + pos + data_size, buf->w_data + pos,
		old_used - pos);
	memcpy(buf->w_data + pos, data, data_size);
}

void buffer_delete(buffer_t *buf, size_t pos, size_t size)
{
	if (pos >= buf->used)
		return;
	if (size > buf->used - pos)
		size = buf->used - pos;
	memmove(buf->w_data + pos, buf->w_data + pos + size,
		buf->used - pos - size);
	buf->used -= size;
	buf->w_data[buf->used] = '\0';
}

void *buffer_append_space_unsafe(buffer_t *buf, size_t size)
{
	size_t pos = buf->used;

	buffer_check_limits(buf, pos, size);
	memset(buf->w_data + pos, 0, size);
	return buf->w_data + pos;
}

void *buffer_get_modifiable_data(const buffer_t *buf, size_t *used_r)
{
	if (used_r != NULL)
		*used_r = buf->used;
	return buf->w_data;
}

void buffer_set_used_size(buffer_t *buf, size_t used)
{
	if (used > buf->used) {
		(void)buffer_append_space_unsafe(buf, used - buf->used);
		return;
	}
	buf->used = used;
	buf->w_data[used] = '\0';
}

void buffer_set_size(buffer_t *buf, size_t size)
{
	buffer_set_used_size(buf, size);
}

void buffer_reset(buffer_t *buf)
{
	buffer_set_used_size(buf, 0);
}

size_t buffer_get_size(const buffer_t *buf)
{
	/* one byte is reserved for the trailing NUL */
	return buf->alloc - 1;
}

bool buffer_cmp(const buffer_t *buf1, const buffer_t *buf2)
{
	return buf1->used == buf2->used &&
		(buf1->used == 0 ||
		 memcmp(buf1->data, buf2->data, buf1->used) == 0);
}
