/* Copyright (c) Cove authors. See AUTHORS. */

/* Streaming MIME parser.

   The input is read one line at a time (a "piece": a whole line, or up to
   MESSAGE_PARSER_MAX_PIECE bytes of a longer one). Each piece is handled
   by the state it arrives in: a header line extends or ends the current
   field, ends the header at the empty line, or (broken MIME) is a
   boundary; a body line is either a boundary of an enclosing multipart
   or body data.

   Because the line end before a boundary belongs to the boundary, a body
   line's own line end is held back ("pending") until the next line shows
   whether it is a boundary. Sizes are taken from running counters
   (offset, lines, lone LFs) at the start of a part's header, its body
   and its end, so every part's sizes come out exact without counting
   each part separately. */

#include "lib.h"
#include "array.h"
#include "str.h"
#include "istream.h"
#include "message-content-type.h"
#include "message-parser.h"

#include <strings.h>

/* Lines longer than this are handed out in pieces of this size. */
#define MESSAGE_PARSER_MAX_PIECE 8192

enum message_parser_state {
	MESSAGE_PARSER_STATE_HEADER,
	MESSAGE_PARSER_STATE_BODY,
};

struct message_parser_boundary {
	struct message_part *part;
	const char *boundary;
	size_t len;
};

/* Running counters at some point of the input. */
struct message_parser_pos {
	uoff_t offset;
	uoff_t lone_lfs;
	unsigned int lines;
};

struct message_parser_open {
	struct message_part *part;
	struct message_parser_pos hdr_start, body_start;
	/* The last child started so far */
	struct message_part *last_child;
	/* The header ended with an empty line, which started here */
	bool have_blank;
	struct message_parser_pos blank_start;
	/* A boundary line ended the header: the body is empty */
	bool body_empty;
};

struct message_parser {
	pool_t pool;
	struct istream *input;
	struct message_part *root, *part;
	enum message_parser_state state;
	ARRAY(struct message_parser_boundary) boundaries;
	unsigned int parts_count;

	struct message_parser_pos pos;
	/* The parts being parsed, root first, and where each one's header
	   and body started. */
	ARRAY(struct message_parser_open) open;
	/* The held-back line end of the last body line (0 = none) and the
	   position before it. */
	size_t pending_eol;
	struct message_parser_pos pending_pos;

	/* The current piece: the next piece is mid-line */
	bool mid_line;
	bool last_was_cr;
	/* the piece at the stream's head was already found not to be a
	   boundary (its pending line end was handed out first) */
	bool boundary_checked;

	/* Header field being collected */
	string_t *field;
	struct message_header_line hdr;
	const char *boundary;
	bool field_open;
	bool field_truncated;

	bool eof;
};

struct message_parser *
message_parser_init(pool_t part_pool, struct istream *input)
{
	struct message_parser *parser;

	parser = i_new(struct message_parser, 1);
	parser->pool = part_pool;
	parser->input = input;
	parser->root = p_new(part_pool, struct message_part, 1);
	parser->root->flags = MESSAGE_PART_FLAG_TEXT;
	parser->part = parser->root;
	parser->field = str_new(default_pool, 256);
	i_array_init(&parser->boundaries, 4);
	i_array_init(&parser->open, 8);
	array_append_space(&parser->open)->part = parser->root;
	return parser;
}

/* Reads the next piece without consuming it. Returns its size, or 0 at
   EOF or on error. */
static size_t message_parser_peek(struct message_parser *parser,
				  const unsigned char **data_r)
{
	size_t size, max = MESSAGE_PARSER_MAX_PIECE, scanned = 0;
	const unsigned char *data, *lf;
	ssize_t ret;

	for (;;) {
		data = i_stream_get_data(parser->input, &size);
		lf = memchr(data + scanned, '\n', I_MIN(size, max) - scanned);
		if (lf != NULL) {
			*data_r = data;
			return lf - data + 1;
		}
		scanned = I_MIN(size, max);
		if (size >= max || parser->eof) {
			*data_r = data;
			return scanned;
		}
		ret = i_stream_read(parser->input);
		if (ret == -1)
			parser->eof = true;
		else if (ret == -2)
			max = size;
	}
}

