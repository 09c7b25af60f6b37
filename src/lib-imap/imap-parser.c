/* Copyright (c) Cove authors. See AUTHORS. */

/* IMAP command line parser. Design:

   The parser never reads from the istream itself: it scans what is
   buffered, and the caller reads more when it returns "need more input".
   A token (atom, quoted string, literal header) stays in the istream
   buffer until it is complete, and scanning resumes at cur_pos, so input
   that arrives one byte at a time costs linear time. Literal data is
   copied out of the istream as it arrives, so a literal needs no istream
   buffer space.

   Arguments go into arrays of struct imap_arg: the root array, and one
   array per list. While a list is open only its own array grows, so the
   parent pointers used to close lists stay valid; they are fixed up once
   more when the line is complete (arrays move when they grow).

   After a non-fatal error the rest of the line is skipped by the next
   imap_parser_read_word(), so that the caller can reply BAD and go on. */

#include "lib.h"

#include <strings.h>
#include "buffer.h"
#include "istream.h"
#include "ostream.h"
#include "imap-parser.h"

/* Bounds recursion and the cost of hostile input like "((((((". */
#define IMAP_PARSER_MAX_LIST_DEPTH 100
/* Consumed prefix input is dropped from the buffer beyond this size. */
#define IMAP_PARSER_PREFIX_COMPACT_SIZE 4096
/* More digits could overflow uoff_t. */
#define IMAP_PARSER_MAX_LITERAL_DIGITS 19

enum imap_parser_state {
	IMAP_PARSER_STATE_ARG,
	IMAP_PARSER_STATE_ATOM,
	IMAP_PARSER_STATE_QUOTED,
	IMAP_PARSER_STATE_LITERAL_HEADER,
	IMAP_PARSER_STATE_LITERAL_DATA,
};

struct imap_parser {
	pool_t pool;
	struct istream *input;
	struct ostream *output;
	/* Input read before the istream (imap_parser_set_prefix()); NULL
	   once it has been consumed. */
	buffer_t *prefix;
	size_t prefix_pos;
	size_t max_line_size;
	size_t max_literal_size;
	/* The limit for the current command. */
	size_t cur_max_literal_size;
	/* The sum of the current command's literals so far (bounded by
	   cur_max_literal_size too). */
	size_t literals_size;
	/* After "Literal too large": literals_size plus the refused
	   literal's size. */
	uoff_t refused_literals_size;

	/* Bytes of the current line consumed so far (literal data is not
	   counted). */
	size_t line_size;
	ARRAY_TYPE(imap_arg_list) root_list;
	ARRAY_TYPE(imap_arg_list) *cur_list;
	/* The list argument being filled, NULL at the top level. */
	struct imap_arg *list_arg;
	unsigned int list_depth;

	enum imap_parser_state state;
	/* Scan position inside the token that starts at the first
	   unconsumed input byte. */
	size_t cur_pos;
	bool quoted_escape;
	unsigned int atom_brackets;

	size_t literal_size;
	size_t literal_pos;
	unsigned char *literal_data;
	bool literal_nul;
	/* The literal being read is a literal8 */
	bool literal8;
	/* The flags of the current imap_parser_read_args() call */
	enum imap_parser_flags flags;

	const char *error;
	bool fatal;
	bool skip_line;
	bool line_ended;
	/* args were returned early (count reached) with a temporary EOL */
	bool partial_eol;
};

/* The unconsumed input. While prefix input remains, everything the
   istream has buffered is moved behind it, so that a token that starts in
   the prefix continues in one contiguous buffer. */
static const unsigned char *
imap_parser_get_data(struct imap_parser *parser, size_t *size_r)
{
	const unsigned char *data;
	size_t size;

	if (parser->prefix == NULL)
		return i_stream_get_data(parser->input, size_r);
	data = i_stream_get_data(parser->input, &size);
	if (size > 0) {
		buffer_append(parser->prefix, data, size);
		i_stream_skip(parser->input, size);
	}
	*size_r = parser->prefix->used - parser->prefix_pos;
	return (const unsigned char *)parser->prefix->data +
		parser->prefix_pos;
}

