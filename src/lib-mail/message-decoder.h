/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef MESSAGE_DECODER_H
#define MESSAGE_DECODER_H

/* The text of a message as a searcher sees it: every header field of the
   message and of its MIME parts (nested message/rfc822 included), unfolded
   and with RFC 2047 words decoded, and the body of every text part with
   its Content-Transfer-Encoding undone and its charset converted to UTF-8
   (bytes that do not convert become U+FFFD). */

struct istream;

enum message_text_type {
	MESSAGE_TEXT_HEADER,
	MESSAGE_TEXT_BODY,
};

struct message_text_block {
	enum message_text_type type;
	/* HEADER: field name as in the message ("Subject"); BODY: NULL. */
	const char *hdr_name;
	/* HEADER: the whole unfolded value, RFC 2047 words decoded, UTF-8.
	   BODY: a chunk of one MIME part's text, transfer-decoded
	   (base64/quoted-printable) and converted from its charset to UTF-8.
	   Chunks of a part come in order; part_start is set on its first. */
	const unsigned char *data;
	size_t size;
	bool part_start;
	/* HEADER: the field is in the message's own header, not in a MIME
	   part's or an attached message's. */
	bool top_level;
};

/* Called for each block; the block and its data are valid only during
   the call. */
typedef void message_text_callback_t(const struct message_text_block *block,
				     void *context);

/* Reads the whole message from input (blocking) and calls cb for every
   header field (of the message and of every MIME part, nested
   message/rfc822 included) and every body chunk of text parts. Returns 0,
   or -1 with error_r on a read error. Broken MIME is not an error: it is
   decoded as well as it can. */
int message_decode_text(struct istream *input, message_text_callback_t *cb,
			void *context, const char **error_r);

#endif
