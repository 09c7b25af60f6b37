/* Copyright (c) Cove authors. See AUTHORS. */

/* Fuzz target: SEARCH arguments as a client sends them, parsed by the
   IMAP parser and then into a search tree (every key, nesting, dates,
   sequence sets). */

#include "lib.h"
#include "istream.h"
#include "imap-parser.h"
#include "imap-search-args.h"
#include "fuzz-common.h"

#define FUZZ_SEARCH_MAX_LINE 4096
#define FUZZ_SEARCH_MAX_LITERAL 4096

FUZZ_TARGET(imap_search)
{
	struct istream *input = i_stream_create_from_data(data, size);
	struct imap_parser *parser;
	struct imap_search_arg *root;
	const struct imap_arg *args;
	const char *error;
	pool_t pool;

	parser = imap_parser_create(input, NULL, FUZZ_SEARCH_MAX_LINE,
				    FUZZ_SEARCH_MAX_LITERAL);
	(void)i_stream_read(input);
	if (imap_parser_read_args(parser, 0, 0, &args) >= 0) {
		pool = pool_alloconly_create("fuzz search", 1024);
		if (imap_search_args_parse(pool, args, 10, 100, &root,
					   &error) == 0)
			i_assert(root->type == IMAP_SEARCH_ARG_AND);
		pool_unref(&pool);
	}
	imap_parser_destroy(&parser);
	i_stream_destroy(&input);
}