static void imap_parser_consume(struct imap_parser *parser, size_t count)
{
	if (parser->prefix == NULL) {
		i_stream_skip(parser->input, count);
		return;
	}
	parser->prefix_pos += count;
	i_assert(parser->prefix_pos <= parser->prefix->used);
	if (parser->prefix_pos == parser->prefix->used) {
		buffer_free(&parser->prefix);
	} else if (parser->prefix_pos > IMAP_PARSER_PREFIX_COMPACT_SIZE) {
		/* input that keeps arriving must not grow it forever */
		buffer_delete(parser->prefix, 0, parser->prefix_pos);
		parser->prefix_pos = 0;
	}
}

void imap_parser_set_prefix(struct imap_parser *parser, const void *data,
			    size_t size)
{
	i_assert(parser->prefix == NULL);

	if (size == 0)
		return;
	parser->prefix = buffer_create_dynamic(default_pool, size);
	buffer_append(parser->prefix, data, size);
	parser->prefix_pos = 0;
}

static bool imap_is_ctl_or_8bit(unsigned char c)
{
	return c < 0x20 || c >= 0x7f;
}

struct imap_parser *
imap_parser_create(struct istream *input, struct ostream *output,
		   size_t max_line_size, size_t max_literal_size)
{
	struct imap_parser *parser;

	parser = i_new(struct imap_parser, 1);
	parser->input = input;
	parser->output = output;
	parser->max_line_size = max_line_size;
	parser->max_literal_size = max_literal_size;
	imap_parser_reset(parser);
	return parser;
}

void imap_parser_destroy(struct imap_parser **_parser)
{
	struct imap_parser *parser = *_parser;

	*_parser = NULL;
	if (parser->prefix != NULL)
		buffer_free(&parser->prefix);
	pool_unref(&parser->pool);
	i_free(parser);
}

void imap_parser_reset(struct imap_parser *parser)
{
	if (parser->pool != NULL)
		pool_unref(&parser->pool);
	parser->pool = pool_alloconly_create("imap parser", 1024);
	p_array_init(&parser->root_list, parser->pool, 8);
	parser->cur_list = &parser->root_list;
	parser->list_arg = NULL;
	parser->list_depth = 0;
	parser->state = IMAP_PARSER_STATE_ARG;
	parser->cur_pos = 0;
	parser->line_size = 0;
	parser->cur_max_literal_size = parser->max_literal_size;
	parser->literals_size = 0;
	parser->refused_literals_size = 0;
	parser->literal_data = NULL;
	parser->line_ended = false;
	parser->partial_eol = false;
	if (!parser->fatal)
		parser->error = NULL;
}

void imap_parser_set_max_literal_size(struct imap_parser *parser,
				      size_t max_literal_size)
{
	parser->cur_max_literal_size = max_literal_size;
}

static void imap_parser_set_error(struct imap_parser *parser,
				  const char *error, bool fatal)
{
	parser->error = error;
	parser->fatal = fatal;
	if (!fatal && !parser->line_ended)
		parser->skip_line = true;
}

const char *imap_parser_get_error(struct imap_parser *parser, bool *fatal_r)
{
	*fatal_r = parser->fatal;
	return parser->error;
}

uoff_t imap_parser_get_refused_literals_size(struct imap_parser *parser)
{
	return parser->refused_literals_size;
}

/* Consumes count bytes of the line (not literal data). */
static void imap_parser_skip(struct imap_parser *parser, size_t count)
{
	imap_parser_consume(parser, count);
	parser->line_size += count;
	parser->cur_pos = 0;
	parser->state = IMAP_PARSER_STATE_ARG;
}

/* The line so far (with the token being scanned) must stay below the
   limit, so that an istream buffer of max_line_size bytes filled by one
   token is reported here rather than as a full buffer. */
static bool imap_parser_check_line_size(struct imap_parser *parser)
{
	if (parser->line_ended ||
	    parser->line_size + parser->cur_pos < parser->max_line_size)
		return true;
	/* not fatal: the rest of the line is skipped without buffering */
	imap_parser_set_error(parser, "Command line too long", false);
	return false;
}

