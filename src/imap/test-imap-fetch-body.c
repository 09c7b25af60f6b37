/* Copyright (c) Cove authors. See AUTHORS. */

/* Tests for imap-fetch-body: CRLF conversion fed whole, byte by byte and
   split at every offset, with exact literal sizes, padding and
   truncation. */

#include "lib.h"
#include "buffer.h"
#include "str.h"
#include "istream.h"
#include "ostream.h"
#include "net.h"
#include "imap-fetch-body.h"

#include <sys/socket.h>
#include "test-imap.h"

struct fetch_body_test {
	const char *input;
	uoff_t skip, size;
	const char *output;
	bool padded;
};

static const struct fetch_body_test fetch_body_tests[] = {
	{ "", 0, 0, "", false },
	{ "a\nb\n", 0, 6, "a\r\nb\r\n", false },
	{ "a\r\nb\n\n", 0, 8, "a\r\nb\r\n\r\n", false },
	{ "\n\r\n\r\r\n", 0, 7, "\r\n\r\n\r\r\n", false },
	{ "abc", 0, 3, "abc", false },
	/* truncated: the literal size wins */
	{ "a\nb\n", 0, 4, "a\r\nb", false },
	{ "a\n", 0, 2, "a\r", false },
	/* partial: the skipped part counts in CRLF form */
	{ "a\nb\n", 2, 4, "\nb\r\n", false },
	{ "a\nb\n", 1, 1, "\r", false },
	{ "a\nb\n", 3, 2, "b\r", false },
	{ "line\n", 6, 0, "", false },
	/* the message shrank: padded with spaces */
	{ "a\n", 0, 5, "a\r\n  ", true },
	{ "a\n", 1, 5, "\r\n   ", true },
};

static void test_fetch_body_run(const struct fetch_body_test *test,
				unsigned int idx, size_t first, size_t per_read)
{
	struct imap_fetch_body_stream stream = {
		.skip = test->skip, .left = test->size
	};
	buffer_t *buf = t_str_new(64);
	struct ostream *output = o_stream_create_buffer(buf);
	const char *error;

	stream.input = test_istream_create_data(test->input,
						strlen(test->input));
	test_istream_set_read_limit(stream.input, first);
	if (first != 0) {
		/* the first read gets only the first bytes */
		(void)i_stream_read(stream.input);
		test_istream_set_read_limit(stream.input, per_read);
	}
	test_assert_idx(imap_fetch_body_send(&stream, output, SIZE_MAX,
					     &error) == 1, idx);
	test_assert_idx(stream.left == 0, idx);
	test_assert_idx(stream.padded == test->padded, idx);
	test_assert_strcmp(str_c(buf), test->output);
	o_stream_destroy(&output);
	i_stream_destroy(&stream.input);
}

void test_imap_fetch_body_send(void)
{
	unsigned int i;
	size_t split;

	test_begin("imap fetch body send");
	for (i = 0; i < N_ELEMENTS(fetch_body_tests); i++) T_BEGIN {
		const struct fetch_body_test *test = &fetch_body_tests[i];

		test_fetch_body_run(test, i, 0, 0);
		test_fetch_body_run(test, i, 1, 1);
		for (split = 1; split < strlen(test->input); split++)
			test_fetch_body_run(test, i, split, 0);
	} T_END;
	test_end();
}

/* Reads what the peer has sent so far. */
static void test_fetch_body_drain(int fd, string_t *dest)
{
	char buf[4096];
	ssize_t ret;

	while ((ret = read(fd, buf, sizeof(buf))) > 0)
		str_append_data(dest, buf, ret);
}

/* Through a socket that fills up: sending pauses while the output buffer
   is full and continues exactly where it stopped. */
void test_imap_fetch_body_pause(void)
{
	struct imap_fetch_body_stream stream;
	string_t *input = t_str_new(1024 * 1024);
	string_t *expected = t_str_new(1024 * 1024);
	string_t *received = t_str_new(1024 * 1024);
	struct ostream *output;
	const char *error;
	unsigned int i, pauses = 0;
	int fds[2], ret;

	test_begin("imap fetch body pause");
	for (i = 0; str_len(input) < 1024 * 1024; i++) {
		str_printfa(input, "line %u\n", i);
		str_printfa(expected, "line %u\r\n", i);
	}
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, fds) < 0)
		i_fatal("socketpair() failed: %m");
	fd_set_nonblock(fds[0], true);
	fd_set_nonblock(fds[1], true);
	output = o_stream_create_fd(fds[0], false);
	stream = (struct imap_fetch_body_stream){
		.input = test_istream_create_data(str_data(input),
						  str_len(input)),
		.left = str_len(expected),
	};
	test_istream_set_read_limit(stream.input, 5000);
	while ((ret = imap_fetch_body_send(&stream, output, 16384,
					   &error)) == 0) {
		pauses++;
		test_assert(o_stream_get_buffer_used_size(output) >= 16384);
		(void)o_stream_flush(output);
		test_fetch_body_drain(fds[1], received);
	}
	test_assert(ret == 1);
	test_assert(pauses > 0);
	while (o_stream_flush(output) == 0)
		test_fetch_body_drain(fds[1], received);
	test_fetch_body_drain(fds[1], received);
	test_assert(str_equals(received, expected));
	o_stream_destroy(&output);
	i_stream_destroy(&stream.input);
	i_close_fd(&fds[0]);
	i_close_fd(&fds[1]);
	test_end();
}

void test_imap_fetch_body_consume(void)
{
	struct istream *input;
	const unsigned char *data;
	const char *error;
	size_t size;

	buffer_t *buf = t_str_new(16);

	test_begin("imap fetch body consume");
	input = test_istream_create_data("header\n\nbody", 12);
	test_istream_set_read_limit(input, 3);
	test_assert(imap_fetch_body_consume(input, 2, buf, &error) == 0);
	test_assert_strcmp(str_c(buf), "he");
	test_assert(imap_fetch_body_consume(input, 6, NULL, &error) == 0);
	test_assert(i_stream_read_bytes(input, &data, &size, 4) == 1 &&
		    memcmp(data, "body", 4) == 0);
	test_assert(imap_fetch_body_consume(input, 5, buf, &error) < 0);
	i_stream_destroy(&input);
	test_end();
}