/* Consumes size bytes, keeping the counters. */
static void message_parser_skip(struct message_parser *parser,
				const unsigned char *data, size_t size)
{
	size_t i;

	for (i = 0; i < size; i++) {
		if (data[i] == '\n') {
			parser->pos.lines++;
			if (!(i > 0 ? data[i - 1] == '\r' :
			      parser->last_was_cr))
				parser->pos.lone_lfs++;
		}
	}
	if (size > 0) {
		parser->last_was_cr = data[size - 1] == '\r';
		parser->mid_line = data[size - 1] != '\n';
	}
	parser->pos.offset += size;
	i_stream_skip(parser->input, size);
}

static size_t message_parser_eol_len(const unsigned char *data, size_t size)
{
	if (size == 0 || data[size - 1] != '\n')
		return 0;
	return size >= 2 && data[size - 2] == '\r' ? 2 : 1;
}

static void message_size_between(struct message_size *size_r,
				 const struct message_parser_pos *start,
				 const struct message_parser_pos *end)
{
	size_r->physical_size = end->offset - start->offset;
	size_r->virtual_size = size_r->physical_size +
		(end->lone_lfs - start->lone_lfs);
	size_r->lines = end->lines - start->lines;
}

static struct message_parser_open *
message_parser_open_cur(struct message_parser *parser)
{
	return array_idx_modifiable(&parser->open,
				    array_count(&parser->open) - 1);
}

/* Starts a new part (its header) at start. */
static void message_parser_start_part(struct message_parser *parser,
				      struct message_part *parent,
				      const struct message_parser_pos *start)
{
	struct message_parser_open *open = message_parser_open_cur(parser);
	struct message_part *part;

	i_assert(open->part == parent);
	part = p_new(parser->pool, struct message_part, 1);
	part->parent = parent;
	part->physical_pos = start->offset;
	if ((parent->flags & MESSAGE_PART_FLAG_MULTIPART_DIGEST) != 0)
		part->flags |= MESSAGE_PART_FLAG_MESSAGE_RFC822;
	else
		part->flags |= MESSAGE_PART_FLAG_TEXT;
	if (open->last_child == NULL)
		parent->children = part;
	else
		open->last_child->next = part;
	open->last_child = part;
	parent->children_count++;
	parser->parts_count++;

	open = array_append_space(&parser->open);
	open->part = part;
	open->hdr_start = *start;
	parser->part = part;
	parser->state = MESSAGE_PARSER_STATE_HEADER;
	parser->boundary = NULL;
}

/* Ends the body of every open part below stop (all, if stop is NULL) at
   end; at_boundary: a boundary line follows. */
static void message_parser_end_parts(struct message_parser *parser,
				     struct message_part *stop,
				     const struct message_parser_pos *end,
				     bool at_boundary)
{
	struct message_parser_open *open;

	while (array_count(&parser->open) > 0) {
		open = message_parser_open_cur(parser);
		if (open->part == stop)
			break;
		if (at_boundary && open->have_blank &&
		    open->body_start.offset == end->offset) {
			/* an empty body right before a boundary: the header's
			   empty line is the line end before the boundary
			   (as Dovecot counts it) */
			message_size_between(&open->part->header_size,
					     &open->hdr_start,
					     &open->blank_start);
			open->body_start = open->blank_start;
			message_size_between(&open->part->body_size,
					     &open->body_start,
					     &open->blank_start);
			array_delete(&parser->open,
				     array_count(&parser->open) - 1, 1);
			continue;
		}
		if (parser->state == MESSAGE_PARSER_STATE_HEADER &&
		    open->part == parser->part) {
			/* the header never ended */
			message_size_between(&open->part->header_size,
					     &open->hdr_start, end);
			open->body_start = *end;
			parser->state = MESSAGE_PARSER_STATE_BODY;
		}
		message_size_between(&open->part->body_size, &open->body_start,
				     open->body_empty ? &open->body_start : end);
		array_delete(&parser->open, array_count(&parser->open) - 1, 1);
	}
	parser->part = stop;
}

/* Where the current body ends if the next line is a boundary. */
static struct message_parser_pos
message_parser_body_end(const struct message_parser *parser)
{
	return parser->pending_eol > 0 ? parser->pending_pos : parser->pos;
}

/* Returns the index of the innermost open boundary that line is, or -1.
   *closing_r tells whether it is the closing one ("--b--"). */
