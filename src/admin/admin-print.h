/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef ADMIN_PRINT_H
#define ADMIN_PRINT_H

/* coveadm's output formats (doveadm's -f): rows of named values printed
   as a table, as "flow" lines (the first column, which names the row,
   bare, then key=value), as tab-separated lines under a header, or as a
   JSON array of objects (no newline after it, as doveadm). */

enum admin_print_format {
	ADMIN_PRINT_FORMAT_DEFAULT = 0,
	ADMIN_PRINT_FORMAT_FLOW,
	ADMIN_PRINT_FORMAT_TABLE,
	ADMIN_PRINT_FORMAT_TAB,
	ADMIN_PRINT_FORMAT_JSON,
};

struct admin_print;

/* Returns 0 with format_r, or -1 for an unknown name. */
int admin_print_format_parse(const char *name,
			     enum admin_print_format *format_r);
/* headers is NULL-terminated; DEFAULT means FLOW. Rows are kept until
   deinit (a table needs every row to size its columns). */
struct admin_print *admin_print_init(enum admin_print_format format,
				     const char *const *headers);
/* values has one entry per header. */
void admin_print_row(struct admin_print *print, const char *const *values);
/* Prints everything and frees print. */
void admin_print_deinit(struct admin_print **print);

#endif
