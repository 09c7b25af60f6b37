/* Copyright (c) Cove authors. See AUTHORS. */

/* Fuzz target: what APPEND and STORE take from a client before anything
   is saved: the flag list (system flags and keywords) parsed by the IMAP
   parser (with literal8, as APPEND's), the date-time, and the keyword letters of the Maildir file
   name that the flags become. */

#include "lib.h"
#include "array.h"
#include "istream.h"
#include "imap-parser.h"
#include "imap-date.h"
#include "imap-flags.h"
#include "maildir/maildir-keywords.h"
#include "fuzz-common.h"

#define FUZZ_APPEND_MAX_LINE 4096
#define FUZZ_APPEND_MAX_LITERAL 4096

/* args: a flag list, then anything; strings are tried as date-times. */
static void fuzz_append_args(const struct imap_arg *args)
{
	ARRAY_TYPE(const_string) keywords;
	const struct imap_arg *list;
	enum mail_flags flags;
	const char *str, *error, *info;
	uint32_t mask;
	time_t t;

	t_array_init(&keywords, 8);
	if (imap_arg_get_list(args, &list) &&
	    imap_flags_parse(list, &flags, &keywords, &error) == 0) {
		/* as many keyword letters as the mailbox has room for */
		mask = (1U << I_MIN(array_count(&keywords),
				    MAIL_KEYWORDS_MAX)) - 1;
		info = maildir_keywords_info_set("", flags, mask);
		i_assert(maildir_keywords_from_info(info) == mask);
	}
	for (; !imap_arg_is_eol(args); args++) {
		if (imap_arg_get_string(args, &str))
			(void)imap_date_parse(str, &t);
	}
}

FUZZ_TARGET(imap_append)
{
	struct istream *input = i_stream_create_from_data(data, size);
	struct imap_parser *parser;
	const struct imap_arg *args;

	parser = imap_parser_create(input, NULL, FUZZ_APPEND_MAX_LINE,
				    FUZZ_APPEND_MAX_LITERAL);
	(void)i_stream_read(input);
	if (imap_parser_read_args(parser, 0, IMAP_PARSE_FLAG_LITERAL8,
				  &args) >= 0)
		fuzz_append_args(args);
	imap_parser_destroy(&parser);
	i_stream_destroy(&input);
}
