/* Copyright (c) Cove authors. See AUTHORS. */

/* Dot-unstuffing reader for the DATA phase. A small state machine
   remembers where the previous read stopped: at the start of a line, after
   a leading dot, after ".\r", or inside a line. Inside a line whole spans
   up to the next LF are copied at once. */

#include "lib.h"
#include "buffer.h"
#include "istream.h"
#include "smtp-reader.h"
#include "smtp-data-reader.h"

enum smtp_data_state {
	SMTP_DATA_STATE_LINE_START,
	SMTP_DATA_STATE_DOT,
	SMTP_DATA_STATE_DOT_CR,
	SMTP_DATA_STATE_LINE,
	SMTP_DATA_STATE_DONE,
};

struct smtp_data_reader {
	struct istream *input;
	uoff_t max_size;
	uoff_t size;
	enum smtp_data_state state;
	bool too_big;
};

struct smtp_data_reader *
smtp_data_reader_init(struct istream *input, uoff_t max_size)
{
	struct smtp_data_reader *reader;

	reader = i_new(struct smtp_data_reader, 1);
	reader->input = input;
	reader->max_size = max_size;
	return reader;
}

void smtp_data_reader_deinit(struct smtp_data_reader **_reader)
{
	struct smtp_data_reader *reader = *_reader;

	*_reader = NULL;
	i_free(reader);
}

static void smtp_data_reader_output(struct smtp_data_reader *reader,
				    buffer_t *dest, const void *data,
				    size_t size)
{
	if (reader->max_size != 0 && size > reader->max_size - reader->size)
		reader->too_big = true;
	reader->size += size;
	if (!reader->too_big)
		buffer_append(dest, data, size);
}

/* Copies the rest of the current line (up to and including LF) or all of
   data. Returns the bytes consumed. */
static size_t smtp_data_reader_line(struct smtp_data_reader *reader,
				    buffer_t *dest, const unsigned char *data,
				    size_t size)
{
	const unsigned char *lf = memchr(data, '\n', size);
	size_t n = lf == NULL ? size : (size_t)(lf - data) + 1;

	smtp_data_reader_output(reader, dest, data, n);
	if (lf != NULL)
		reader->state = SMTP_DATA_STATE_LINE_START;
	return n;
}

/* Runs the state machine over data. Returns the bytes consumed: all of
   them, or fewer when the final line ended. */
static size_t smtp_data_reader_parse(struct smtp_data_reader *reader,
				     buffer_t *dest,
				     const unsigned char *data, size_t size)
{
	size_t i = 0;

	while (i < size && reader->state != SMTP_DATA_STATE_DONE) {
		switch (reader->state) {
		case SMTP_DATA_STATE_LINE_START:
			if (data[i] == '.') {
				reader->state = SMTP_DATA_STATE_DOT;
				i++;
			} else {
				reader->state = SMTP_DATA_STATE_LINE;
			}
			break;
		case SMTP_DATA_STATE_DOT:
			/* the leading dot is dropped; a second one stays */
			if (data[i] == '\n') {
				reader->state = SMTP_DATA_STATE_DONE;
				i++;
			} else if (data[i] == '\r') {
				reader->state = SMTP_DATA_STATE_DOT_CR;
				i++;
			} else {
				reader->state = SMTP_DATA_STATE_LINE;
			}
			break;
		case SMTP_DATA_STATE_DOT_CR:
			if (data[i] == '\n') {
				reader->state = SMTP_DATA_STATE_DONE;
				i++;
			} else {
				smtp_data_reader_output(reader, dest, "\r", 1);
				reader->state = SMTP_DATA_STATE_LINE;
			}
			break;
		case SMTP_DATA_STATE_LINE:
			i += smtp_data_reader_line(reader, dest, data + i,
						   size - i);
			break;
		case SMTP_DATA_STATE_DONE:
			i_unreached();
		}
	}
	return i;
}

/* Parses everything buffered. Returns true when the message ended. */
static bool smtp_data_reader_parse_buffered(void *context, buffer_t *dest)
{
	struct smtp_data_reader *reader = context;
	const unsigned char *data;
	size_t size;

	data = i_stream_get_data(reader->input, &size);
	if (size > 0) {
		i_stream_skip(reader->input,
			      smtp_data_reader_parse(reader, dest, data, size));
	}
	return reader->state == SMTP_DATA_STATE_DONE;
}

int smtp_data_reader_read(struct smtp_data_reader *reader, buffer_t *dest)
{
	return smtp_reader_read(reader->input,
				smtp_data_reader_parse_buffered, reader, dest);
}

bool smtp_data_reader_is_too_big(const struct smtp_data_reader *reader)
{
	return reader->too_big;
}

uoff_t smtp_data_reader_get_size(const struct smtp_data_reader *reader)
{
	return reader->size;
}
