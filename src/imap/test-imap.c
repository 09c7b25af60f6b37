/* Copyright (c) Cove authors. See AUTHORS. */

/* Unit test binary of the imap worker's pure parts: main() built from
   test-imap.inc, plus the argument parsing helper the tests share. */

#include "lib.h"
#include "istream.h"
#include "test-imap.h"

static struct istream *test_input;
static struct imap_parser *test_parser;

const struct imap_arg *test_imap_args_parse(const char *line)
{
	const struct imap_arg *args;
	const char *data = t_strconcat(line, "\r\n", NULL);
	bool fatal;

	test_imap_args_free();
	test_input = i_stream_create_from_data(data, strlen(data));
	test_parser = imap_parser_create(test_input, NULL, 65536, 1024);
	(void)i_stream_read(test_input);
	if (imap_parser_read_args(test_parser, 0, 0, &args) < 0)
		i_panic("test_imap_args_parse(%s) failed: %s", line,
			imap_parser_get_error(test_parser, &fatal));
	return args;
}

void test_imap_args_free(void)
{
	if (test_parser != NULL)
		imap_parser_destroy(&test_parser);
	if (test_input != NULL)
		i_stream_destroy(&test_input);
}

#define TEST_REGISTRY "test-imap.inc"
#include "test-main.h"