static int message_parser_find_boundary(struct message_parser *parser,
					const unsigned char *data,
					size_t size, bool *closing_r)
{
	const struct message_parser_boundary *b;
	unsigned int i = array_count(&parser->boundaries);

	if (size < 3 || data[0] != '-' || data[1] != '-' ||
	    parser->parts_count >= MESSAGE_PARSER_MAX_PARTS)
		return -1;
	while (i > 0) {
		b = array_idx(&parser->boundaries, --i);
		if (size - 2 >= b->len &&
		    memcmp(data + 2, b->boundary, b->len) == 0) {
			*closing_r = size - 2 - b->len >= 2 &&
				data[2 + b->len] == '-' &&
				data[3 + b->len] == '-';
			return (int)i;
		}
	}
	return -1;
}

/* Handles a boundary line of boundaries[idx]. */
static void message_parser_boundary(struct message_parser *parser,
				    unsigned int idx, bool closing,
				    const unsigned char *data, size_t size)
{
	const struct message_parser_boundary *b;
	struct message_parser_pos end = message_parser_body_end(parser);
	struct message_part *multipart;

	b = array_idx(&parser->boundaries, idx);
	multipart = b->part;
	message_parser_end_parts(parser, multipart, &end, true);
	array_delete(&parser->boundaries, idx + 1,
		     array_count(&parser->boundaries) - idx - 1);
	parser->pending_eol = 0;
	message_parser_skip(parser, data, size);
	if (closing) {
		array_delete(&parser->boundaries, idx, 1);
		parser->state = MESSAGE_PARSER_STATE_BODY;
	} else if (!parser->mid_line || parser->eof) {
		message_parser_start_part(parser, multipart, &parser->pos);
	}
	/* else: a boundary line longer than a piece; its rest is read
	   as body data of the multipart before the next part starts */
}

/* The header of the current part ended at end; its body starts there. */
static void message_parser_header_end(struct message_parser *parser,
				      const struct message_parser_pos *end)
{
	struct message_parser_open *open = message_parser_open_cur(parser);
	struct message_part *part = parser->part;
	struct message_parser_boundary *b;

	message_size_between(&part->header_size, &open->hdr_start, end);
	open->body_start = *end;
	parser->state = MESSAGE_PARSER_STATE_BODY;
	if (array_count(&parser->open) > MESSAGE_PARSER_MAX_NESTING) {
		part->flags &= ~(MESSAGE_PART_FLAG_MULTIPART |
				 MESSAGE_PART_FLAG_MULTIPART_DIGEST |
				 MESSAGE_PART_FLAG_MESSAGE_RFC822);
		return;
	}
	if ((part->flags & MESSAGE_PART_FLAG_MULTIPART) != 0) {
		/* without a boundary it has no parts (as in Dovecot) */
		if (parser->boundary == NULL)
			return;
		b = array_append_space(&parser->boundaries);
		b->part = part;
		b->boundary = parser->boundary;
		b->len = strlen(b->boundary);
	} else if ((part->flags & MESSAGE_PART_FLAG_MESSAGE_RFC822) != 0) {
		message_parser_start_part(parser, part, end);
	}
}

/* Looks at a finished header field for what the parser itself needs. */
static void message_parser_field(struct message_parser *parser)
{
	struct message_part *part = parser->part;
	struct message_content_type ct;

	if (strcasecmp(parser->hdr.name, "Content-Type") != 0 ||
	    (part->flags & MESSAGE_PART_FLAG_HAS_CONTENT_TYPE) != 0)
		return;
	T_BEGIN {
		message_content_type_parse(parser->hdr.value, &ct);
		part->flags &= ~(MESSAGE_PART_FLAG_TEXT |
				 MESSAGE_PART_FLAG_MESSAGE_RFC822);
		part->flags |= MESSAGE_PART_FLAG_HAS_CONTENT_TYPE;
		if (strcasecmp(ct.type, "text") == 0) {
			part->flags |= MESSAGE_PART_FLAG_TEXT;
		} else if (strcasecmp(ct.type, "multipart") == 0) {
			part->flags |= MESSAGE_PART_FLAG_MULTIPART;
			if (strcasecmp(ct.subtype, "digest") == 0)
				part->flags |= MESSAGE_PART_FLAG_MULTIPART_DIGEST;
			parser->boundary = message_content_type_param(&ct,
								"boundary");
			if (parser->boundary != NULL) {
				parser->boundary = p_strdup(parser->pool,
							    parser->boundary);
			}
		} else if (strcasecmp(ct.type, "message") == 0 &&
			   (strcasecmp(ct.subtype, "rfc822") == 0 ||
			    strcasecmp(ct.subtype, "global") == 0)) {
			part->flags |= MESSAGE_PART_FLAG_MESSAGE_RFC822;
		}
	} T_END;
}

