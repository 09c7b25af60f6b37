/* Copyright (c) Cove authors. See AUTHORS. */

/* Tests for smtp-command-parser.c. Every input is fed whole, byte by byte
   and split in two at every offset; the results must not differ. */

#include "lib.h"
#include "str.h"
#include "istream.h"
#include "test-common.h"
#include "smtp-command-parser.h"

void test_smtp_command_parser(void);
void test_smtp_command_parser_long_line(void);

#define TEST_MAX_LINE_LENGTH 32

/* Parses everything and returns one line per result: "NAME|args" or
   "error: text". split 0 feeds all at once; otherwise the first read gets
   split bytes, and with byte_by_byte every read gets one. */
static const char *
test_parse_all(const char *input, size_t len, size_t split, bool byte_by_byte)
{
	struct istream *stream = test_istream_create_data(input, len);
	struct smtp_command_parser *parser;
	struct smtp_command cmd;
	string_t *out = t_str_new(256);
	const char *error;
	ssize_t ret;

	i_stream_set_max_buffer_size(stream, TEST_MAX_LINE_LENGTH + 8);
	if (split > 0)
		test_istream_set_read_limit(stream, split);
	parser = smtp_command_parser_init(stream, TEST_MAX_LINE_LENGTH);
	for (;;) {
		int pret = smtp_command_parser_next(parser, &cmd, &error);

		if (pret > 0)
			str_printfa(out, "%s|%s\n", cmd.name, cmd.args);
		else if (pret < 0)
			str_printfa(out, "error: %s\n", error);
		else {
			ret = i_stream_read(stream);
			if (ret == -1)
				break;
			if (!byte_by_byte)
				test_istream_set_read_limit(stream, 0);
		}
	}
	smtp_command_parser_deinit(&parser);
	i_stream_destroy(&stream);
	return str_c(out);
}

/* len 0 means strlen(input) */
static void test_parse_all_ways(const char *input, size_t len,
				const char *output, unsigned int idx)
{
	if (len == 0)
		len = strlen(input);
	test_assert_strcmp(test_parse_all(input, len, 0, false), output);
	if (strcmp(test_parse_all(input, len, 1, true), output) != 0)
		test_assert_failed_idx("byte by byte", __FILE__, __LINE__, idx);
	for (size_t split = 1; split < len; split++) T_BEGIN {
		if (strcmp(test_parse_all(input, len, split, false),
			   output) != 0) {
			test_assert_failed_idx("split", __FILE__, __LINE__,
					       idx * 1000 + split);
		}
	} T_END;
}

void test_smtp_command_parser(void)
{
	static const struct {
		const char *input;
		/* 0 = strlen(input) */
		size_t len;
		const char *output;
	} tests[] = {
		{ "LHLO host\r\n", 0, "LHLO|host\n" },
		{ "lhlo host\r\n", 0, "LHLO|host\n" },
		{ "MaIl FROM:<a@b> SIZE=10\r\n", 0,
		  "MAIL|FROM:<a@b> SIZE=10\n" },
		{ "MAIL FROM:<>\r\n", 0, "MAIL|FROM:<>\n" },
		{ "QUIT\n", 0, "QUIT|\n" },
		{ "NOOP \r\n", 0, "NOOP|\n" },
		/* pipelining: several commands in one packet */
		{ "MAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\nDATA\r\n", 0,
		  "MAIL|FROM:<a@b>\nRCPT|TO:<c@d>\nDATA|\n" },
		{ "\r\nNOOP\r\n", 0, "error: Invalid command syntax\nNOOP|\n" },
		{ "RC1PT TO:<a@b>\r\n", 0, "error: Invalid command syntax\n" },
		{ " NOOP\r\n", 0, "error: Invalid command syntax\n" },
		{ "NO\0OP\r\nQUIT\r\n", 13,
		  "error: Invalid command syntax (NUL byte)\nQUIT|\n" },
		{ "RCPT TO:<\xc3\xa9@b>\r\n", 0, "RCPT|TO:<\xc3\xa9@b>\n" },
		/* incomplete last line is not returned */
		{ "NOOP\r\nQUI", 0, "NOOP|\n" },
		/* exactly the maximum (32) is fine */
		{ "NOOP 123456789012345678901234567\r\n", 0,
		  "NOOP|123456789012345678901234567\n" },
	};

	test_begin("smtp command parser");
	for (unsigned int i = 0; i < N_ELEMENTS(tests); i++)
		test_parse_all_ways(tests[i].input, tests[i].len,
				    tests[i].output, i);
	test_end();
}

void test_smtp_command_parser_long_line(void)
{
	static const struct {
		size_t split;
		bool byte_by_byte;
	} splits[] = { { 0, false }, { 1, true }, { 7, true }, { 100, false } };
	string_t *input = t_str_new(1024);
	const char *output;

	test_begin("smtp command parser long line");
	/* one byte over the limit: the error comes once its LF arrives, and
	   the next command is in sync */
	test_parse_all_ways("NOOP 1234567890123456789012345678\r\nQUIT\r\n", 0,
			    "error: Line too long\nQUIT|\n", 0);
	/* much longer than the stream buffer */
	str_append(input, "MAIL FROM:<");
	for (unsigned int i = 0; i < 50; i++)
		str_append(input, "abcdefghijklmnopqrstuvwxyz");
	str_append(input, "@b>\r\nRSET\r\n");
	output = "error: Line too long\nRSET|\n";
	for (unsigned int i = 0; i < N_ELEMENTS(splits); i++) {
		test_assert_strcmp(test_parse_all(str_c(input), str_len(input),
						  splits[i].split,
						  splits[i].byte_by_byte),
				   output);
	}
	test_end();
}
