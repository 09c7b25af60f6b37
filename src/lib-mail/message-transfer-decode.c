/* Copyright (c) Cove authors. See AUTHORS. */

/* Streaming quoted-printable (RFC 2045 6.7) and base64 (RFC 2045 6.8)
   decoding. QP is decoded a line at a time, since a line's trailing
   whitespace and soft break ("=" at its end) are known only at its end;
   longer lines are decoded in pieces. */

#include "lib.h"
#include "base64.h"
#include "hex-binary.h"
#include "buffer.h"
#include "message-transfer-decode.h"

#include <strings.h>

/* A QP line longer than this is decoded without waiting for its end. */
#define MESSAGE_QP_MAX_PENDING 8192

enum message_transfer_encoding
message_transfer_encoding_parse(const char *value)
{
	while (*value == ' ' || *value == '\t')
		value++;
	if (strncasecmp(value, "quoted-printable", 16) == 0)
		return MESSAGE_TRANSFER_ENCODING_QP;
	if (strncasecmp(value, "base64", 6) == 0)
		return MESSAGE_TRANSFER_ENCODING_BASE64;
	return MESSAGE_TRANSFER_ENCODING_NONE;
}

/* Decodes QP text with no line end in it. A '=' not followed by two hex
   digits is kept as it is. */
static void message_transfer_qp_text(const unsigned char *data, size_t size,
				     bool underscore_space, buffer_t *dest)
{
	size_t i;
	int hi, lo;

	for (i = 0; i < size; i++) {
		if (data[i] == '=' && i + 2 < size &&
		    (hi = hex_digit_value(data[i + 1])) >= 0 &&
		    (lo = hex_digit_value(data[i + 2])) >= 0) {
			buffer_append_c(dest, hi * 16 + lo);
			i += 2;
		} else if (data[i] == '_' && underscore_space) {
			buffer_append_c(dest, ' ');
		} else {
			buffer_append_c(dest, data[i]);
		}
	}
}

void message_transfer_decode_qp_word(const unsigned char *data, size_t size,
				     buffer_t *dest)
{
	message_transfer_qp_text(data, size, true, dest);
}

/* Decodes one QP line (with its line end, unless last). */
static void message_transfer_qp_line(const unsigned char *data, size_t size,
				     buffer_t *dest)
{
	size_t eol = 0;

	if (size > 0 && data[size - 1] == '\n')
		eol = size > 1 && data[size - 2] == '\r' ? 2 : 1;
	size -= eol;
	while (size > 0 && (data[size - 1] == ' ' || data[size - 1] == '\t'))
		size--;
	if (size > 0 && data[size - 1] == '=') {
		/* soft line break */
		message_transfer_qp_text(data, size - 1, false, dest);
		return;
	}
	message_transfer_qp_text(data, size, false, dest);
	buffer_append(dest, &"\r\n"[2 - eol], eol);
}

static void message_transfer_qp(struct message_transfer_decoder *dec,
				const unsigned char *data, size_t size,
				buffer_t *dest)
{
	const unsigned char *lf, *p;
	size_t split;

	while ((lf = memchr(data, '\n', size)) != NULL) {
		buffer_append(dec->pending, data, lf + 1 - data);
		message_transfer_qp_line(dec->pending->data,
					 dec->pending->used, dest);
		buffer_set_used_size(dec->pending, 0);
		size -= lf + 1 - data;
		data = lf + 1;
	}
	buffer_append(dec->pending, data, size);
	if (dec->pending->used <= MESSAGE_QP_MAX_PENDING)
		return;
	/* a very long line: decode all but its end, not splitting "=XX" or
	   trailing whitespace */
	p = dec->pending->data;
	split = dec->pending->used - 3;
	while (split > 0 && (p[split - 1] == ' ' || p[split - 1] == '\t' ||
			     p[split - 1] == '=' ||
			     (split > 1 && p[split - 2] == '=')))
		split--;
	message_transfer_qp_text(p, split, false, dest);
	buffer_delete(dec->pending, 0, split);
}

static void message_transfer_base64(struct message_transfer_decoder *dec,
				    const unsigned char *data, size_t size,
				    buffer_t *dest)
{
	unsigned char *q;
	size_t i;
	int v;

	for (i = 0; i < size && !dec->base64_done; i++) {
		if (data[i] == '=') {
			dec->base64_done = true;
			break;
		}
		v = base64_char_value(data[i]);
		if (v < 0)
			continue;
		buffer_append_c(dec->pending, v);
		if (dec->pending->used < 4)
			continue;
		q = buffer_get_modifiable_data(dec->pending, NULL);
		buffer_append_c(dest, (q[0] << 2) | (q[1] >> 4));
		buffer_append_c(dest, ((q[1] & 0xf) << 4) | (q[2] >> 2));
		buffer_append_c(dest, ((q[2] & 0x3) << 6) | q[3]);
		buffer_set_used_size(dec->pending, 0);
	}
}

/* Appends the bytes of an unfinished base64 quantum. */
static void message_transfer_base64_finish(struct message_transfer_decoder *dec,
					   buffer_t *dest)
{
	const unsigned char *q = dec->pending->data;

	if (dec->pending->used >= 2)
		buffer_append_c(dest, (q[0] << 2) | (q[1] >> 4));
	if (dec->pending->used >= 3)
		buffer_append_c(dest, ((q[1] & 0xf) << 4) | (q[2] >> 2));
	buffer_set_used_size(dec->pending, 0);
}

void message_transfer_decode_base64(const unsigned char *data, size_t size,
				    buffer_t *dest)
{
	struct message_transfer_decoder dec;

	message_transfer_decoder_init(&dec, MESSAGE_TRANSFER_ENCODING_BASE64);
	message_transfer_decode(&dec, data, size, dest);
	message_transfer_decode_finish(&dec, dest);
	message_transfer_decoder_deinit(&dec);
}

void message_transfer_decoder_init(struct message_transfer_decoder *dec,
				   enum message_transfer_encoding encoding)
{
	i_zero(dec);
	dec->encoding = encoding;
	dec->pending = buffer_create_dynamic(default_pool, 128);
}

void message_transfer_decoder_deinit(struct message_transfer_decoder *dec)
{
	buffer_free(&dec->pending);
}

void message_transfer_decode(struct message_transfer_decoder *dec,
			     const unsigned char *data, size_t size,
			     buffer_t *dest)
{
	switch (dec->encoding) {
	case MESSAGE_TRANSFER_ENCODING_NONE:
		buffer_append(dest, data, size);
		break;
	case MESSAGE_TRANSFER_ENCODING_QP:
		message_transfer_qp(dec, data, size, dest);
		break;
	case MESSAGE_TRANSFER_ENCODING_BASE64:
		message_transfer_base64(dec, data, size, dest);
		break;
	}
}

void message_transfer_decode_finish(struct message_transfer_decoder *dec,
				    buffer_t *dest)
{
	if (dec->encoding == MESSAGE_TRANSFER_ENCODING_QP) {
		message_transfer_qp_line(dec->pending->data,
					 dec->pending->used, dest);
		buffer_set_used_size(dec->pending, 0);
	} else if (dec->encoding == MESSAGE_TRANSFER_ENCODING_BASE64) {
		message_transfer_base64_finish(dec, dest);
	}
}
