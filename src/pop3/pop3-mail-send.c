/* Copyright (c) Cove authors. See AUTHORS. */

/* Streaming RETR/TOP data (see pop3-mail-send.h). The state between calls
   is the position in the current line, so that a pause may fall anywhere,
   even between a CR and its LF. */

#include "lib.h"
#include "istream.h"
#include "ostream.h"
#include "pop3-mail-send.h"

void pop3_mail_send_init(struct pop3_mail_send *send, struct istream *input,
			 enum pop3_client_workarounds workarounds, bool top,
			 uoff_t top_lines)
{
	memset(send, 0, sizeof(*send));
	send->input = input;
	send->workarounds = workarounds;
	send->limit_lines = top;
	send->body_lines = top_lines;
	send->in_header = true;
}

/* Appends line data to dest, NULs as 0x80 with outlook-no-nuls. */
static unsigned char *pop3_mail_send_data(const struct pop3_mail_send *send,
					  unsigned char *dest,
					  const unsigned char *data,
					  size_t size)
{
	memcpy(dest, data, size);
	if ((send->workarounds & POP3_WORKAROUND_OUTLOOK_NO_NULS) != 0) {
		for (size_t i = 0; i < size; i++) {
			if (dest[i] == '\0')
				dest[i] = 0x80;
		}
	}
	return dest + size;
}

/* A line ended (its CRLF is sent): the header ends at the first empty
   line; TOP counts the body lines. */
static void pop3_mail_send_line_end(struct pop3_mail_send *send)
{
	bool empty = send->line_len == 0 ||
		(send->line_len == 1 && send->last_cr);

	send->line_len = 0;
	send->last_cr = false;
	if (send->in_header) {
		if (empty) {
			send->in_header = false;
			send->stopped = send->limit_lines &&
				send->body_lines == 0;
		}
	} else if (send->limit_lines && --send->body_lines == 0) {
		send->stopped = true;
	}
}

/* Converts one buffered chunk into one send. Returns the bytes
   consumed. */
static size_t pop3_mail_send_chunk(struct pop3_mail_send *send,
				   struct ostream *output,
				   const unsigned char *data, size_t size)
{
	const unsigned char *lf;
	unsigned char *dest_start, *dest;
	size_t pos = 0, end;

	/* at most 2 bytes out per byte in: a "." line is "..\r\n" */
	dest_start = dest = t_malloc(size * 2 + 1);
	while (pos < size && !send->stopped) {
		lf = memchr(data + pos, '\n', size - pos);
		end = lf == NULL ? size : (size_t)(lf - data);
		if (end > pos) {
			/* RFC 1939 3: byte-stuff lines starting with "." */
			if (send->line_len == 0 && data[pos] == '.')
				*dest++ = '.';
			dest = pop3_mail_send_data(send, dest, data + pos,
						   end - pos);
			send->line_len += end - pos;
			send->last_cr = data[end - 1] == '\r';
			pos = end;
		}
		if (pos == size)
			break;
		/* data[pos] is LF: CRLF as stored, or a lone LF */
		if (!send->last_cr)
			*dest++ = '\r';
		*dest++ = '\n';
		pop3_mail_send_line_end(send);
		pos++;
	}
	o_stream_nsend(output, dest_start, dest - dest_start);
	return pos;
}

static void pop3_mail_send_finish(struct pop3_mail_send *send,
				  struct ostream *output)
{
	if (send->line_len > 0) {
		/* the message does not end with a line end */
		o_stream_nsend(output, send->last_cr ? "\n" : "\r\n",
			       send->last_cr ? 1 : 2);
	}
	if (send->in_header &&
	    (send->workarounds & POP3_WORKAROUND_OE_NS_EOH) != 0)
		o_stream_nsend(output, "\r\n", 2);
	o_stream_nsend(output, ".\r\n", 3);
}

int pop3_mail_send_more(struct pop3_mail_send *send, struct ostream *output,
			size_t max_buffered, const char **error_r)
{
	const unsigned char *data;
	size_t size;

	while (!send->stopped) {
		if (o_stream_get_buffer_used_size(output) >= max_buffered)
			return 0;
		if (i_stream_read_bytes(send->input, &data, &size, 1) < 0) {
			if (send->input->stream_errno != 0) {
				*error_r = i_stream_get_error(send->input);
				return -1;
			}
			break;
		}
		T_BEGIN {
			i_stream_skip(send->input, pop3_mail_send_chunk(
				send, output, data, size));
		} T_END;
	}
	pop3_mail_send_finish(send, output);
	return 1;
}
