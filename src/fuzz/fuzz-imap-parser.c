/* Copyright (c) Cove authors. See AUTHORS. */

/* Fuzz target: IMAP command lines (tag, name, arguments with lists,
   quoted strings and literals, LITERAL+), and the sequence sets found
   in them, as the IMAP worker parses what a client sends. */

#include "lib.h"
#include "buffer.h"
#include "istream.h"
#include "ostream.h"
#include "imap-parser.h"
#include "imap-seqset.h"
#include "fuzz-common.h"

#define FUZZ_IMAP_MAX_LINE 1024
#define FUZZ_IMAP_MAX_LITERAL 4096
#define FUZZ_IMAP_MAX_COMMANDS 64

static void fuzz_imap_args(const struct imap_arg *args)
{
	ARRAY_TYPE(seq_range) ranges;
	const struct imap_arg *list;
	const char *str, *error;

	t_array_init(&ranges, 4);
	for (; !imap_arg_is_eol(args); args++) {
		if (imap_arg_get_list(args, &list))
			fuzz_imap_args(list);
		else if (imap_arg_get_atom(args, &str)) {
			array_clear(&ranges);
			(void)imap_seqset_parse(str, 100, &ranges, &error);
		}
	}
}

FUZZ_TARGET(imap_parser)
{
	struct istream *input = i_stream_create_from_data(data, size);
	buffer_t *outbuf = buffer_create_dynamic(default_pool, 256);
	struct ostream *output = o_stream_create_buffer(outbuf);
	struct imap_parser *parser;
	const struct imap_arg *args;
	const char *tag, *name;
	bool fatal;

	parser = imap_parser_create(input, output, FUZZ_IMAP_MAX_LINE,
				    FUZZ_IMAP_MAX_LITERAL);
	for (unsigned int i = 0; i < FUZZ_IMAP_MAX_COMMANDS; i++) {
		imap_parser_reset(parser);
		(void)i_stream_read(input);
		tag = imap_parser_read_word(parser);
		name = tag == NULL || tag[0] == '\0' ? tag :
			imap_parser_read_word(parser);
		if (name == NULL)
			break;
		if (name[0] != '\0') {
			int ret = imap_parser_read_args(parser, 0,
				IMAP_PARSE_FLAG_NONE, &args);

			if (ret >= 0) {
				fuzz_imap_args(args);
				continue;
			}
			if (ret == -2)
				break;
		}
		(void)imap_parser_get_error(parser, &fatal);
		if (fatal)
			break;
	}
	imap_parser_destroy(&parser);
	o_stream_destroy(&output);
	buffer_free(&outbuf);
	i_stream_destroy(&input);
}
