/* Copyright (c) Cove authors. See AUTHORS. */

/* Sends a stored message with LF line ends as CRLF. */

#include "lib.h"
#include "istream.h"
#include "ostream.h"
#include "message-crlf.h"

/* Writes at most *left bytes of data and lowers *left accordingly. */
static int message_crlf_send(struct ostream *output, const void *data,
			     size_t size, uoff_t *left)
{
	if (size > *left)
		size = *left;
	if (size == 0)
		return 0;
	*left -= size;
	return o_stream_send(output, data, size) < 0 ? -1 : 0;
}

int message_copy_crlf(struct istream *input, struct ostream *output,
		      uoff_t max_virtual, const char **error_r)
{
	const unsigned char *data;
	unsigned char last = '\0';
	uoff_t left = max_virtual;
	size_t size, i, start;
	ssize_t ret;
	int wret = 0;

	while (left > 0 && wret == 0 &&
	       (ret = i_stream_read(input)) != -1) {
		data = i_stream_get_data(input, &size);
		if (size == 0 && ret == -2) {
			*error_r = "Input stream buffer has no room";
			return -1;
		}
		for (i = start = 0; i < size && wret == 0; i++) {
			if (data[i] == '\n' &&
			    (i > 0 ? data[i - 1] : last) != '\r') {
				wret = message_crlf_send(output, data + start,
							 i - start, &left);
				if (wret == 0)
					wret = message_crlf_send(output, "\r",
								 1, &left);
				start = i;
			}
		}
		if (wret == 0)
			wret = message_crlf_send(output, data + start,
						 size - start, &left);
		if (size > 0)
			last = data[size - 1];
		i_stream_skip(input, size);
	}
	if (input->stream_errno != 0) {
		*error_r = t_strdup_printf("read() failed: %s",
					   i_stream_get_error(input));
		return -1;
	}
	if (wret < 0 || output->stream_errno != 0) {
		*error_r = t_strdup_printf("write() failed: %s",
					   o_stream_get_error(output));
		return -1;
	}
	return 0;
}

void message_lf_convert(struct message_lf_converter *conv,
			const unsigned char *data, size_t size,
			message_lf_output_t *output, void *context)
{
	size_t i, start = 0;

	if (size == 0)
		return;
	if (conv->pending_cr) {
		conv->pending_cr = false;
		if (data[0] != '\n')
			output(context, (const unsigned char *)"\r", 1);
	}
	for (i = 0; i < size; i++) {
		if (data[i] != '\r')
			continue;
		if (i + 1 == size)
			conv->pending_cr = true;
		else if (data[i + 1] != '\n')
			continue;
		/* drop the CR of CRLF (or hold it until the next piece) */
		if (i > start)
			output(context, data + start, i - start);
		start = i + 1;
	}
	if (size > start)
		output(context, data + start, size - start);
}

void message_lf_convert_end(struct message_lf_converter *conv,
			    message_lf_output_t *output, void *context)
{
	if (conv->pending_cr) {
		conv->pending_cr = false;
		output(context, (const unsigned char *)"\r", 1);
	}
}
