/* Copyright (c) Cove authors. See AUTHORS. */

/* Fuzz target: a stored message as FETCH and SEARCH read it: the MIME
   parser (part tree, boundaries, nesting), Content-Type parameters,
   address lists, ENVELOPE and BODYSTRUCTURE, section lookup, and the
   decoded text (RFC 2047 words, quoted-printable, base64, charsets). */

#include "lib.h"
#include "str.h"
#include "istream.h"
#include "message-decoder.h"
#include "message-parser.h"
#include "imap-bodystructure.h"
#include "imap-envelope.h"
#include "fuzz-common.h"

static void fuzz_text_cb(const struct message_text_block *block,
			 void *context)
{
	size_t *total = context;

	*total += block->size;
}

static void fuzz_structure(const uint8_t *data, size_t size)
{
	struct istream *input = test_istream_create_data(data, size);
	pool_t pool = pool_alloconly_create("fuzz parts", 4096);
	struct message_parser *parser;
	struct message_block block;
	struct message_part *parts;
	string_t *str = t_str_new(1024);
	const char *error;

	/* small reads, so that pieces split lines */
	test_istream_set_read_limit(input, 7);
	parser = message_parser_init(pool, input);
	while (message_parser_parse_next_block(parser, &block) > 0)
		imap_bodystructure_parse_block(pool, &block);
	(void)message_parser_deinit(&parser, &parts, &error);
	imap_envelope_write(imap_bodystructure_get_envelope(parts), str);
	imap_bodystructure_write(parts, str, true);
	imap_bodystructure_write(parts, str, false);
	(void)message_part_find(parts, "1.2.1");
	(void)message_part_find(parts, "2.1");
	i_stream_destroy(&input);
	pool_unref(&pool);
}

FUZZ_TARGET(message_parser)
{
	struct istream *input;
	const char *error;
	size_t total = 0;

	fuzz_structure(data, size);
	input = i_stream_create_from_data(data, size);
	(void)message_decode_text(input, fuzz_text_cb, &total, &error);
	i_stream_destroy(&input);
}
