/* Copyright (c) Cove authors. See AUTHORS. */

/* Splits one line of cove.conf into its parts: `key = value`,
   `name [label] {`, `}`, `!include path`, comments. Quoted strings ("..."
   or '...') may hold '#', '{' and escaped quotes; '#' elsewhere starts a
   comment. */

#include "lib.h"
#include "str.h"
#include "settings-parser-private.h"

#define IS_WHITE(c) ((c) == ' ' || (c) == '\t')

static const char *settings_skip_white(const char *p)
{
	while (IS_WHITE(*p))
		p++;
	return p;
}

/* True if only whitespace or a comment is left. */
static bool settings_line_is_end(const char *p)
{
	p = settings_skip_white(p);
	return *p == '\0' || *p == '#';
}

/* Parses a quoted string starting at *p (the quote). \" \' and \\ are
   unescaped; other backslashes are kept. */
static int settings_parse_quoted(const char **p, const char **value_r,
				 const char **error_r)
{
	const char *s = *p;
	char quote = *s++;
	string_t *str = t_str_new(64);

	for (; *s != quote; s++) {
		if (*s == '\0') {
			*error_r = "Missing closing quote";
			return -1;
		}
		if (*s == '\\' && (s[1] == quote || s[1] == '\\'))
			s++;
		str_append_c(str, *s);
	}
	*p = s + 1;
	*value_r = str_c(str);
	return 0;
}

/* A value without quotes: up to a comment, trailing whitespace removed. */
static const char *settings_parse_bare_value(const char *p)
{
	const char *end = strchr(p, '#');

	if (end == NULL)
		end = p + strlen(p);
	while (end > p && IS_WHITE(end[-1]))
		end--;
	return t_strndup(p, end - p);
}

/* A word: quoted, or up to whitespace (or stop_chars). */
static int settings_parse_word(const char **p, const char *stop_chars,
			       const char **word_r, const char **error_r)
{
	const char *s = *p;

	if (*s == '"' || *s == '\'')
		return settings_parse_quoted(p, word_r, error_r);
	while (*s != '\0' && !IS_WHITE(*s) && strchr(stop_chars, *s) == NULL)
		s++;
	*word_r = t_strndup(*p, s - *p);
	*p = s;
	return 0;
}

static int settings_parse_directive(const char *p, struct settings_line *line_r,
				    const char **error_r)
{
	const char *name, *path;

	if (settings_parse_word(&p, "#", &name, error_r) < 0)
		return -1;
	if (strcmp(name, "!include") == 0) {
		line_r->type = SETTINGS_LINE_INCLUDE;
	} else if (strcmp(name, "!include_try") == 0) {
		line_r->type = SETTINGS_LINE_INCLUDE_TRY;
	} else {
		*error_r = t_strdup_printf("Unknown directive: %s", name);
		return -1;
	}
	p = settings_skip_white(p);
	if (settings_parse_word(&p, "#", &path, error_r) < 0)
		return -1;
	if (*path == '\0') {
		*error_r = t_strdup_printf("%s needs a path", name);
		return -1;
	}
	if (!settings_line_is_end(p)) {
		*error_r = t_strdup_printf("Garbage after %s path", name);
		return -1;
	}
	line_r->key = path;
	return 0;
}

static int settings_parse_value(const char *p, struct settings_line *line_r,
				const char **error_r)
{
	p = settings_skip_white(p);
	if (*p != '"' && *p != '\'') {
		line_r->value = settings_parse_bare_value(p);
		return 0;
	}
	if (settings_parse_quoted(&p, &line_r->value, error_r) < 0)
		return -1;
	if (!settings_line_is_end(p)) {
		*error_r = "Garbage after closing quote";
		return -1;
	}
	line_r->quoted = true;
	return 0;
}

static int settings_parse_section(const char *p, struct settings_line *line_r,
				  const char **error_r)
{
	size_t len = strlen(p);

	/* A line ending in '{' opens a section even when it has errors:
	   then its '}' is not reported as another error. */
	while (len > 0 && IS_WHITE(p[len - 1]))
		len--;
	if (len > 0 && p[len - 1] == '{')
		line_r->type = SETTINGS_LINE_SECTION_BEGIN;

	if (*p != '{') {
		if (settings_parse_word(&p, "{#=", &line_r->value,
					error_r) < 0)
			return -1;
		p = settings_skip_white(p);
	}
	if (*p != '{') {
		*error_r = "Expecting '=' or '{'";
		return -1;
	}
	line_r->type = SETTINGS_LINE_SECTION_BEGIN;
	if (!settings_line_is_end(p + 1)) {
		*error_r = "Garbage after '{'";
		return -1;
	}
	return 0;
}

int settings_line_parse(const char *line, struct settings_line *line_r,
			const char **error_r)
{
	const char *p = settings_skip_white(line), *key_start;

	*line_r = (struct settings_line){ .type = SETTINGS_LINE_SKIP };
	if (settings_line_is_end(p))
		return 0;
	if (*p == '!')
		return settings_parse_directive(p, line_r, error_r);
	if (*p == '}') {
		if (!settings_line_is_end(p + 1)) {
			*error_r = "Garbage after '}'";
			return -1;
		}
		line_r->type = SETTINGS_LINE_SECTION_END;
		return 0;
	}
	if (*p == '{' || *p == '=') {
		*error_r = "Missing key or section name";
		return -1;
	}

	key_start = p;
	while (*p != '\0' && !IS_WHITE(*p) && strchr("={#", *p) == NULL)
		p++;
	line_r->key = t_strndup(key_start, p - key_start);
	p = settings_skip_white(p);
	if (*p == '=') {
		line_r->type = SETTINGS_LINE_KEYVALUE;
		return settings_parse_value(p + 1, line_r, error_r);
	}
	return settings_parse_section(p, line_r, error_r);
}
