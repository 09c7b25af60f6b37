/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef ISTREAM_H
#define ISTREAM_H

/* Buffered input stream over an fd (blocking or not) or over memory.
   i_stream_read() returns:
     >0  that many new bytes were buffered
      0  non-blocking fd has nothing now (wait for IO_READ)
     -1  EOF (stream_errno == 0) or error (stream_errno != 0)
     -2  the buffer is full (max_buffer_size reached) and nothing was
         consumed: the caller's line or item is too long.
   Consume buffered data with i_stream_get_data() + i_stream_skip(), or
   with i_stream_next_line(). */

struct istream {
	/* 0, or errno of the failure; i_stream_get_error() explains. */
	int stream_errno;
	/* Input is at EOF and everything has been read into the buffer. */
	bool eof;
	/* Offset of the first unconsumed byte since stream start. */
	uoff_t v_offset;
};

/* autoclose_fd: close fd when the stream is destroyed. */
struct istream *i_stream_create_fd(int fd, size_t max_buffer_size,
				   bool autoclose_fd);
/* Reads from a copy of data. */
struct istream *i_stream_create_from_data(const void *data, size_t size);
void i_stream_destroy(struct istream **stream);

void i_stream_set_max_buffer_size(struct istream *stream, size_t size);
size_t i_stream_get_max_buffer_size(const struct istream *stream);
int i_stream_get_fd(const struct istream *stream);
const char *i_stream_get_error(const struct istream *stream);

ssize_t i_stream_read(struct istream *stream);
const unsigned char *i_stream_get_data(struct istream *stream,
				       size_t *size_r);
void i_stream_skip(struct istream *stream, uoff_t count);
/* Makes at least wanted bytes available if possible. Returns 1 when
   *size_r >= wanted, 0 when a non-blocking read needs more, -1 on EOF or
   error (with *size_r the bytes that exist). */
int i_stream_read_bytes(struct istream *stream, const unsigned char **data_r,
			size_t *size_r, size_t wanted);

/* Returns the next buffered line without its LF or CRLF and consumes it,
   or NULL if no whole line is buffered (then call i_stream_read()). At EOF
   a final line without LF is returned too. The pointer is valid until the
   next read. */
char *i_stream_next_line(struct istream *stream);
/* Reads (blocking as needed) until a whole line is available. Returns
   NULL on EOF/error, or if the line is longer than the buffer (-2). */
char *i_stream_read_next_line(struct istream *stream);

/* For unit tests and parsers: a memory stream that exposes at most
   max_bytes_per_read new bytes per i_stream_read() (0 means no limit) and
   returns 0 ("would block") in between when nonblock_steps is true. */
struct istream *test_istream_create_data(const void *data, size_t size);
void test_istream_set_read_limit(struct istream *stream, size_t max_bytes);
void test_istream_set_nonblock_steps(struct istream *stream, bool enable);

#endif
