/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef RFC822_PARSER_H
#define RFC822_PARSER_H

/* Tokenizer for structured header values (RFC 5322 3.2, RFC 2045 5.1):
   whitespace and comments, atoms, quoted strings, domain literals, MIME
   tokens. The parse functions append what they read to a string and
   return 1 if more data follows, 0 at the end of the data, -1 if the
   next thing is not what was asked for (nothing is consumed then). */

#include "str.h"

struct rfc822_parser_context {
	const unsigned char *data, *end;
	/* If not NULL, the text of the last comment skipped is put here. */
	string_t *last_comment;
};

void rfc822_parser_init(struct rfc822_parser_context *ctx,
			const unsigned char *data, size_t size,
			string_t *last_comment);
/* Skips whitespace, line ends and (nested) comments. Returns 1 if data
   remains, 0 at the end. An unclosed comment runs to the end. */
int rfc822_skip_lwsp(struct rfc822_parser_context *ctx);
/* atext+ (RFC 5322 atom without the surrounding CFWS). */
int rfc822_parse_atom(struct rfc822_parser_context *ctx, string_t *str);
/* atom *("." atom), with CFWS allowed around the dots. */
int rfc822_parse_dot_atom(struct rfc822_parser_context *ctx, string_t *str);
/* A MIME token: any printable ASCII but tspecials (RFC 2045). */
int rfc822_parse_mime_token(struct rfc822_parser_context *ctx,
			    string_t *str);
/* "..." with quoted-pairs unescaped; folding removed. An unclosed quote
   runs to the end. */
int rfc822_parse_quoted_string(struct rfc822_parser_context *ctx,
			       string_t *str);
/* word *(word) where word is an atom or quoted string (also "." as
   obsolete phrases allow), separated by single spaces. */
int rfc822_parse_phrase(struct rfc822_parser_context *ctx, string_t *str);
/* dot-atom or a domain literal "[...]". */
int rfc822_parse_domain(struct rfc822_parser_context *ctx, string_t *str);

#endif
