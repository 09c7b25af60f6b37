/* Copyright (c) Cove authors. See AUTHORS. */

/* Tests for smtp-data-reader.c. Every input is fed whole, byte by byte
   and split in two at every offset. */

#include "lib.h"
#include "str.h"
#include "istream.h"
#include "test-common.h"
#include "smtp-data-reader.h"

void test_smtp_data_reader(void);
void test_smtp_data_reader_size_limit(void);
void test_smtp_data_reader_nonblock(void);

struct test_data_result {
	int ret;
	const char *message;
	/* input left after the final line */
	const char *rest;
	bool too_big;
};

static void
test_data_read(const char *input, uoff_t max_size, size_t split,
	       bool byte_by_byte, struct test_data_result *result_r)
{
	struct istream *stream = test_istream_create_data(input, strlen(input));
	struct smtp_data_reader *reader;
	string_t *message = t_str_new(256), *rest = t_str_new(64);
	const unsigned char *data;
	size_t size;
	int ret;

	if (split > 0)
		test_istream_set_read_limit(stream, split);
	reader = smtp_data_reader_init(stream, max_size);
	while ((ret = smtp_data_reader_read(reader, message)) == 0) {
		if (!byte_by_byte)
			test_istream_set_read_limit(stream, 0);
	}
	result_r->ret = ret;
	result_r->too_big = smtp_data_reader_is_too_big(reader);
	smtp_data_reader_deinit(&reader);

	test_istream_set_read_limit(stream, 0);
	while (i_stream_read(stream) > 0) ;
	data = i_stream_get_data(stream, &size);
	str_append_data(rest, data, size);
	i_stream_destroy(&stream);
	result_r->message = str_c(message);
	result_r->rest = str_c(rest);
}

static bool test_data_result_equals(const struct test_data_result *r1,
				    const struct test_data_result *r2)
{
	return r1->ret == r2->ret && r1->too_big == r2->too_big &&
		strcmp(r1->message, r2->message) == 0 &&
		strcmp(r1->rest, r2->rest) == 0;
}

static void test_data_read_all_ways(const char *input, uoff_t max_size,
				    const struct test_data_result *expected,
				    unsigned int idx)
{
	struct test_data_result result;

	test_data_read(input, max_size, 0, false, &result);
	test_assert_idx(result.ret == expected->ret, idx);
	test_assert_strcmp(result.message, expected->message);
	test_assert_strcmp(result.rest, expected->rest);
	test_assert_idx(result.too_big == expected->too_big, idx);

	test_data_read(input, max_size, 1, true, &result);
	test_assert_idx(test_data_result_equals(&result, expected), idx);
	for (size_t split = 1; split < strlen(input); split++) T_BEGIN {
		test_data_read(input, max_size, split, false, &result);
		test_assert_idx(test_data_result_equals(&result, expected),
				idx * 1000 + split);
	} T_END;
}

void test_smtp_data_reader(void)
{
	static const struct {
		const char *input;
		struct test_data_result result;
	} tests[] = {
		{ "Subject: x\r\n\r\nbody\r\n.\r\n",
		  { 1, "Subject: x\r\n\r\nbody\r\n", "", false } },
		/* empty message */
		{ ".\r\n", { 1, "", "", false } },
		/* pipelined command after the final dot stays unread */
		{ "a\r\n.\r\nQUIT\r\n", { 1, "a\r\n", "QUIT\r\n", false } },
		/* dot-stuffed lines */
		{ "..\r\n..x\r\n...\r\n.\r\n",
		  { 1, ".\r\n.x\r\n..\r\n", "", false } },
		/* a stuffed dot alone on a line is not the end */
		{ "a\r\n..\r\nb\r\n.\r\n",
		  { 1, "a\r\n.\r\nb\r\n", "", false } },
		/* leading dot of a non-stuffed line is dropped (RFC 5321
		   4.5.2) */
		{ ".x\r\n.\r\n", { 1, "x\r\n", "", false } },
		/* dots elsewhere are data */
		{ "a.\r\n a\r\n.\r\n", { 1, "a.\r\n a\r\n", "", false } },
		/* bare LF line ends, including the final dot */
		{ "a\nb\n..c\n.\n", { 1, "a\nb\n.c\n", "", false } },
		{ "a\r\n.\nNOOP\n", { 1, "a\r\n", "NOOP\n", false } },
		/* ".\r" not followed by LF is data with its dot removed */
		{ ".\rx\r\n.\r\n", { 1, "\rx\r\n", "", false } },
		/* "\r." inside a line is data */
		{ "a\r.\r\n.\r\n", { 1, "a\r.\r\n", "", false } },
		/* 8-bit and NUL-free binary bytes pass through */
		{ "\xc3\xa9\xff\x01\r\n.\r\n",
		  { 1, "\xc3\xa9\xff\x01\r\n", "", false } },
		/* no final dot: the client disconnected */
		{ "a\r\nb\r\n", { -1, "a\r\nb\r\n", "", false } },
		{ "a\r\n.", { -1, "a\r\n", "", false } },
		{ "a\r\n.\r", { -1, "a\r\n", "", false } },
	};

	test_begin("smtp data reader");
	for (unsigned int i = 0; i < N_ELEMENTS(tests); i++)
		test_data_read_all_ways(tests[i].input, 0, &tests[i].result, i);
	test_end();
}

void test_smtp_data_reader_size_limit(void)
{
	static const struct {
		const char *input;
		uoff_t max_size;
		struct test_data_result result;
	} tests[] = {
		/* exactly at the limit */
		{ "12345\r\n.\r\n", 7, { 1, "12345\r\n", "", false } },
		/* one over: data is dropped, the end is still found */
		{ "123456\r\n.\r\nQUIT\r\n", 7,
		  { 1, NULL, "QUIT\r\n", true } },
		/* unstuffing counts: "..\r\n" is 3 bytes */
		{ "..\r\n..\r\n.\r\n", 6, { 1, ".\r\n.\r\n", "", false } },
	};

	test_begin("smtp data reader size limit");
	for (unsigned int i = 0; i < N_ELEMENTS(tests); i++) {
		struct test_data_result result;

		/* what was kept before the limit was hit depends on the
		   read sizes; only check that the end was found */
		if (tests[i].result.message == NULL) {
			for (size_t split = 0; split < 8; split++) T_BEGIN {
				test_data_read(tests[i].input,
					       tests[i].max_size, split,
					       split > 0, &result);
				test_assert_idx(result.ret == 1, i);
				test_assert_idx(result.too_big, i);
				test_assert_strcmp(result.rest,
						   tests[i].result.rest);
			} T_END;
			continue;
		}
		test_data_read_all_ways(tests[i].input, tests[i].max_size,
					&tests[i].result, i);
	}
	test_end();
}

void test_smtp_data_reader_nonblock(void)
{
	struct istream *stream;
	struct smtp_data_reader *reader;
	string_t *message = t_str_new(64);
	int ret;

	test_begin("smtp data reader non-blocking");
	stream = test_istream_create_data("ab\r\n.\r\n", 7);
	test_istream_set_read_limit(stream, 2);
	test_istream_set_nonblock_steps(stream, true);
	reader = smtp_data_reader_init(stream, 0);
	unsigned int zeros = 0;
	while ((ret = smtp_data_reader_read(reader, message)) == 0)
		zeros++;
	test_assert(ret == 1);
	test_assert(zeros >= 3);
	test_assert_strcmp(str_c(message), "ab\r\n");
	test_assert(smtp_data_reader_get_size(reader) == 4);
	smtp_data_reader_deinit(&reader);
	i_stream_destroy(&stream);
	test_end();
}
