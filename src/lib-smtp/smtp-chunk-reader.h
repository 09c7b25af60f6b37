/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef SMTP_CHUNK_READER_H
#define SMTP_CHUNK_READER_H

/* Reads the message chunks that follow BDAT commands (RFC 3030): exactly
   the announced number of bytes, taken as they are (no dot-unstuffing, no
   line end changes). One reader serves all chunks of a message, so that
   the size limit applies to the message as a whole. The reader consumes
   no byte after a chunk, so that pipelined commands stay in the istream. */

struct istream;
struct smtp_chunk_reader;

/* max_size (0 = unlimited) caps the size of all chunks together: data
   beyond it is read and dropped, and smtp_chunk_reader_is_too_big() says
   so. */
struct smtp_chunk_reader *
smtp_chunk_reader_init(struct istream *input, uoff_t max_size);
void smtp_chunk_reader_deinit(struct smtp_chunk_reader **reader);

/* Starts reading the next chunk of chunk_size bytes. With discard, its
   bytes are read and dropped without counting (a rejected BDAT). */
void smtp_chunk_reader_begin(struct smtp_chunk_reader *reader,
			     uoff_t chunk_size, bool discard);

/* Reads from input and appends chunk data to dest. Returns 1 when the
   whole chunk has been read, 0 when a non-blocking read needs more input,
   or -1 when input ended or failed before that (see input->stream_errno). */
int smtp_chunk_reader_read(struct smtp_chunk_reader *reader, buffer_t *dest);

/* True if the chunks together grew over max_size. */
bool smtp_chunk_reader_is_too_big(const struct smtp_chunk_reader *reader);
/* Size of all chunks so far (including data dropped as too big). */
uoff_t smtp_chunk_reader_get_size(const struct smtp_chunk_reader *reader);

#endif
