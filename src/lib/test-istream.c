/* Copyright (c) Cove authors. See AUTHORS. */
/* Tests for istream.c: line reading from memory, test and fd streams. */

#include "lib.h"
#include "istream.h"
#include "net.h"
#include "str.h"
#include "test-lib.h"

#include <sys/socket.h>

/* Reads all lines of input with at most max_bytes per read, optionally
   with "would block" steps, and returns them joined with '|'. */
static const char *
test_read_lines(const char *input, size_t max_bytes, bool nonblock)
{
	struct istream *input_stream =
		test_istream_create_data(input, strlen(input));
	string_t *lines = t_str_new(128);
	char *line;
	ssize_t ret;

	test_istream_set_read_limit(input_stream, max_bytes);
	test_istream_set_nonblock_steps(input_stream, nonblock);
	for (;;) {
		while ((line = i_stream_next_line(input_stream)) != NULL) {
			str_append(lines, line);
			str_append_c(lines, '|');
		}
		ret = i_stream_read(input_stream);
		if (ret == -1)
			break;
		test_assert(ret >= 0);
	}
	while ((line = i_stream_next_line(input_stream)) != NULL) {
		str_append(lines, line);
		str_append_c(lines, '|');
	}
	test_assert(input_stream->eof && input_stream->stream_errno == 0);
	test_assert(input_stream->v_offset == strlen(input));
	i_stream_destroy(&input_stream);
	return str_c(lines);
}

static void test_istream_lines(void)
{
	static const struct {
		const char *input, *output;
	} tests[] = {
		{ "", "" },
		{ "\n", "|" },
		{ "a\nb\n", "a|b|" },
		{ "a\r\nb\r\n", "a|b|" },
		{ "a\r\nb\nc", "a|b|c|" },
		{ "one\n\ntwo\r\n\r\nlast", "one||two||last|" },
		{ "cr\rinside\n", "cr\rinside|" },
	};

	for (unsigned int i = 0; i < N_ELEMENTS(tests); i++) {
		size_t len = strlen(tests[i].input);

		for (size_t limit = 0; limit <= len + 1; limit++) {
			test_assert_strcmp(test_read_lines(tests[i].input,
							   limit, false),
					   tests[i].output);
			test_assert_strcmp(test_read_lines(tests[i].input,
							   limit, true),
					   tests[i].output);
		}
	}
}

static void test_istream_max_buffer(void)
{
	const char *input = "short\nthis line is too long\nok\n";
	struct istream *is = test_istream_create_data(input, strlen(input));
	char *line;

	i_stream_set_max_buffer_size(is, 10);
	test_assert(i_stream_get_max_buffer_size(is) == 10);
	test_assert(i_stream_read(is) == 10);
	line = i_stream_next_line(is);
	test_assert_strcmp(line, "short");
	test_assert(i_stream_read(is) == 6);
	test_assert(i_stream_next_line(is) == NULL);
	test_assert(i_stream_read(is) == -2);
	test_assert(i_stream_read_next_line(is) == NULL);
	/* the caller skips the oversized data and continues */
	size_t size;
	(void)i_stream_get_data(is, &size);
	i_stream_skip(is, size);
	test_assert(i_stream_read(is) > 0);
	i_stream_destroy(&is);

	/* i_stream_read_bytes() */
	is = test_istream_create_data("0123456789", 10);
	test_istream_set_read_limit(is, 3);
	const unsigned char *data;
	test_assert(i_stream_read_bytes(is, &data, &size, 5) == 1);
	test_assert(size >= 5 && memcmp(data, "01234", 5) == 0);
	test_assert(i_stream_read_bytes(is, &data, &size, 11) == -1);
	test_assert(size == 10);
	i_stream_destroy(&is);
}

static void test_istream_fd(void)
{
	int fds[2];
	char *line;

	test_assert(socketpair(AF_UNIX, SOCK_STREAM, 0, fds) == 0);
	struct istream *is = i_stream_create_fd(fds[0], 16, true);
	test_assert(i_stream_get_fd(is) == fds[0]);
	fd_set_nonblock(fds[0], true);
	test_assert(i_stream_read(is) == 0);
	test_assert(write(fds[1], "hello\r\nwor", 10) == 10);
	test_assert_strcmp(i_stream_read_next_line(is), "hello");
	/* non-blocking: the rest of the line is not there yet */
	test_assert(i_stream_read_next_line(is) == NULL);
	test_assert(write(fds[1], "ld\nxxxxxxxxxxxxxxxxxxxxxxx\n", 27) == 27);
	test_assert_strcmp(i_stream_read_next_line(is), "world");
	/* longer than the 16-byte buffer */
	test_assert(i_stream_read_next_line(is) == NULL);
	test_assert(i_stream_read(is) == -2);
	size_t size;
	(void)i_stream_get_data(is, &size);
	test_assert(size == 16);
	i_stream_skip(is, size);
	line = i_stream_read_next_line(is);
	test_assert_strcmp(line, "xxxxxxx");
	test_assert(write(fds[1], "tail", 4) == 4);
	test_assert(close(fds[1]) == 0);
	fd_set_nonblock(fds[0], false);
	test_assert_strcmp(i_stream_read_next_line(is), "tail");
	test_assert(i_stream_read_next_line(is) == NULL);
	test_assert(is->eof && is->stream_errno == 0);
	test_assert(i_stream_read(is) == -1);
	test_assert_strcmp(i_stream_get_error(is), "EOF");
	i_stream_destroy(&is);
	test_assert(is == NULL);
	/* autoclose_fd closed it */
	test_assert(close(fds[0]) < 0 && errno == EBADF);
}

void test_istream(void)
{
	test_begin("istream");
	test_istream_lines();
	test_istream_max_buffer();
	test_istream_fd();
	test_end();
}
