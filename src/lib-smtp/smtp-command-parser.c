/* Copyright (c) Cove authors. See AUTHORS. */

/* Command line framing for the SMTP/LMTP server side. */

#include "lib.h"
#include "str.h"
#include "istream.h"
#include "smtp-command-parser.h"

struct smtp_command_parser {
	struct istream *input;
	size_t max_line_length;
	/* The current line is too long: skipping to its LF. */
	bool skipping;
	string_t *line;
};

struct smtp_command_parser *
smtp_command_parser_init(struct istream *input, size_t max_line_length)
{
	struct smtp_command_parser *parser;

	parser = i_new(struct smtp_command_parser, 1);
	parser->input = input;
	parser->max_line_length = max_line_length;
	parser->line = str_new(default_pool, 128);
	return parser;
}

void smtp_command_parser_deinit(struct smtp_command_parser **_parser)
{
	struct smtp_command_parser *parser = *_parser;

	*_parser = NULL;
	str_free(&parser->line);
	i_free(parser);
}

/* Skips the rest of an over-long line. Returns 1 once its LF is consumed,
   0 if more input is needed. */
static int smtp_command_parser_skip_line(struct smtp_command_parser *parser)
{
	const unsigned char *data, *lf;
	size_t size;

	data = i_stream_get_data(parser->input, &size);
	lf = memchr(data, '\n', size);
	if (lf == NULL) {
		i_stream_skip(parser->input, size);
		return 0;
	}
	i_stream_skip(parser->input, lf - data + 1);
	parser->skipping = false;
	return 1;
}

static bool smtp_char_is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int smtp_command_parse_line(struct smtp_command_parser *parser,
				   struct smtp_command *cmd_r,
				   const char **error_r)
{
	char *line = str_c_modifiable(parser->line);
	size_t len = str_len(parser->line);
	char *p;

	if (strlen(line) != len) {
		*error_r = "Invalid command syntax (NUL byte)";
		return -1;
	}
	for (p = line; smtp_char_is_alpha(*p); p++) {
		if (*p >= 'a')
			*p -= 'a' - 'A';
	}
	if (p == line || (*p != ' ' && *p != '\0')) {
		*error_r = "Invalid command syntax";
		return -1;
	}
	cmd_r->args = *p == '\0' ? "" : p + 1;
	*p = '\0';
	cmd_r->name = line;
	return 1;
}

int smtp_command_parser_next(struct smtp_command_parser *parser,
			     struct smtp_command *cmd_r,
			     const char **error_r)
{
	const unsigned char *data, *lf;
	size_t size, len;

	if (parser->skipping) {
		if (smtp_command_parser_skip_line(parser) == 0)
			return 0;
		*error_r = "Line too long";
		return -1;
	}

	data = i_stream_get_data(parser->input, &size);
	lf = memchr(data, '\n', size);
	if (lf == NULL) {
		/* CRLF is not part of the length */
		if (size > parser->max_line_length + 1) {
			parser->skipping = true;
			return smtp_command_parser_next(parser, cmd_r,
							error_r);
		}
		return 0;
	}
	len = lf - data;
	if (len > 0 && data[len - 1] == '\r')
		len--;
	if (len > parser->max_line_length) {
		i_stream_skip(parser->input, lf - data + 1);
		*error_r = "Line too long";
		return -1;
	}
	str_truncate(parser->line, 0);
	str_append_data(parser->line, data, len);
	i_stream_skip(parser->input, lf - data + 1);
	return smtp_command_parse_line(parser, cmd_r, error_r);
}