/* Skips input up to and including the next LF. Returns true when done. */
static bool imap_parser_skip_line(struct imap_parser *parser)
{
	const unsigned char *data, *lf;
	size_t size;

	data = imap_parser_get_data(parser, &size);
	if (size == 0)
		return false;
	lf = memchr(data, '\n', size);
	if (lf == NULL) {
		imap_parser_consume(parser, size);
		return false;
	}
	imap_parser_consume(parser, lf - data + 1);
	parser->skip_line = false;
	parser->line_ended = true;
	return true;
}

static bool imap_is_word_char(unsigned char c)
{
	return !imap_is_ctl_or_8bit(c) && strchr(" (){\"\\%*+", c) == NULL;
}

const char *imap_parser_read_word(struct imap_parser *parser)
{
	const unsigned char *data;
	size_t size, pos;

	if (parser->error != NULL)
		return "";
	if (parser->skip_line) {
		if (!imap_parser_skip_line(parser))
			return NULL;
		imap_parser_reset(parser);
	}
	data = imap_parser_get_data(parser, &size);
	for (pos = parser->cur_pos; pos < size; pos++) {
		if (!imap_is_word_char(data[pos]))
			break;
	}
	parser->cur_pos = pos;
	if (!imap_parser_check_line_size(parser))
		return "";
	if (pos == size)
		return NULL;
	if (pos == 0 || (data[pos] != ' ' && data[pos] != '\r' &&
			 data[pos] != '\n')) {
		imap_parser_set_error(parser, parser->line_size == 0 &&
				      pos == 0 && data[pos] != ' ' ?
				      "Empty command line" :
				      "Invalid tag or command name", false);
		return "";
	}
	const char *word = p_strndup(parser->pool, data, pos);
	imap_parser_skip(parser, data[pos] == ' ' ? pos + 1 : pos);
	return word;
}

static struct imap_arg *imap_parser_add_arg(struct imap_parser *parser,
					    enum imap_arg_type type)
{
	struct imap_arg *arg = array_append_space(parser->cur_list);

	arg->type = type;
	arg->parent = parser->list_arg;
	return arg;
}

static int imap_parser_open_list(struct imap_parser *parser)
{
	struct imap_arg *arg;

	if (parser->list_depth >= IMAP_PARSER_MAX_LIST_DEPTH) {
		imap_parser_set_error(parser, "Too deeply nested lists", false);
		return -1;
	}
	arg = imap_parser_add_arg(parser, IMAP_ARG_LIST);
	p_array_init(&arg->_data.list, parser->pool, 4);
	parser->list_arg = arg;
	parser->cur_list = &arg->_data.list;
	parser->list_depth++;
	imap_parser_skip(parser, 1);
	return 1;
}

static int imap_parser_close_list(struct imap_parser *parser)
{
	if (parser->list_arg == NULL) {
		imap_parser_set_error(parser, "Unexpected ')'", false);
		return -1;
	}
	(void)imap_parser_add_arg(parser, IMAP_ARG_EOL);
	parser->list_arg = parser->list_arg->parent;
	parser->cur_list = parser->list_arg == NULL ? &parser->root_list :
		&parser->list_arg->_data.list;
	parser->list_depth--;
	imap_parser_skip(parser, 1);
	return 1;
}

/* Array elements move when an array grows: point every child at its
   parent's final place. */
static void imap_parser_fix_parents(struct imap_arg *args,
				    struct imap_arg *parent)
{
	for (; args->type != IMAP_ARG_EOL; args++) {
		args->parent = parent;
		if (args->type == IMAP_ARG_LIST) {
			imap_parser_fix_parents(
				array_idx_modifiable(&args->_data.list, 0),
				args);
		}
	}
	args->parent = parent;
}

static int imap_parser_end_line(struct imap_parser *parser, size_t skip)
{
	imap_parser_skip(parser, skip);
	parser->line_ended = true;
	if (parser->list_arg != NULL) {
		imap_parser_set_error(parser, "Missing ')'", false);
		return -1;
	}
	(void)imap_parser_add_arg(parser, IMAP_ARG_EOL);
	imap_parser_fix_parents(array_idx_modifiable(&parser->root_list, 0),
				NULL);
	return 1;
}

/* data[0] is '~': a literal8 if '{' follows and the command allows
   it, otherwise an atom. */
