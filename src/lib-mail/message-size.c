/* Copyright (c) Cove authors. See AUTHORS. */

/* Header and body sizes of a message, physical and with CRLF line ends. */

#include "lib.h"
#include "istream.h"
#include "message-size.h"

struct message_size_ctx {
	struct message_size *cur;
	struct message_size *body;
	/* Previous byte, or '\n' at the start of the message. */
	unsigned char last;
	/* The current line so far is empty or a lone CR. */
	bool line_empty;
};

/* Counts data into ctx->cur, switching to the body after the header's
   empty line. */
static void
message_size_add(struct message_size_ctx *ctx, const unsigned char *data,
		 size_t size)
{
	size_t i, start = 0;

	for (i = 0; i < size; i++) {
		if (data[i] != '\n') {
			ctx->line_empty = ctx->last == '\n' &&
				data[i] == '\r';
			ctx->last = data[i];
			continue;
		}
		ctx->cur->lines++;
		if (ctx->last != '\r')
			ctx->cur->virtual_size++;
		ctx->last = '\n';
		if (ctx->line_empty && ctx->cur != ctx->body) {
			ctx->cur->physical_size += i + 1 - start;
			ctx->cur->virtual_size += i + 1 - start;
			start = i + 1;
			ctx->cur = ctx->body;
		}
		ctx->line_empty = true;
	}
	ctx->cur->physical_size += size - start;
	ctx->cur->virtual_size += size - start;
}

int message_get_header_body_size(struct istream *input,
				 struct message_size *hdr_r,
				 struct message_size *body_r,
				 const char **error_r)
{
	struct message_size_ctx ctx = {
		.cur = hdr_r, .body = body_r, .last = '\n', .line_empty = true,
	};
	const unsigned char *data;
	size_t size;
	ssize_t ret;

	memset(hdr_r, 0, sizeof(*hdr_r));
	memset(body_r, 0, sizeof(*body_r));
	while ((ret = i_stream_read(input)) != -1) {
		data = i_stream_get_data(input, &size);
		if (size == 0 && ret == -2) {
			*error_r = "Input stream buffer has no room";
			return -1;
		}
		message_size_add(&ctx, data, size);
		i_stream_skip(input, size);
	}
	if (input->stream_errno != 0) {
		*error_r = t_strdup_printf("read() failed: %s",
					   i_stream_get_error(input));
		return -1;
	}
	return 0;
}
