/* Copyright (c) Cove authors. See AUTHORS. */

/* Tests for message_get_header_body_size(), fed whole and in small reads. */

#include "lib.h"
#include "istream.h"
#include "message-size.h"
#include "test-lib-mail.h"

struct message_size_test {
	const char *input;
	struct message_size hdr;
	struct message_size body;
};

static const struct message_size_test message_size_tests[] = {
	{ "", { 0, 0, 0 }, { 0, 0, 0 } },
	{ "\n", { 1, 2, 1 }, { 0, 0, 0 } },
	{ "\r\n", { 2, 2, 1 }, { 0, 0, 0 } },
	{ "A: b\n\nbody\n", { 6, 8, 2 }, { 5, 6, 1 } },
	{ "A: b\r\n\r\nbody\r\n", { 8, 8, 2 }, { 6, 6, 1 } },
	/* no header end */
	{ "A: b\nC: d", { 9, 10, 1 }, { 0, 0, 0 } },
	{ "A: b\nC: d\n", { 10, 12, 2 }, { 0, 0, 0 } },
	/* empty body */
	{ "A: b\n\n", { 6, 8, 2 }, { 0, 0, 0 } },
	/* mixed line ends, body without final LF */
	{ "A: b\r\n\nx\ry\r\nz", { 7, 8, 2 }, { 6, 6, 1 } },
	/* a CR alone on the header's last line is not the end */
	{ "A: b\n\rx\n\nb", { 9, 12, 3 }, { 1, 1, 0 } },
};

static void test_message_size_one(const struct message_size_test *test,
				  size_t limit, unsigned int idx)
{
	struct message_size hdr, body;
	struct istream *input;
	const char *error;

	input = test_istream_create_data(test->input, strlen(test->input));
	test_istream_set_read_limit(input, limit);
	test_assert_idx(message_get_header_body_size(input, &hdr, &body,
						     &error) == 0, idx);
	test_assert_idx(hdr.physical_size == test->hdr.physical_size, idx);
	test_assert_idx(hdr.virtual_size == test->hdr.virtual_size, idx);
	test_assert_idx(hdr.lines == test->hdr.lines, idx);
	test_assert_idx(body.physical_size == test->body.physical_size, idx);
	test_assert_idx(body.virtual_size == test->body.virtual_size, idx);
	test_assert_idx(body.lines == test->body.lines, idx);
	i_stream_destroy(&input);
}

void test_message_size(void)
{
	test_begin("message_get_header_body_size");
	for (unsigned int i = 0; i < N_ELEMENTS(message_size_tests); i++) {
		test_message_size_one(&message_size_tests[i], 0, i);
		test_message_size_one(&message_size_tests[i], 1, i);
		test_message_size_one(&message_size_tests[i], 2, i);
	}
	test_end();
}