/* Turns the collected field into parser->hdr. Returns false if there is
   none (or it has no colon). */
static bool message_parser_finish_field(struct message_parser *parser)
{
	char *str, *colon, *end, *value;

	if (!parser->field_open)
		return false;
	parser->field_open = false;
	str = str_c_modifiable(parser->field);
	colon = strchr(str, ':');
	if (colon == NULL)
		return false;
	for (end = colon; end > str && (end[-1] == ' ' || end[-1] == '\t'); )
		end--;
	*end = '\0';
	value = colon + 1;
	while (*value == ' ' || *value == '\t')
		value++;
	parser->hdr.name = str;
	parser->hdr.value = value;
	parser->hdr.value_len = strlen(value);
	if (*str == '\0')
		return false;
	message_parser_field(parser);
	return true;
}

/* Appends a header line (or piece) to the current field without its
   line end, up to the field size limit. */
static void message_parser_field_append(struct message_parser *parser,
					const unsigned char *data,
					size_t size)
{
	size_t room;

	size -= message_parser_eol_len(data, size);
	room = MESSAGE_PARSER_MAX_FIELD_SIZE - str_len(parser->field);
	str_append_data(parser->field, data, I_MIN(size, room));
}

/* One header piece. Returns true if a block was produced. */
static bool message_parser_header_piece(struct message_parser *parser,
					const unsigned char *data,
					size_t size,
					struct message_block *block_r)
{
	bool continued = parser->mid_line ||
		(data[0] == ' ' || data[0] == '\t');
	struct message_parser_open *open;
	struct message_parser_pos end;
	bool closing;
	size_t eol;
	int idx;

	if (!continued && message_parser_finish_field(parser)) {
		/* hand out the field; the line is looked at again */
		block_r->hdr = &parser->hdr;
		return true;
	}
	if (!parser->mid_line &&
	    size == message_parser_eol_len(data, size)) {
		open = message_parser_open_cur(parser);
		open->have_blank = true;
		open->blank_start = parser->pos;
		message_parser_skip(parser, data, size);
		parser->pending_eol = 0;
		message_parser_header_end(parser, &parser->pos);
		block_r->header_end = true;
		return true;
	}
	idx = parser->mid_line ? -1 :
		message_parser_find_boundary(parser, data, size, &closing);
	if (idx >= 0) {
		/* broken: no empty line before the boundary, whose line
		   end is not the header's; the enclosing parts keep it
		   (as Dovecot counts it) */
		block_r->part = parser->part;
		end = message_parser_body_end(parser);
		message_parser_open_cur(parser)->body_empty = true;
		message_parser_header_end(parser, &end);
		parser->pending_eol = 0;
		message_parser_boundary(parser, idx, closing, data, size);
		block_r->header_end = true;
		return true;
	}
	if (!continued) {
		str_truncate(parser->field, 0);
		parser->field_open = true;
	}
	if (parser->field_open)
		message_parser_field_append(parser, data, size);
	eol = message_parser_eol_len(data, size);
	message_parser_skip(parser, data, size - eol);
	parser->pending_pos = parser->pos;
	parser->pending_eol = eol;
	message_parser_skip(parser, data + size - eol, eol);
	return false;
}

/* One body piece. Returns true if a block was produced. */
static bool message_parser_body_piece(struct message_parser *parser,
				      const unsigned char *data, size_t size,
				      struct message_block *block_r)
{
	static const unsigned char crlf[] = "\r\n";
	bool closing;
	size_t eol;
	int idx;

