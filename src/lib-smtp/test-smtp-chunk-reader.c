/* Copyright (c) Cove authors. See AUTHORS. */

/* Tests for smtp-chunk-reader.c. Every input is fed whole, byte by byte
   and split in two at every offset. */

#include "lib.h"
#include "str.h"
#include "istream.h"
#include "test-common.h"
#include "smtp-chunk-reader.h"

void test_smtp_chunk_reader(void);
void test_smtp_chunk_reader_discard(void);
void test_smtp_chunk_reader_size_limit(void);

/* Reads the chunks of sizes[] (ending with (uoff_t)-1) from input into
   message; returns the last read's result and the input left after. */
static int test_chunks_read(const char *input, const uoff_t *sizes,
			    uoff_t max_size, size_t split, string_t *message,
			    string_t *rest, bool *too_big_r)
{
	struct istream *stream = test_istream_create_data(input, strlen(input));
	struct smtp_chunk_reader *reader;
	const unsigned char *data;
	size_t size;
	int ret = 1;

	if (split > 0)
		test_istream_set_read_limit(stream, split);
	reader = smtp_chunk_reader_init(stream, max_size);
	for (unsigned int i = 0; sizes[i] != (uoff_t)-1 && ret > 0; i++) {
		smtp_chunk_reader_begin(reader, sizes[i], false);
		while ((ret = smtp_chunk_reader_read(reader, message)) == 0) {
			if (split > 1)
				test_istream_set_read_limit(stream, 0);
		}
	}
	*too_big_r = smtp_chunk_reader_is_too_big(reader);
	smtp_chunk_reader_deinit(&reader);

	test_istream_set_read_limit(stream, 0);
	while (i_stream_read(stream) > 0) ;
	data = i_stream_get_data(stream, &size);
	str_append_data(rest, data, size);
	i_stream_destroy(&stream);
	return ret;
}

static void test_chunks_all_ways(const char *input, const uoff_t *sizes,
				 uoff_t max_size, int expect_ret,
				 const char *expect_message,
				 const char *expect_rest, bool expect_too_big,
				 unsigned int idx)
{
	size_t len = strlen(input);

	for (size_t split = 0; split < I_MAX(len, 1); split++) T_BEGIN {
		string_t *message = t_str_new(64), *rest = t_str_new(64);
		bool too_big;
		int ret;

		ret = test_chunks_read(input, sizes, max_size, split,
				       message, rest, &too_big);
		test_assert_idx(ret == expect_ret, idx * 1000 + split);
		test_assert_strcmp(str_c(message), expect_message);
		test_assert_strcmp(str_c(rest), expect_rest);
		test_assert_idx(too_big == expect_too_big, idx * 1000 + split);
	} T_END;
}

void test_smtp_chunk_reader(void)
{
	static const uoff_t one[] = { 7, (uoff_t)-1 };
	static const uoff_t three[] = { 3, 0, 4, (uoff_t)-1 };
	static const uoff_t too_many[] = { 5, 10, (uoff_t)-1 };

	test_begin("smtp chunk reader");
	/* taken as is: dots and bare LFs stay */
	test_chunks_all_ways(".a\n.\r\n\rQUIT\r\n", one, 0, 1, ".a\n.\r\n\r",
			     "QUIT\r\n", false, 0);
	test_chunks_all_ways("abcdefgRSET\r\n", three, 0, 1, "abcdefg",
			     "RSET\r\n", false, 1);
	/* input ends inside a chunk */
	test_chunks_all_ways("abcdefgh", too_many, 0, -1, "abcdefgh", "",
			     false, 2);
	test_end();
}

void test_smtp_chunk_reader_discard(void)
{
	struct istream *stream = test_istream_create_data("abcdefNOOP", 10);
	struct smtp_chunk_reader *reader;
	string_t *message = t_str_new(64);
	const unsigned char *data;
	size_t size;

	test_begin("smtp chunk reader discard");
	reader = smtp_chunk_reader_init(stream, 3);
	/* a rejected chunk is dropped and not counted against the limit */
	smtp_chunk_reader_begin(reader, 4, true);
	test_assert(smtp_chunk_reader_read(reader, message) == 1);
	smtp_chunk_reader_begin(reader, 2, false);
	test_assert(smtp_chunk_reader_read(reader, message) == 1);
	test_assert_strcmp(str_c(message), "ef");
	test_assert(smtp_chunk_reader_get_size(reader) == 2);
	test_assert(!smtp_chunk_reader_is_too_big(reader));
	smtp_chunk_reader_deinit(&reader);
	data = i_stream_get_data(stream, &size);
	test_assert(size == 4 && memcmp(data, "NOOP", 4) == 0);
	i_stream_destroy(&stream);
	test_end();
}

void test_smtp_chunk_reader_size_limit(void)
{
	static const uoff_t exact[] = { 3, 4, (uoff_t)-1 };
	static const uoff_t over[] = { 3, 5, (uoff_t)-1 };

	test_begin("smtp chunk reader size limit");
	test_chunks_all_ways("abcdefgX", exact, 7, 1, "abcdefg", "X", false, 0);
	/* the chunk that crosses the limit is read and dropped */
	test_chunks_all_ways("abcdefghX", over, 7, 1, "abc", "X", true, 1);
	test_end();
}
