/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef SMTP_COMMAND_PARSER_H
#define SMTP_COMMAND_PARSER_H

/* Splits SMTP/LMTP server input into command lines (RFC 5321 4.1.1):
   "VERB[ SP args] CRLF", with bare LF accepted as the line end. The parser
   only looks at data already buffered in the istream; the caller reads.
   Lines longer than max_line_length are skipped up to their LF and then
   reported as an error, so pipelined commands after them stay in sync.
   The istream's max buffer size must exceed max_line_length + 2. */

struct istream;
struct smtp_command_parser;

struct smtp_command {
	/* Upper-cased verb, e.g. "MAIL". */
	const char *name;
	/* Everything after the verb and its space ("" if none). */
	const char *args;
};

struct smtp_command_parser *
smtp_command_parser_init(struct istream *input, size_t max_line_length);
void smtp_command_parser_deinit(struct smtp_command_parser **parser);

/* Parses the next buffered command line. Returns 1 with cmd_r filled
   (strings valid until the next call), 0 when no whole line is buffered
   (read more input), or -1 when the line was invalid or too long: the
   line has been consumed, error_r says why ("Line too long"), and the
   caller replies and calls again. */
int smtp_command_parser_next(struct smtp_command_parser *parser,
			     struct smtp_command *cmd_r,
			     const char **error_r);

#endif
