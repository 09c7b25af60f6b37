/* Copyright (c) Cove authors. See AUTHORS. */

/* The flat config: every line the parser applies, written again as one
   self-contained file (settings_parser_get_flat_config()). Values are
   written quoted, so that reading them back does no $var or <file
   processing a second time; `<file` values stay file references, with
   the path made absolute, because a file's content may span lines. */

#include "lib.h"
#include "str.h"
#include "settings-parser-private.h"

void settings_flat_section_begin(struct settings_parser *parser,
				 const struct settings_line *line)
{
	str_append(parser->flat, line->key);
	if (line->value != NULL) {
		str_append_c(parser->flat, ' ');
		settings_append_label(parser->flat, line->value);
	}
	str_append(parser->flat, " {\n");
}

void settings_flat_section_end(struct settings_parser *parser)
{
	str_append(parser->flat, "}\n");
}

void settings_flat_value(struct settings_parser *parser,
			 const struct settings_line *line, const char *value)
{
	const char *path;

	str_append(parser->flat, line->key);
	str_append(parser->flat, " = ");
	if (!line->quoted && line->value[0] == '<') {
		path = line->value + 1;
		while (*path == ' ' || *path == '\t')
			path++;
		str_append_c(parser->flat, '<');
		str_append(parser->flat, settings_parser_path(parser, path));
	} else if (strchr(value, '\n') != NULL) {
		/* Only a <file value can hold a newline, and that was handled
		   above; a value from a line never does. */
		i_unreached();
	} else {
		settings_append_quoted(parser->flat, value);
	}
	str_append_c(parser->flat, '\n');
}
