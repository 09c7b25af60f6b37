/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef SMTP_DATA_READER_H
#define SMTP_DATA_READER_H

/* Reads the message after DATA (RFC 5321 4.1.1.4, 4.5.2): removes the
   leading dot of lines that start with one ("..x" -> ".x") and stops
   after the final line holding only ".". Lines may end in CRLF or a bare
   LF (also the final ".\n"); line ends are passed on unchanged. The reader
   consumes input up to the end of the final line and no further, so that
   pipelined commands after it stay in the istream. It keeps its own
   state, so CRLF and the final dot may be split across reads. */

struct istream;
struct smtp_data_reader;

/* max_size (0 = unlimited) caps the unstuffed message size: data beyond
   it is read and dropped, and smtp_data_reader_is_too_big() says so. */
struct smtp_data_reader *
smtp_data_reader_init(struct istream *input, uoff_t max_size);
void smtp_data_reader_deinit(struct smtp_data_reader **reader);

/* Reads from input and appends unstuffed data to dest. Returns 1 when the
   final "." line has been read, 0 when a non-blocking read needs more
   input, or -1 when input ended or failed before the end (the client
   disconnected; see input->stream_errno). */
int smtp_data_reader_read(struct smtp_data_reader *reader, buffer_t *dest);

/* True if the message grew over max_size. */
bool smtp_data_reader_is_too_big(const struct smtp_data_reader *reader);
/* Unstuffed size so far (including data dropped as too big). */
uoff_t smtp_data_reader_get_size(const struct smtp_data_reader *reader);

#endif
