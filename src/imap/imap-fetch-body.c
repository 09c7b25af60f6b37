/* Copyright (c) Cove authors. See AUTHORS. */

/* Streaming message parts into FETCH literals with CRLF line ends.
   (message_copy_crlf() copies a whole part in one call; this keeps the
   LF/CR state between calls so that sending can pause at any point.) */

#include "lib.h"
#include "istream.h"
#include "buffer.h"
#include "ostream.h"
#include "imap-fetch-body.h"

static const char imap_fetch_spaces[64] =
	"                                                               ";

/* Drops what remains of stream->skip from the CRLF form, then sends up
   to stream->left bytes of it. */
static void imap_fetch_body_write(struct imap_fetch_body_stream *stream,
				  struct ostream *output,
				  const unsigned char *data, size_t len)
{
	size_t skip = I_MIN(len, stream->skip);

	stream->skip -= skip;
	len = I_MIN(len - skip, stream->left);
	if (len > 0) {
		o_stream_nsend(output, data + skip, len);
		stream->left -= len;
	}
}

/* Converts one buffered chunk. Returns the bytes consumed: all of them,
   unless the literal was completed. */
static size_t imap_fetch_body_send_chunk(struct imap_fetch_body_stream *stream,
					 struct ostream *output,
					 const unsigned char *data,
					 size_t size)
{
	const unsigned char *lf;
	size_t pos = 0, len;

	while (pos < size && stream->left > 0) {
		lf = memchr(data + pos, '\n', size - pos);
		len = (lf == NULL ? size : (size_t)(lf - data)) - pos;
		if (len > 0) {
			imap_fetch_body_write(stream, output, data + pos, len);
			stream->last_cr = data[pos + len - 1] == '\r';
			pos += len;
		}
		if (pos == size)
			break;
		/* data[pos] is LF: CRLF as stored, or a lone LF */
		imap_fetch_body_write(stream, output,
			(const unsigned char *)"\r\n" + stream->last_cr,
			stream->last_cr ? 1 : 2);
		stream->last_cr = false;
		pos++;
	}
	return pos;
}

static void imap_fetch_body_pad(struct imap_fetch_body_stream *stream,
				struct ostream *output)
{
	size_t len;

	stream->padded = true;
	while (stream->left > 0) {
		len = I_MIN(stream->left, sizeof(imap_fetch_spaces) - 1);
		o_stream_nsend(output, imap_fetch_spaces, len);
		stream->left -= len;
	}
}

int imap_fetch_body_send(struct imap_fetch_body_stream *stream,
			 struct ostream *output, size_t max_buffered,
			 const char **error_r)
{
	const unsigned char *data;
	size_t size;

	while (stream->left > 0) {
		if (o_stream_get_buffer_used_size(output) >= max_buffered)
			return 0;
		if (i_stream_read_bytes(stream->input, &data, &size, 1) < 0) {
			if (stream->input->stream_errno != 0) {
				*error_r = i_stream_get_error(stream->input);
				return -1;
			}
			imap_fetch_body_pad(stream, output);
			break;
		}
		i_stream_skip(stream->input, imap_fetch_body_send_chunk(
			stream, output, data, size));
	}
	return 1;
}

int imap_fetch_body_consume(struct istream *input, uoff_t count,
			    buffer_t *dest, const char **error_r)
{
	const unsigned char *data;
	size_t size;

	while (count > 0) {
		if (i_stream_read_bytes(input, &data, &size, 1) < 0) {
			*error_r = input->stream_errno != 0 ?
				i_stream_get_error(input) :
				"Message ended unexpectedly";
			return -1;
		}
		size = I_MIN(size, count);
		if (dest != NULL)
			buffer_append(dest, data, size);
		i_stream_skip(input, size);
		count -= size;
	}
	return 0;
}
