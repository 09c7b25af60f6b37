/* Copyright (c) Cove authors. See AUTHORS. */

/* The four output formats of coveadm. */

#include "lib.h"
#include "array.h"
#include "str.h"
#include "admin-print.h"

#include <stdio.h>

struct admin_print {
	pool_t pool;
	enum admin_print_format format;
	const char *const *headers;
	unsigned int columns;
	/* every value, row after row */
	ARRAY(const char *) values;
};

static const char *const admin_print_format_names[] = {
	[ADMIN_PRINT_FORMAT_FLOW] = "flow",
	[ADMIN_PRINT_FORMAT_TABLE] = "table",
	[ADMIN_PRINT_FORMAT_TAB] = "tab",
	[ADMIN_PRINT_FORMAT_JSON] = "json",
};

int admin_print_format_parse(const char *name,
			     enum admin_print_format *format_r)
{
	for (unsigned int i = 1; i < N_ELEMENTS(admin_print_format_names);
	     i++) {
		if (strcmp(admin_print_format_names[i], name) == 0) {
			*format_r = i;
			return 0;
		}
	}
	return -1;
}

struct admin_print *admin_print_init(enum admin_print_format format,
				     const char *const *headers)
{
	pool_t pool = pool_alloconly_create("admin print", 1024);
	struct admin_print *print = p_new(pool, struct admin_print, 1);

	print->pool = pool;
	print->format = format == ADMIN_PRINT_FORMAT_DEFAULT ?
		ADMIN_PRINT_FORMAT_FLOW : format;
	print->headers = p_strarray_dup(pool, headers);
	print->columns = str_array_length(headers);
	p_array_init(&print->values, pool, 16);
	return print;
}

void admin_print_row(struct admin_print *print, const char *const *values)
{
	for (unsigned int i = 0; i < print->columns; i++) {
		const char *value = p_strdup(print->pool, values[i]);

		array_push_back(&print->values, &value);
	}
}

static void admin_print_json_string(string_t *dest, const char *str)
{
	str_append_c(dest, '"');
	for (; *str != '\0'; str++) {
		unsigned char c = *str;

		if (c == '"' || c == '\\')
			str_printfa(dest, "\\%c", c);
		else if (c < 0x20)
			str_printfa(dest, "\\u%04x", c);
		else
			str_append_c(dest, c);
	}
	str_append_c(dest, '"');
}

/* A table cell, padded to its column's width unless it is the last. */
static void admin_print_cell(string_t *out, const struct admin_print *print,
			     const unsigned int *widths, unsigned int col,
			     const char *value)
{
	if (col + 1 == print->columns)
		str_printfa(out, "%s%s", col == 0 ? "" : " ", value);
	else
		str_printfa(out, "%s%-*s", col == 0 ? "" : " ",
			    (int)widths[col], value);
}

static void admin_print_rows(const struct admin_print *print, string_t *out)
{
	unsigned int *widths = t_new(unsigned int, print->columns);
	const char *const *values;
	unsigned int count, col;

	values = array_get(&print->values, &count);
	for (col = 0; col < print->columns; col++)
		widths[col] = strlen(print->headers[col]);
	for (unsigned int i = 0; i < count; i++) {
		col = i % print->columns;
		widths[col] = I_MAX(widths[col], strlen(values[i]));
	}
	if (print->format == ADMIN_PRINT_FORMAT_JSON)
		str_append_c(out, '[');
	else if (print->format == ADMIN_PRINT_FORMAT_TABLE ||
		 print->format == ADMIN_PRINT_FORMAT_TAB) {
		for (col = 0; col < print->columns; col++) {
			if (print->format == ADMIN_PRINT_FORMAT_TAB)
				str_printfa(out, "%s%s", col == 0 ? "" : "\t",
					    print->headers[col]);
			else
				admin_print_cell(out, print, widths, col,
						 print->headers[col]);
		}
		str_append_c(out, '\n');
	}
	for (unsigned int i = 0; i < count; i++) {
		col = i % print->columns;
		switch (print->format) {
		case ADMIN_PRINT_FORMAT_DEFAULT:
		case ADMIN_PRINT_FORMAT_FLOW:
			if (col == 0)
				str_append(out, values[i]);
			else
				str_printfa(out, " %s=%s", print->headers[col],
					    values[i]);
			break;
		case ADMIN_PRINT_FORMAT_TABLE:
			admin_print_cell(out, print, widths, col, values[i]);
			break;
		case ADMIN_PRINT_FORMAT_TAB:
			str_printfa(out, "%s%s", col == 0 ? "" : "\t",
				    values[i]);
			break;
		case ADMIN_PRINT_FORMAT_JSON:
			str_append(out, col != 0 ? "," : i == 0 ? "{" : ",{");
			admin_print_json_string(out, print->headers[col]);
			str_append_c(out, ':');
			admin_print_json_string(out, values[i]);
			break;
		}
		if (col + 1 < print->columns)
			continue;
		if (print->format == ADMIN_PRINT_FORMAT_JSON)
			str_append_c(out, '}');
		else
			str_append_c(out, '\n');
	}
	if (print->format == ADMIN_PRINT_FORMAT_JSON)
		str_append_c(out, ']');
}

void admin_print_deinit(struct admin_print **_print)
{
	struct admin_print *print = *_print;
	string_t *out = t_str_new(1024);
	pool_t pool = print->pool;

	*_print = NULL;
	admin_print_rows(print, out);
	fwrite(str_data(out), 1, str_len(out), stdout);
	/* print itself lives in the pool */
	pool_unref(&pool);
}
