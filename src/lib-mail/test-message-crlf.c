/* Copyright (c) Cove authors. See AUTHORS. */

/* Tests for message_copy_crlf(): whole, byte by byte, and size limits;
   and for message_lf_convert(), fed whole and split at every offset. */

#include "lib.h"
#include "buffer.h"
#include "str.h"
#include "istream.h"
#include "ostream.h"
#include "message-crlf.h"
#include "test-lib-mail.h"

struct message_crlf_test {
	const char *input;
	uoff_t max_virtual;
	const char *output;
};

static const struct message_crlf_test message_crlf_tests[] = {
	{ "", UOFF_T_MAX, "" },
	{ "\n", UOFF_T_MAX, "\r\n" },
	{ "a\nb\n", UOFF_T_MAX, "a\r\nb\r\n" },
	{ "a\r\nb\r\n", UOFF_T_MAX, "a\r\nb\r\n" },
	{ "a\r\nb\nc", UOFF_T_MAX, "a\r\nb\r\nc" },
	{ "\n\n\n", UOFF_T_MAX, "\r\n\r\n\r\n" },
	{ "a\rb", UOFF_T_MAX, "a\rb" },
	{ "a\nb\n", 0, "" },
	{ "a\nb\n", 2, "a\r" },
	{ "a\nb\n", 3, "a\r\n" },
	{ "a\nb\n", 5, "a\r\nb\r" },
	{ "a\nb\n", 100, "a\r\nb\r\n" },
};

static void test_message_crlf_one(const struct message_crlf_test *test,
				  size_t limit, unsigned int idx)
{
	buffer_t *buf = buffer_create_dynamic(default_pool, 64);
	struct ostream *output = o_stream_create_buffer(buf);
	struct istream *input;
	const char *error;

	input = test_istream_create_data(test->input, strlen(test->input));
	test_istream_set_read_limit(input, limit);
	test_assert_idx(message_copy_crlf(input, output, test->max_virtual,
					  &error) == 0, idx);
	test_assert_idx(buf->used == strlen(test->output) &&
			memcmp(buf->data, test->output, buf->used) == 0, idx);
	i_stream_destroy(&input);
	o_stream_destroy(&output);
	buffer_free(&buf);
}

void test_message_crlf(void)
{
	test_begin("message_copy_crlf");
	for (unsigned int i = 0; i < N_ELEMENTS(message_crlf_tests); i++) {
		test_message_crlf_one(&message_crlf_tests[i], 0, i);
		test_message_crlf_one(&message_crlf_tests[i], 1, i);
		test_message_crlf_one(&message_crlf_tests[i], 2, i);
	}
	test_end();
}

static const struct {
	const char *input, *output;
} message_lf_tests[] = {
	{ "", "" },
	{ "a\r\nb\r\n", "a\nb\n" },
	{ "a\nb", "a\nb" },
	{ "\r\n\r\n", "\n\n" },
	{ "a\rb\r", "a\rb\r" },
	{ "\r\r\n\r", "\r\n\r" },
};

static void test_lf_output(void *context, const unsigned char *data,
			   size_t size)
{
	test_assert(size > 0);
	buffer_append(context, data, size);
}

void test_message_lf_convert(void)
{
	test_begin("message_lf_convert");
	for (unsigned int i = 0; i < N_ELEMENTS(message_lf_tests); i++) {
		const char *in = message_lf_tests[i].input;
		size_t len = strlen(in);

		for (size_t split = 0; split <= len; split++) {
			struct message_lf_converter conv = { false };
			buffer_t *buf = buffer_create_dynamic(default_pool, 16);

			message_lf_convert(&conv, (const void *)in, split,
					   test_lf_output, buf);
			message_lf_convert(&conv, (const void *)(in + split),
					   len - split, test_lf_output, buf);
			message_lf_convert_end(&conv, test_lf_output, buf);
			test_assert_idx(strcmp(str_c(buf),
				message_lf_tests[i].output) == 0,
				i * 100 + split);
			buffer_free(&buf);
		}
	}
	test_end();
}