static int imap_parser_read_literal8_start(struct imap_parser *parser,
					   const unsigned char *data,
					   size_t size)
{
	if (size < 2)
		return 0;
	if (data[1] != '{') {
		parser->state = IMAP_PARSER_STATE_ATOM;
		parser->atom_brackets = 0;
		parser->cur_pos = 0;
		return 1;
	}
	if ((parser->flags & IMAP_PARSE_FLAG_LITERAL8) == 0) {
		imap_parser_set_error(parser, "literal8 not allowed here",
				      false);
		return -1;
	}
	imap_parser_skip(parser, 1);
	parser->literal8 = true;
	parser->state = IMAP_PARSER_STATE_LITERAL_HEADER;
	return 1;
}

static int imap_parser_read_arg_start(struct imap_parser *parser)
{
	const unsigned char *data;
	size_t size;

	data = imap_parser_get_data(parser, &size);
	if (size == 0)
		return 0;
	switch (data[0]) {
	case ' ':
		imap_parser_skip(parser, 1);
		return 1;
	case '\n':
		return imap_parser_end_line(parser, 1);
	case '\r':
		if (size < 2)
			return 0;
		if (data[1] != '\n') {
			imap_parser_set_error(parser, "CR without LF", false);
			return -1;
		}
		return imap_parser_end_line(parser, 2);
	case '(':
		return imap_parser_open_list(parser);
	case ')':
		return imap_parser_close_list(parser);
	case '"':
		parser->state = IMAP_PARSER_STATE_QUOTED;
		parser->quoted_escape = false;
		parser->cur_pos = 1;
		return 1;
	case '{':
		parser->literal8 = false;
		parser->state = IMAP_PARSER_STATE_LITERAL_HEADER;
		return 1;
	case '~':
		return imap_parser_read_literal8_start(parser, data, size);
	default:
		parser->state = IMAP_PARSER_STATE_ATOM;
		parser->atom_brackets = 0;
		parser->cur_pos = 0;
		return 1;
	}
}

static void imap_parser_add_atom(struct imap_parser *parser,
				 const unsigned char *data, size_t len)
{
	struct imap_arg *arg;

	arg = imap_parser_add_arg(parser, IMAP_ARG_ATOM);
	arg->_data.str = p_strndup(parser->pool, data, len);
	arg->str_len = len;
	if (len == 3 && strcasecmp(arg->_data.str, "NIL") == 0)
		arg->type = IMAP_ARG_NIL;
	imap_parser_skip(parser, len);
}

/* Atoms end at SP, CRLF and parentheses, except inside [...], which may
   hold spaces and lists: BODY[HEADER.FIELDS (FROM TO)]<0.100> is one
   atom, parsed further by its command. */
static int imap_parser_read_atom(struct imap_parser *parser)
{
	const unsigned char *data;
	size_t size, pos;

	data = imap_parser_get_data(parser, &size);
	for (pos = parser->cur_pos; pos < size; pos++) {
		unsigned char c = data[pos];

		if (c == '[') {
			parser->atom_brackets++;
		} else if (c == ']' && parser->atom_brackets > 0) {
			parser->atom_brackets--;
		} else if (parser->atom_brackets > 0 &&
			   (c == ' ' || c == '(' || c == ')')) {
			continue;
		} else if (c == ' ' || c == '\r' || c == '\n' ||
			   c == '(' || c == ')') {
			break;
		} else if (imap_is_ctl_or_8bit(c) || c == '"' || c == '{') {
			imap_parser_set_error(parser,
				"Invalid characters in atom", false);
			return -1;
		}
	}
	parser->cur_pos = pos;
	if (pos == size)
		return 0;
	if (parser->atom_brackets > 0) {
		imap_parser_set_error(parser, "Missing ']'", false);
		return -1;
	}
	imap_parser_add_atom(parser, data, pos);
	return 1;
}

/* data[0] is the opening quote and data[end] the closing one. */
static void imap_parser_add_quoted(struct imap_parser *parser,
				   const unsigned char *data, size_t end)
{
	struct imap_arg *arg;
	char *str = p_malloc(parser->pool, end);
	size_t i, len = 0;

	for (i = 1; i < end; i++) {
		if (data[i] == '\\')
			i++;
		str[len++] = data[i];
	}
	arg = imap_parser_add_arg(parser, IMAP_ARG_STRING);
	arg->_data.str = str;
	arg->str_len = len;
	imap_parser_skip(parser, end + 1);
}

