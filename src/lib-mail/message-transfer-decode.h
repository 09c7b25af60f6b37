/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef MESSAGE_TRANSFER_DECODE_H
#define MESSAGE_TRANSFER_DECODE_H

/* Undoing Content-Transfer-Encoding (RFC 2045 6): quoted-printable and
   base64, leniently (junk is skipped, never an error), fed in pieces of
   any size. */

#include "buffer.h"

enum message_transfer_encoding {
	MESSAGE_TRANSFER_ENCODING_NONE,
	MESSAGE_TRANSFER_ENCODING_QP,
	MESSAGE_TRANSFER_ENCODING_BASE64,
};

struct message_transfer_decoder {
	enum message_transfer_encoding encoding;
	/* Input held back until more arrives: an unfinished QP line or
	   base64 quantum. */
	buffer_t *pending;
	/* base64 ended with '=' padding: the rest is ignored */
	bool base64_done;
};

/* The encoding named by a Content-Transfer-Encoding value (7bit, 8bit,
   binary and unknown ones mean NONE). */
enum message_transfer_encoding
message_transfer_encoding_parse(const char *value);

void message_transfer_decoder_init(struct message_transfer_decoder *dec,
				   enum message_transfer_encoding encoding);
void message_transfer_decoder_deinit(struct message_transfer_decoder *dec);
/* Appends the decoded form of data to dest. */
void message_transfer_decode(struct message_transfer_decoder *dec,
			     const unsigned char *data, size_t size,
			     buffer_t *dest);
/* Ends the input, appending whatever was held back. */
void message_transfer_decode_finish(struct message_transfer_decoder *dec,
				    buffer_t *dest);

/* Whole-buffer forms: base64 (skipping non-alphabet bytes) and the "Q"
   encoding of RFC 2047 4.2 ('_' is a space). */
void message_transfer_decode_base64(const unsigned char *data, size_t size,
				    buffer_t *dest);
void message_transfer_decode_qp_word(const unsigned char *data, size_t size,
				     buffer_t *dest);

#endif