	if (!parser->mid_line && !parser->boundary_checked) {
		idx = message_parser_find_boundary(parser, data, size,
						   &closing);
		if (idx >= 0) {
			message_parser_boundary(parser, idx, closing,
						data, size);
			return false;
		}
	}
	if (parser->pending_eol > 0) {
		block_r->data = crlf + 2 - parser->pending_eol;
		block_r->size = parser->pending_eol;
		parser->pending_eol = 0;
		parser->boundary_checked = true;
		return true;
	}
	parser->boundary_checked = false;
	eol = message_parser_eol_len(data, size);
	block_r->data = data;
	block_r->size = size - eol;
	message_parser_skip(parser, data, size - eol);
	if (eol > 0) {
		parser->pending_pos = parser->pos;
		parser->pending_eol = eol;
		message_parser_skip(parser, data + size - eol, eol);
	}
	return block_r->size > 0;
}

/* At EOF: hands out a pending line end, then ends all parts. */
static int message_parser_finish(struct message_parser *parser,
				 struct message_block *block_r)
{
	static const unsigned char crlf[] = "\r\n";

	if (parser->state == MESSAGE_PARSER_STATE_HEADER &&
	    message_parser_finish_field(parser)) {
		block_r->hdr = &parser->hdr;
		return 1;
	}
	if (parser->pending_eol > 0 &&
	    parser->state == MESSAGE_PARSER_STATE_BODY) {
		block_r->data = crlf + 2 - parser->pending_eol;
		block_r->size = parser->pending_eol;
		parser->pending_eol = 0;
		return 1;
	}
	if (parser->part != NULL) {
		message_parser_end_parts(parser, NULL, &parser->pos, false);
		array_clear(&parser->boundaries);
	}
	return -1;
}

int message_parser_parse_next_block(struct message_parser *parser,
				    struct message_block *block_r)
{
	const unsigned char *data;
	size_t size;
	bool ret;

	for (;;) {
		i_zero(block_r);
		block_r->part = parser->part;
		size = message_parser_peek(parser, &data);
		if (size == 0)
			return message_parser_finish(parser, block_r);
		if (parser->state == MESSAGE_PARSER_STATE_HEADER) {
			ret = message_parser_header_piece(parser, data, size,
							  block_r);
		} else {
			ret = message_parser_body_piece(parser, data, size,
							block_r);
		}
		if (ret)
			return 1;
	}
}

int message_parser_deinit(struct message_parser **_parser,
			  struct message_part **parts_r,
			  const char **error_r)
{
	struct message_parser *parser = *_parser;
	struct message_block block;
	int ret = 0;

	*_parser = NULL;
	while (message_parser_parse_next_block(parser, &block) > 0) ;
	if (parser->input->stream_errno != 0) {
		*error_r = t_strdup_printf("read() failed: %s",
			i_stream_get_error(parser->input));
		ret = -1;
	}
	*parts_r = parser->root;
	str_free(&parser->field);
	array_free(&parser->boundaries);
	array_free(&parser->open);
	i_free(parser);
	return ret;
}

int message_parse_parts(pool_t part_pool, struct istream *input,
			struct message_part **parts_r, const char **error_r)
{
	struct message_parser *parser;

	parser = message_parser_init(part_pool, input);
	return message_parser_deinit(&parser, parts_r, error_r);
}

/* The n-th (1-based) subpart of a message-level part: a child of a
   multipart, or the part itself for n == 1. */
static struct message_part *
message_part_nth(struct message_part *part, unsigned int n)
{
	struct message_part *child;

	if ((part->flags & MESSAGE_PART_FLAG_MULTIPART) == 0)
		return n == 1 ? part : NULL;
	for (child = part->children; child != NULL; child = child->next) {
		if (--n == 0)
			return child;
	}
	return NULL;
}

struct message_part *
message_part_find(struct message_part *root, const char *section)
{
	struct message_part *part = root;
	const char *const *nums = t_strsplit(section, ".");
	bool first = true;
	unsigned int n;

	for (; *nums != NULL && part != NULL; nums++) {
		if (str_to_uint(*nums, &n) < 0 || n == 0)
			return NULL;
		if (!first) {
			/* a message/rfc822 part's subparts are those of its
			   message; a leaf's only subpart is itself */
			if ((part->flags & MESSAGE_PART_FLAG_MESSAGE_RFC822) != 0)
				part = part->children;
			if (part == NULL)
				return NULL;
		}
		first = false;
		part = message_part_nth(part, n);
	}
	return part;
}
