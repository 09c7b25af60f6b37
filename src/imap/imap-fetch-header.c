/* Copyright (c) Cove authors. See AUTHORS. */

/* Selecting header fields by name for HEADER.FIELDS fetches. */

#include "lib.h"
#include "str.h"
#include "imap-fetch-header.h"

#include <strings.h>

static bool imap_fetch_header_listed(const unsigned char *name, size_t len,
				     const char *const *fields)
{
	for (; *fields != NULL; fields++) {
		if (strlen(*fields) == len &&
		    strncasecmp(*fields, (const char *)name, len) == 0)
			return true;
	}
	return false;
}

/* The field name of a header line: up to the colon, without trailing
   whitespace. A line without a colon has the whole line as its name. */
static size_t imap_fetch_header_name_len(const unsigned char *line,
					 size_t len)
{
	const unsigned char *colon = memchr(line, ':', len);

	if (colon != NULL)
		len = colon - line;
	while (len > 0 && (line[len - 1] == ' ' || line[len - 1] == '\t'))
		len--;
	return len;
}

void imap_fetch_header_filter(const unsigned char *header, size_t size,
			      const char *const *fields, bool exclude,
			      string_t *dest)
{
	const unsigned char *line, *lf;
	size_t pos = 0, len, next;
	bool keep = false;

	while (pos < size) {
		line = header + pos;
		lf = memchr(line, '\n', size - pos);
		next = lf == NULL ? size : (size_t)(lf - header) + 1;
		len = (lf == NULL ? size : (size_t)(lf - header)) - pos;
		if (len > 0 && line[len - 1] == '\r')
			len--;
		if (len == 0)
			break;
		if (line[0] != ' ' && line[0] != '\t') {
			keep = imap_fetch_header_listed(line,
				imap_fetch_header_name_len(line, len),
				fields) != exclude;
		}
		if (keep) {
			str_append_data(dest, line, len);
			str_append(dest, "\r\n");
		}
		pos = next;
	}
	str_append(dest, "\r\n");
}
