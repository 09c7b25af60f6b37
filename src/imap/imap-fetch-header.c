/* Copyright (c) Cove authors. See AUTHORS. */

/* Reading a message header and selecting its fields by name. */

#include "lib.h"
#include "str.h"
#include "istream.h"
#include "imap-fetch-header.h"

#include <strings.h>

/* Returns the length of data up to and including the LF of the blank
   line that ends the header, or 0 if it is not in data. *line_len is the
   length (without CRs) of the current line, kept across calls. */
static size_t imap_fetch_header_find_end(const unsigned char *data,
					 size_t size, size_t *line_len)
{
	size_t i;

	for (i = 0; i < size; i++) {
		if (data[i] == '\n') {
			if (*line_len == 0)
				return i + 1;
			*line_len = 0;
		} else if (data[i] != '\r') {
			(*line_len)++;
		}
	}
	return 0;
}

int imap_fetch_header_read(struct istream *input, buffer_t *dest,
			   const char **error_r)
{
	const unsigned char *data;
	size_t size, end, line_len = 0;

	while (i_stream_read_bytes(input, &data, &size, 1) > 0) {
		end = imap_fetch_header_find_end(data, size, &line_len);
		buffer_append(dest, data, end == 0 ? size : end);
		i_stream_skip(input, end == 0 ? size : end);
		if (end != 0)
			return 0;
	}
	if (input->stream_errno != 0) {
		*error_r = i_stream_get_error(input);
		return -1;
	}
	return 0;
}

uoff_t imap_fetch_header_crlf_size(const unsigned char *data, size_t size)
{
	uoff_t crlf_size = size;
	size_t i;

	for (i = 0; i < size; i++) {
		if (data[i] == '\n' && (i == 0 || data[i - 1] != '\r'))
			crlf_size++;
	}
	return crlf_size;
}

void imap_fetch_header_append_crlf(string_t *dest, const unsigned char *data,
				   size_t size)
{
	size_t i, start = 0;

	for (i = 0; i < size; i++) {
		if (data[i] == '\n' && (i == 0 || data[i - 1] != '\r')) {
			str_append_data(dest, data + start, i - start);
			str_append_c(dest, '\r');
			start = i;
		}
	}
	str_append_data(dest, data + start, size - start);
}

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
	bool keep = false, blank = false;

	while (pos < size) {
		line = header + pos;
		lf = memchr(line, '\n', size - pos);
		next = lf == NULL ? size : (size_t)(lf - header) + 1;
		len = (lf == NULL ? size : (size_t)(lf - header)) - pos;
		if (len > 0 && line[len - 1] == '\r')
			len--;
		if (len == 0) {
			blank = true;
			break;
		}
		if (line[0] != ' ' && line[0] != '\t') {
			keep = imap_fetch_header_listed(line,
				imap_fetch_header_name_len(line, len),
				fields) != exclude;
		}
		if (keep) {
			str_append_data(dest, line, len);
			if (lf != NULL)
				str_append(dest, "\r\n");
		}
		pos = next;
	}
	/* as Dovecot does: .NOT keeps the header's blank line if it has
	   one, the field list always ends with one */
	if (!exclude || blank)
		str_append(dest, "\r\n");
}
