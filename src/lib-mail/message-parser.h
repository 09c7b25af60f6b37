/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef MESSAGE_PARSER_H
#define MESSAGE_PARSER_H

/* Streaming MIME parser (RFC 2045, 2046, 5322). It reads a message from a
   blocking istream a line at a time and hands out blocks: each header
   field (unfolded), the end of each part's header, and the body data of
   each part. Meanwhile it builds the tree of parts with their offsets,
   sizes and line counts, which message_parser_deinit() returns.

   Multipart bodies are split at their boundaries; the line end before a
   boundary line belongs to the boundary (RFC 2046 5.1.1), so it is in no
   part's body. A message/rfc822 part has one child: the embedded message.
   Broken MIME is parsed as far as it makes sense: a missing closing
   boundary ends the parts at EOF, a boundary line inside a header ends
   the header, nesting deeper than MESSAGE_PARSER_MAX_NESTING is treated
   as a single leaf part, and a multipart without a boundary has no
   parts. */

#include "message-size.h"

/* Parts nested deeper than this are leaves. */
#define MESSAGE_PARSER_MAX_NESTING 100
/* After this many parts, boundaries are no longer looked for: the rest
   is body data of the parts open at that point. */
#define MESSAGE_PARSER_MAX_PARTS 10000
/* A header field's value is kept up to this size; the rest is dropped
   (it still counts in the sizes). */
#define MESSAGE_PARSER_MAX_FIELD_SIZE (64 * 1024)

struct istream;

enum message_part_flags {
	/* multipart/ *, with a boundary */
	MESSAGE_PART_FLAG_MULTIPART		= 0x01,
	/* multipart/digest: children default to message/rfc822 */
	MESSAGE_PART_FLAG_MULTIPART_DIGEST	= 0x02,
	/* message/rfc822 (or message/global): children is the message */
	MESSAGE_PART_FLAG_MESSAGE_RFC822	= 0x04,
	/* text/ *, or no Content-Type where the default is text/plain */
	MESSAGE_PART_FLAG_TEXT			= 0x08,
	/* The part had a Content-Type field */
	MESSAGE_PART_FLAG_HAS_CONTENT_TYPE	= 0x10,
};

struct message_part {
	struct message_part *parent;
	struct message_part *next;
	struct message_part *children;
	/* Offset of the first byte of the header from the parse start. */
	uoff_t physical_pos;
	struct message_size header_size;
	struct message_size body_size;
	enum message_part_flags flags;
	unsigned int children_count;
	/* Free for the parser's caller (e.g. BODYSTRUCTURE data). */
	void *context;
};

struct message_header_line {
	/* Name as in the message, without the colon and trailing spaces. */
	const char *name;
	/* Value with line ends removed (folding whitespace kept) and
	   leading whitespace dropped; NUL-terminated. */
	const char *value;
	size_t value_len;
};

struct message_block {
	struct message_part *part;
	/* A header field, or NULL */
	const struct message_header_line *hdr;
	/* hdr == NULL: the part's header has ended (size 0) */
	bool header_end;
	/* hdr == NULL && !header_end: body data of part (raw, not
	   transfer-decoded; for multiparts this is preamble, boundaries and
	   epilogue) */
	const unsigned char *data;
	size_t size;
};

/* Parses input (blocking, read from its current offset) into parts
   allocated from part_pool. */
struct message_parser *
message_parser_init(pool_t part_pool, struct istream *input);
/* Returns 1 with the next block (valid until the next call), or -1 at
   the end of input (also on a read error: see deinit). */
int message_parser_parse_next_block(struct message_parser *parser,
				    struct message_block *block_r);
/* Finishes (reading the rest of the input if the caller stopped early)
   and gives the root part (from part_pool). Returns 0, or -1 with error_r
   if reading the input failed; *parts_r is set in both cases. */
int message_parser_deinit(struct message_parser **parser,
			  struct message_part **parts_r,
			  const char **error_r);

/* Parses a whole blocking input just for its part tree. */
int message_parse_parts(pool_t part_pool, struct istream *input,
			struct message_part **parts_r, const char **error_r);

/* The part with the IMAP section number (RFC 3501 6.4.5) "1.2.3" under
   root, or NULL if there is none. For a part that is not a multipart,
   ".1" is the part itself; the subparts of a message/rfc822 part are
   those of its message. */
struct message_part *
message_part_find(struct message_part *root, const char *section);

#endif
