/* Copyright (c) Cove authors. See AUTHORS. */

/* Tests for imap-id: the ID arguments as the parser returns them. */

#include "lib.h"
#include "str.h"
#include "istream.h"
#include "imap-parser.h"
#include "imap-id.h"
#include "test-lib-imap.h"

#define TEST_MAX_LINE 4096

/* Parses "ID <args>" and runs imap_id_parse_args() on them. */
static int test_id_parse(const char *line, const char **log_r,
			 const char **error_r)
{
	const char *data = t_strconcat("a ID ", line, "\r\n", NULL);
	const struct imap_arg *args;
	struct istream *input;
	struct imap_parser *parser;
	int ret;

	input = test_istream_create_data(data, strlen(data));
	parser = imap_parser_create(input, NULL, TEST_MAX_LINE,
				    TEST_MAX_LINE);
	(void)i_stream_read(input);
	test_assert_strcmp(imap_parser_read_word(parser), "a");
	test_assert_strcmp(imap_parser_read_word(parser), "ID");
	if (imap_parser_read_args(parser, 0, 0, &args) < 0)
		ret = -2;
	else
		ret = imap_id_parse_args(args, log_r, error_r);
	imap_parser_destroy(&parser);
	i_stream_destroy(&input);
	return ret;
}

void test_imap_id_parse_args(void)
{
	static const struct {
		const char *line;
		int ret;
		const char *result;
	} tests[] = {
		{ "NIL", 0, "" },
		{ "()", 0, "" },
		{ "(\"name\" \"Foxmail\" \"version\" \"7.2\")", 0,
		  "name=Foxmail, version=7.2" },
		{ "(\"name\" NIL)", 0, "name=NIL" },
		{ "(\"x\" \"a\\\"b\")", 0, "x=a\"b" },
		{ "(\"n\" {3+}\r\n\x01\xe4z)", 0, "n=??z" },
		{ "(\"name\")", -1, "Invalid parameters." },
		{ "(name \"x\")", -1, "Invalid parameters." },
		{ "(NIL \"x\")", -1, "Invalid parameters." },
		{ "(\"a\" (\"b\"))", -1, "Invalid parameters." },
		{ "foo", -1, "Invalid parameters." },
		{ "", -1, "Missing arguments." },
		{ "NIL NIL", -1, "Unexpected arguments." },
	};
	const char *result, *error;
	unsigned int i;
	int ret;

	test_begin("imap id parse args");
	for (i = 0; i < N_ELEMENTS(tests); i++) {
		result = error = NULL;
		ret = test_id_parse(tests[i].line, &result, &error);
		test_assert_idx(ret == tests[i].ret, i);
		test_assert_strcmp(ret == 0 ? result : error,
				   tests[i].result);
	}
	test_end();
}

/* Over-long names and values and too many fields are cut. */
void test_imap_id_parse_limits(void)
{
	string_t *line = t_str_new(4096);
	string_t *expected = t_str_new(4096);
	const char *result, *error;
	unsigned int i;

	test_begin("imap id parse limits");
	str_append(line, "(\"");
	for (i = 0; i < IMAP_ID_MAX_NAME_LEN + 5; i++)
		str_append_c(line, 'n');
	str_append(line, "\" \"");
	for (i = 0; i < IMAP_ID_MAX_VALUE_LEN + 5; i++)
		str_append_c(line, 'v');
	str_append_c(line, '"');
	for (i = 1; i < IMAP_ID_MAX_FIELDS + 2; i++)
		str_append(line, " \"k\" \"v\"");
	str_append_c(line, ')');

	for (i = 0; i < IMAP_ID_MAX_NAME_LEN; i++)
		str_append_c(expected, 'n');
	str_append(expected, "...=");
	for (i = 0; i < IMAP_ID_MAX_VALUE_LEN; i++)
		str_append_c(expected, 'v');
	str_append(expected, "...");
	for (i = 1; i < IMAP_ID_MAX_FIELDS; i++)
		str_append(expected, ", k=v");
	str_append(expected, " (2 more fields)");

	test_assert(test_id_parse(str_c(line), &result, &error) == 0);
	test_assert_strcmp(result, str_c(expected));
	test_end();
}