/* RFC 3501 quoted: only \" and \\ escapes, no CR, LF, NUL or 8-bit. */
static int imap_parser_read_quoted(struct imap_parser *parser)
{
	const unsigned char *data;
	size_t size, pos;

	data = imap_parser_get_data(parser, &size);
	for (pos = parser->cur_pos; pos < size; pos++) {
		unsigned char c = data[pos];

		if (parser->quoted_escape) {
			if (c != '"' && c != '\\')
				break;
			parser->quoted_escape = false;
		} else if (c == '\\') {
			parser->quoted_escape = true;
		} else if (c == '"') {
			imap_parser_add_quoted(parser, data, pos);
			return 1;
		} else if (c == '\r' || c == '\n' || c == '\0' || c >= 0x80) {
			break;
		}
	}
	parser->cur_pos = pos;
	if (pos == size)
		return 0;
	if (parser->quoted_escape) {
		imap_parser_set_error(parser,
			"Invalid escape in quoted string", false);
	} else if (data[pos] == '\r' || data[pos] == '\n') {
		imap_parser_set_error(parser, "Missing '\"'", false);
	} else {
		imap_parser_set_error(parser,
			"Invalid characters in quoted string", false);
	}
	return -1;
}

/* Parses "{" digits ["+"] "}" CRLF from data. Returns 1 with the size
   and header length, 0 if incomplete, -1 if invalid. */
static int imap_parse_literal_header(const unsigned char *data, size_t size,
				     uoff_t *size_r, bool *nonsync_r,
				     size_t *len_r)
{
	size_t pos = 1;
	uoff_t value = 0;

	while (pos < size && data[pos] >= '0' && data[pos] <= '9') {
		value = value * 10 + (data[pos++] - '0');
		if (pos - 1 > IMAP_PARSER_MAX_LITERAL_DIGITS)
			return -1;
	}
	if (pos == size)
		return 0;
	if (pos == 1)
		return -1;
	*nonsync_r = data[pos] == '+';
	if (*nonsync_r && ++pos == size)
		return 0;
	if (data[pos++] != '}')
		return -1;
	if (pos < size && data[pos] == '\r')
		pos++;
	if (pos == size)
		return 0;
	if (data[pos++] != '\n')
		return -1;
	*size_r = value;
	*len_r = pos;
	return 1;
}

static int imap_parser_start_literal(struct imap_parser *parser,
				     uoff_t size, bool nonsync)
{
	parser->line_ended = true;
	if (parser->literals_size > parser->cur_max_literal_size ||
	    size > parser->cur_max_literal_size - parser->literals_size) {
		parser->refused_literals_size =
			size > UINT64_MAX - parser->literals_size ?
			UINT64_MAX : parser->literals_size + size;
		imap_parser_set_error(parser, "Literal too large", nonsync);
		return -1;
	}
	parser->literals_size += size;
	if (!nonsync) {
		if (parser->output == NULL) {
			imap_parser_set_error(parser,
				"Synchronizing literals not allowed", false);
			return -1;
		}
		o_stream_nsend_str(parser->output, "+ OK\r\n");
		(void)o_stream_flush(parser->output);
	}
	parser->line_ended = false;
	parser->state = IMAP_PARSER_STATE_LITERAL_DATA;
	parser->literal_size = size;
	parser->literal_pos = 0;
	parser->literal_nul = false;
	parser->literal_data = p_malloc(parser->pool, size + 1);
	return 1;
}

static int imap_parser_read_literal_header(struct imap_parser *parser)
{
	const unsigned char *data;
	size_t size, len;
	uoff_t literal_size;
	bool nonsync;
	int ret;

	data = imap_parser_get_data(parser, &size);
	ret = imap_parse_literal_header(data, size, &literal_size, &nonsync,
					&len);
	if (ret <= 0) {
		if (ret < 0) {
			imap_parser_set_error(parser,
				"Invalid literal size", false);
		}
		return ret;
	}
	imap_parser_skip(parser, len);
	return imap_parser_start_literal(parser, literal_size, nonsync);
}

