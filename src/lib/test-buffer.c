/* Copyright (c) Cove authors. See AUTHORS. */
/* Tests for buffer.c. */

#include "lib.h"
#include "buffer.h"
#include "test-lib.h"

static void test_buffer_ops(pool_t pool)
{
	buffer_t *buf = buffer_create_dynamic(pool, 1);
	const unsigned char *data;

	buffer_append(buf, "abc", 3);
	buffer_append_c(buf, 'd');
	test_assert(buf->used == 4 && memcmp(buf->data, "abcd", 4) == 0);
	buffer_insert(buf, 1, "XY", 2);
	test_assert(buf->used == 6 && memcmp(buf->data, "aXYbcd", 6) == 0);
	buffer_delete(buf, 0, 2);
	test_assert(buf->used == 4 && memcmp(buf->data, "Ybcd", 4) == 0);
	buffer_delete(buf, 2, 100);
	test_assert(buf->used == 2 && memcmp(buf->data, "Yb", 2) == 0);
	/* writing past the end zero-fills the gap */
	buffer_write(buf, 5, "z", 1);
	data = buf->data;
	test_assert(buf->used == 6 && data[2] == 0 && data[4] == 0 &&
		    data[5] == 'z');
	buffer_write(buf, 0, "AB", 2);
	test_assert(memcmp(buf->data, "AB", 2) == 0 && buf->used == 6);
	buffer_set_used_size(buf, 1);
	buffer_set_used_size(buf, 3);
	data = buf->data;
	test_assert(buf->used == 3 && data[0] == 'A' && data[1] == 0 &&
		    data[2] == 0);
	unsigned char *space = buffer_append_space_unsafe(buf, 2);
	test_assert(space[0] == 0 && space[1] == 0 && buf->used == 5);
	buffer_append_buf(buf, buf, 0, 1);
	test_assert(buf->used == 6 && ((const char *)buf->data)[5] == 'A');

	/* growth keeps content */
	buffer_reset(buf);
	for (unsigned int i = 0; i < 10000; i++)
		buffer_append_c(buf, (unsigned char)i);
	data = buf->data;
	test_assert(buf->used == 10000 && data[9999] == (unsigned char)9999);
	test_assert(buffer_get_size(buf) >= 10000);

	buffer_t *buf2 = buffer_create_dynamic(pool, 0);
	buffer_append_buf(buf2, buf, 0, SIZE_MAX);
	test_assert(buffer_cmp(buf, buf2));
	buffer_append_c(buf2, 0);
	test_assert(!buffer_cmp(buf, buf2));
	size_t used;
	unsigned char *mod = buffer_get_modifiable_data(buf2, &used);
	test_assert(used == 10001 && mod == buf2->data);
	buffer_free(&buf2);
	test_assert(buf2 == NULL);
	void *raw = buffer_free_without_data(&buf);
	test_assert(buf == NULL && ((unsigned char *)raw)[1] == 1);
	p_free(pool, raw);
}

void test_buffer(void)
{
	test_begin("buffer");
	test_buffer_ops(default_pool);
	test_buffer_ops(datastack_pool);
	pool_t pool = pool_alloconly_create("buffer", 128);
	test_buffer_ops(pool);
	pool_unref(&pool);
	test_end();
}
