/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef IMAP_PARSER_H
#define IMAP_PARSER_H

/* Incremental parser for IMAP command lines (RFC 3501 section 9), fed from
   a non-blocking istream. A command is read as: tag and command name with
   imap_parser_read_word(), then the arguments with imap_parser_read_args(),
   which may need to be called several times while input arrives. Literals
   {n} (synchronizing, a "+ OK" continuation request is written to the output
   stream) and {n+} (RFC 7888 LITERAL+) are read into memory. Every line and
   literal is bounded by the limits given at creation. */

#include "array.h"

struct istream;
struct ostream;

enum imap_arg_type {
	IMAP_ARG_NIL,
	IMAP_ARG_ATOM,
	IMAP_ARG_STRING,
	IMAP_ARG_LITERAL,
	IMAP_ARG_LIST,
	IMAP_ARG_EOL
};

ARRAY_DEFINE_TYPE(imap_arg_list, struct imap_arg);
struct imap_arg {
	enum imap_arg_type type;
	struct imap_arg *parent;
	size_t str_len;                     /* for strings/atoms/literals */
	/* A literal8 ~{n} (RFC 3516): its data may hold NUL bytes */
	bool literal8;
	union {
		const char *str;
		ARRAY_TYPE(imap_arg_list) list;
	} _data;
};

enum imap_parser_flags {
	IMAP_PARSE_FLAG_NONE = 0,
	/* Accept literal8 ~{n} and ~{n+} (RFC 3516 APPEND), whose data
	   may hold NUL bytes; elsewhere '~' before '{' is a syntax error. */
	IMAP_PARSE_FLAG_LITERAL8 = 0x01,
};

/* Create a parser reading from input. output: where "+ OK\r\n" continuation
   requests go (may be NULL: then synchronizing literals are errors).
   A command line of max_line_size bytes or more (CRLF and literal data
   not counted) is an error, so an istream buffer of max_line_size bytes
   suffices. max_literal_size bounds the sum of a command's literals (the
   messages of a MULTIAPPEND together). */
struct imap_parser *
imap_parser_create(struct istream *input, struct ostream *output,
		   size_t max_line_size, size_t max_literal_size);
void imap_parser_destroy(struct imap_parser **parser);

/* Input that was read before the istream (the login process's leftover
   after LOGIN): it is parsed before anything from the istream. Call at
   most once, before parsing starts. */
void imap_parser_set_prefix(struct imap_parser *parser, const void *data,
			    size_t size);

/* Forget the current command (call before each new command). Arguments
   returned earlier become invalid. The literal size limit goes back to
   the one given at creation. */
void imap_parser_reset(struct imap_parser *parser);
/* Sets the literal size limit for the current command only (APPEND's
   messages may be larger than other commands' literals). */
void imap_parser_set_max_literal_size(struct imap_parser *parser,
				      size_t max_literal_size);

/* Reads one SP-terminated word (tag, command name). Returns NULL when more
   input is needed, "" on syntax error (see imap_parser_get_error()).
   The string is valid until imap_parser_reset(). A word followed directly by
   CRLF is returned too; the CRLF is left for imap_parser_read_args(). */
const char *imap_parser_read_word(struct imap_parser *parser);

/* Parses the rest of the command up to CRLF, incl. literals {n} and
   non-synchronizing {n+} (LITERAL+). count 0 parses the whole line;
   count > 0 returns as soon as that many top-level args are parsed (a
   later call with a higher count or 0 continues). Returns the number of
   args (>=0, args_r ends with IMAP_ARG_EOL) when complete, -2 when more
   input is needed (call again after reading), -1 on error. The args are
   valid until imap_parser_reset(). */
int imap_parser_read_args(struct imap_parser *parser, unsigned int count,
			  enum imap_parser_flags flags,
			  const struct imap_arg **args_r);

/* Returns the last error. fatal_r: the connection must be closed (a
   non-synchronizing literal is too large: its data cannot be told apart
   from commands). After a non-fatal error (including a too long line) the
   caller replies BAD and goes on: imap_parser_reset() and then
   imap_parser_read_word() skip the rest of the line. */
const char *imap_parser_get_error(struct imap_parser *parser, bool *fatal_r);
/* After a "Literal too large" error: the size of the command's literals
   with the refused one (what the client wanted to send), for the log.
   0 otherwise; imap_parser_reset() clears it. */
uoff_t imap_parser_get_refused_literals_size(struct imap_parser *parser);

/* Typed accessors: return false if arg is of another type. */
bool imap_arg_get_atom(const struct imap_arg *arg, const char **str_r);
/* quoted or literal */
bool imap_arg_get_string(const struct imap_arg *arg, const char **str_r);
/* atom/quoted/literal */
bool imap_arg_get_astring(const struct imap_arg *arg, const char **str_r);
/* string or NIL (NIL -> NULL) */
bool imap_arg_get_nstring(const struct imap_arg *arg, const char **str_r);
/* list_r ends with an IMAP_ARG_EOL element */
bool imap_arg_get_list(const struct imap_arg *arg,
		       const struct imap_arg **list_r);
bool imap_arg_is_eol(const struct imap_arg *arg);

#endif