static int imap_parser_read_literal_data(struct imap_parser *parser)
{
	const unsigned char *data;
	struct imap_arg *arg;
	size_t size, left;

	data = imap_parser_get_data(parser, &size);
	left = parser->literal_size - parser->literal_pos;
	size = I_MIN(size, left);
	if (size > 0) {
		if (memchr(data, '\0', size) != NULL)
			parser->literal_nul = true;
		memcpy(parser->literal_data + parser->literal_pos, data, size);
		parser->literal_pos += size;
		imap_parser_consume(parser, size);
	}
	if (parser->literal_pos < parser->literal_size)
		return 0;

	parser->state = IMAP_PARSER_STATE_ARG;
	if (parser->literal_nul && !parser->literal8) {
		imap_parser_set_error(parser, "NUL in literal", false);
		return -1;
	}
	arg = imap_parser_add_arg(parser, IMAP_ARG_LITERAL);
	arg->_data.str = (const char *)parser->literal_data;
	arg->str_len = parser->literal_size;
	arg->literal8 = parser->literal8;
	return 1;
}

static int imap_parser_step(struct imap_parser *parser)
{
	switch (parser->state) {
	case IMAP_PARSER_STATE_ARG:
		return imap_parser_read_arg_start(parser);
	case IMAP_PARSER_STATE_ATOM:
		return imap_parser_read_atom(parser);
	case IMAP_PARSER_STATE_QUOTED:
		return imap_parser_read_quoted(parser);
	case IMAP_PARSER_STATE_LITERAL_HEADER:
		return imap_parser_read_literal_header(parser);
	case IMAP_PARSER_STATE_LITERAL_DATA:
		return imap_parser_read_literal_data(parser);
	}
	i_unreached();
}

static bool imap_parser_have_count(struct imap_parser *parser,
				   unsigned int count)
{
	return count > 0 && parser->list_arg == NULL &&
		parser->state == IMAP_PARSER_STATE_ARG &&
		array_count(&parser->root_list) >= count;
}

int imap_parser_read_args(struct imap_parser *parser, unsigned int count,
			  enum imap_parser_flags flags,
			  const struct imap_arg **args_r)
{
	int ret;

	parser->flags = flags;
	if (parser->error != NULL)
		return -1;
	if (parser->partial_eol) {
		array_delete(&parser->root_list,
			     array_count(&parser->root_list) - 1, 1);
		parser->partial_eol = false;
	}
	while (!parser->line_ended) {
		if (imap_parser_have_count(parser, count)) {
			(void)imap_parser_add_arg(parser, IMAP_ARG_EOL);
			parser->partial_eol = true;
			break;
		}
		ret = imap_parser_step(parser);
		if (ret < 0 || !imap_parser_check_line_size(parser))
			return -1;
		if (ret == 0)
			return -2;
	}
	*args_r = array_front(&parser->root_list);
	return (int)array_count(&parser->root_list) - 1;
}

bool imap_arg_get_atom(const struct imap_arg *arg, const char **str_r)
{
	if (arg->type != IMAP_ARG_ATOM && arg->type != IMAP_ARG_NIL)
		return false;
	*str_r = arg->_data.str;
	return true;
}

bool imap_arg_get_string(const struct imap_arg *arg, const char **str_r)
{
	if (arg->type != IMAP_ARG_STRING && arg->type != IMAP_ARG_LITERAL)
		return false;
	*str_r = arg->_data.str;
	return true;
}

bool imap_arg_get_astring(const struct imap_arg *arg, const char **str_r)
{
	return imap_arg_get_atom(arg, str_r) ||
		imap_arg_get_string(arg, str_r);
}

bool imap_arg_get_nstring(const struct imap_arg *arg, const char **str_r)
{
	if (arg->type == IMAP_ARG_NIL) {
		*str_r = NULL;
		return true;
	}
	return imap_arg_get_string(arg, str_r);
}

bool imap_arg_get_list(const struct imap_arg *arg,
		       const struct imap_arg **list_r)
{
	if (arg->type != IMAP_ARG_LIST)
		return false;
	*list_r = array_front(&arg->_data.list);
	return true;
}

bool imap_arg_is_eol(const struct imap_arg *arg)
{
	return arg->type == IMAP_ARG_EOL;
}
