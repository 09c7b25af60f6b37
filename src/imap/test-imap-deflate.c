/* Copyright (c) Cove authors. See AUTHORS. */

/* Tests for imap-deflate: what one side compresses the other decodes,
   whatever the split of the compressed bytes; every compressed piece is
   flushed (decodable at once); corrupt input and bombs fail. */

#include "lib.h"
#include "str.h"
#include "imap-deflate.h"
#include "test-imap.h"

static const char *const test_deflate_pieces[] = {
	"* OK [CAPABILITY IMAP4rev1 COMPRESS=DEFLATE] Ready.\r\n",
	"",
	"a1 OK Begin compression.\r\n",
	"* 1 FETCH (BODY[] {30}\r\naaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n)\r\n",
	"x",
};

/* Compresses the pieces with a fresh stream into compressed, checking
   that each piece decodes as soon as it is out; plain gets them all. */
static void test_deflate_compress_all(buffer_t *compressed, string_t *plain)
{
	struct imap_deflate *out = imap_deflate_create();
	struct imap_deflate *in = imap_deflate_create();
	buffer_t *decoded = buffer_create_dynamic(default_pool, 256);
	const char *error;
	size_t pos = 0;

	for (unsigned int i = 0; i < N_ELEMENTS(test_deflate_pieces); i++) {
		imap_deflate_compress(out, test_deflate_pieces[i],
				      strlen(test_deflate_pieces[i]),
				      compressed);
		str_append(plain, test_deflate_pieces[i]);
		test_assert_idx(imap_deflate_decompress(in,
			(const unsigned char *)compressed->data + pos,
			compressed->used - pos, decoded, 1024 * 1024,
			&error) == 0, i);
		pos = compressed->used;
		test_assert_idx(decoded->used == str_len(plain) &&
				memcmp(decoded->data, str_data(plain),
				       str_len(plain)) == 0, i);
	}
	buffer_free(&decoded);
	imap_deflate_destroy(&in);
	imap_deflate_destroy(&out);
}

void test_imap_deflate_split(void)
{
	buffer_t *compressed = buffer_create_dynamic(default_pool, 256);
	buffer_t *decoded = buffer_create_dynamic(default_pool, 256);
	string_t *plain = t_str_new(256);
	struct imap_deflate *in;
	const char *error;
	size_t split;

	test_begin("imap deflate split at every offset");
	test_deflate_compress_all(compressed, plain);
	for (split = 0; split <= compressed->used; split++) {
		in = imap_deflate_create();
		buffer_set_used_size(decoded, 0);
		test_assert_idx(imap_deflate_decompress(in, compressed->data,
			split, decoded, 1024 * 1024, &error) == 0, split);
		test_assert_idx(imap_deflate_decompress(in,
			(const unsigned char *)compressed->data + split,
			compressed->used - split, decoded, 1024 * 1024,
			&error) == 0, split);
		test_assert_idx(decoded->used == str_len(plain) &&
				memcmp(decoded->data, str_data(plain),
				       str_len(plain)) == 0, split);
		imap_deflate_destroy(&in);
	}
	buffer_free(&decoded);
	buffer_free(&compressed);
	test_end();
}

void test_imap_deflate_errors(void)
{
	struct imap_deflate *out, *in;
	buffer_t *compressed = buffer_create_dynamic(default_pool, 256);
	buffer_t *decoded = buffer_create_dynamic(default_pool, 256);
	unsigned char *zeros;
	const char *error;

	test_begin("imap deflate errors");
	/* 0xff starts a block of the reserved type 3 */
	in = imap_deflate_create();
	test_assert(imap_deflate_decompress(in, "\xff\xff\xff", 3, decoded,
					    1024, &error) == -1);
	test_assert(strstr(error, "Invalid DEFLATE data") != NULL);
	imap_deflate_destroy(&in);

	/* a megabyte of zeros is a few bytes compressed: over the limit */
	zeros = i_malloc(1024 * 1024);
	out = imap_deflate_create();
	imap_deflate_compress(out, zeros, 1024 * 1024, compressed);
	test_assert(compressed->used < 4096);
	in = imap_deflate_create();
	buffer_set_used_size(decoded, 0);
	test_assert(imap_deflate_decompress(in, compressed->data,
					    compressed->used, decoded,
					    64 * 1024, &error) == -1);
	test_assert(strstr(error, "too large") != NULL);
	test_assert(decoded->used < 64 * 1024 + 8192);
	imap_deflate_destroy(&in);
	/* and within a large enough limit it decodes */
	in = imap_deflate_create();
	buffer_set_used_size(decoded, 0);
	test_assert(imap_deflate_decompress(in, compressed->data,
					    compressed->used, decoded,
					    2 * 1024 * 1024, &error) == 0);
	test_assert(decoded->used == 1024 * 1024);
	imap_deflate_destroy(&in);
	imap_deflate_destroy(&out);
	i_free(zeros);
	buffer_free(&decoded);
	buffer_free(&compressed);
	test_end();
}
