/* Copyright (c) Cove authors. See AUTHORS. */

/* BDAT chunk reader: copies exactly the announced number of bytes from
   the istream, counting them against the message size limit. */

#include "lib.h"
#include "buffer.h"
#include "istream.h"
#include "smtp-reader.h"
#include "smtp-chunk-reader.h"

struct smtp_chunk_reader {
	struct istream *input;
	uoff_t max_size;
	uoff_t size;
	/* bytes of the current chunk still to read */
	uoff_t chunk_left;
	bool discard;
	bool too_big;
};

struct smtp_chunk_reader *
smtp_chunk_reader_init(struct istream *input, uoff_t max_size)
{
	struct smtp_chunk_reader *reader;

	reader = i_new(struct smtp_chunk_reader, 1);
	reader->input = input;
	reader->max_size = max_size;
	return reader;
}

void smtp_chunk_reader_deinit(struct smtp_chunk_reader **_reader)
{
	struct smtp_chunk_reader *reader = *_reader;

	*_reader = NULL;
	i_free(reader);
}

void smtp_chunk_reader_begin(struct smtp_chunk_reader *reader,
			     uoff_t chunk_size, bool discard)
{
	i_assert(reader->chunk_left == 0);
	reader->chunk_left = chunk_size;
	reader->discard = discard;
	if (discard)
		return;
	/* saturate: a client could announce absurd sizes */
	reader->size = chunk_size > (uoff_t)-1 - reader->size ?
		(uoff_t)-1 : reader->size + chunk_size;
	if (reader->max_size != 0 && reader->size > reader->max_size)
		reader->too_big = true;
}

/* Takes what is buffered of the chunk. Returns true when it is complete. */
static bool smtp_chunk_reader_take(void *context, buffer_t *dest)
{
	struct smtp_chunk_reader *reader = context;
	const unsigned char *data;
	size_t size;

	data = i_stream_get_data(reader->input, &size);
	if (size > reader->chunk_left)
		size = reader->chunk_left;
	if (size > 0) {
		if (!reader->discard && !reader->too_big)
			buffer_append(dest, data, size);
		i_stream_skip(reader->input, size);
		reader->chunk_left -= size;
	}
	return reader->chunk_left == 0;
}

int smtp_chunk_reader_read(struct smtp_chunk_reader *reader, buffer_t *dest)
{
	return smtp_reader_read(reader->input, smtp_chunk_reader_take, reader,
				dest);
}

bool smtp_chunk_reader_is_too_big(const struct smtp_chunk_reader *reader)
{
	return reader->too_big;
}

uoff_t smtp_chunk_reader_get_size(const struct smtp_chunk_reader *reader)
{
	return reader->size;
}
