/* Copyright (c) Cove authors. See AUTHORS. */

/* Tests for imap-fetch-binary: decoding by Content-Transfer-Encoding and
   finding a part's encoding in its header. */

#include "lib.h"
#include "str.h"
#include "istream.h"
#include "message-parser.h"
#include "imap-fetch-binary.h"
#include "test-imap.h"

struct fetch_binary_test {
	const char *cte;
	const char *input;
	/* NULL: the encoding is unknown */
	const char *output;
	size_t output_len;
};

static const struct fetch_binary_test fetch_binary_tests[] = {
	{ NULL, "a\nb\n", "a\r\nb\r\n", 6 },
	{ "7BIT", "a\r\nb", "a\r\nb", 4 },
	{ "8bit", "\xc3\xa9\n", "\xc3\xa9\r\n", 4 },
	{ "binary", "a\nb\n", "a\nb\n", 4 },
	{ "base64", "YQBi\nYw==\n", "a\0bc", 4 },
	{ "Base64", " YW Jj\n\n", "abc", 3 },
	{ "quoted-printable", "a=3D=\nb \nc=00\n", "a=b\r\nc\0\r\n", 9 },
	{ "x-uuencode", "begin", NULL, 0 },
	{ "", "a", NULL, 0 },
};

static void test_imap_fetch_binary_decode_body(void)
{
	const struct fetch_binary_test *test;
	unsigned int i;
	string_t *dest;
	bool ok;

	for (i = 0; i < N_ELEMENTS(fetch_binary_tests); i++) T_BEGIN {
		test = &fetch_binary_tests[i];
		dest = t_str_new(64);
		ok = imap_fetch_binary_decode_body(test->cte,
			(const unsigned char *)test->input,
			strlen(test->input), dest);
		test_assert_idx(ok == (test->output != NULL), i);
		if (ok) {
			test_assert_idx(str_len(dest) == test->output_len &&
					memcmp(str_data(dest), test->output,
					       test->output_len) == 0, i);
		}
	} T_END;
}

/* The part's own header gives the encoding; a multipart's does not. */
static void test_imap_fetch_binary_decode_part(void)
{
	static const char msg[] =
		"Content-Type: multipart/mixed; boundary=b\n"
		"Content-Transfer-Encoding: base64\n\n"
		"--b\n"
		"Content-Transfer-Encoding:\n (comment) base64\n\n"
		"aGk=\n"
		"--b\n"
		"Content-Transfer-Encoding: (base64\n\n"
		"x\n"
		"--b--\n";
	static const struct {
		const char *section;
		enum imap_fetch_binary_result result;
		const char *output;
	} tests[] = {
		{ "1", IMAP_FETCH_BINARY_OK, "hi" },
		{ "2", IMAP_FETCH_BINARY_UNKNOWN_CTE, NULL },
	};
	struct message_part *parts, *part;
	struct istream *input;
	const char *error;
	unsigned int i;
	string_t *dest;

	for (i = 0; i < N_ELEMENTS(tests); i++) T_BEGIN {
		input = i_stream_create_from_data(msg, sizeof(msg) - 1);
		test_assert(message_parse_parts(datastack_pool, input, &parts,
						&error) == 0);
		i_stream_destroy(&input);
		part = message_part_find(parts, tests[i].section);
		input = i_stream_create_from_data(msg, sizeof(msg) - 1);
		dest = t_str_new(64);
		test_assert_idx(imap_fetch_binary_decode(input, part, dest,
				&error) == tests[i].result, i);
		if (tests[i].output != NULL)
			test_assert_strcmp(str_c(dest), tests[i].output);
		i_stream_destroy(&input);
	} T_END;
}

void test_imap_fetch_binary(void)
{
	test_begin("imap fetch binary");
	test_imap_fetch_binary_decode_body();
	test_imap_fetch_binary_decode_part();
	test_end();
}
