/* Copyright (c) Cove authors. See AUTHORS. */

/* The searchable text of a message: parser blocks turned into decoded
   header values and decoded, UTF-8 body text of text parts. */

#include "lib.h"
#include "str.h"
#include "istream.h"
#include "charset-utf8.h"
#include "message-content-type.h"
#include "message-header-decode.h"
#include "message-parser.h"
#include "message-transfer-decode.h"
#include "message-decoder.h"

#include <strings.h>

struct message_decoder {
	message_text_callback_t *cb;
	void *context;

	/* The part whose header or body is being read */
	struct message_part *part;
	char *charset;
	enum message_transfer_encoding encoding;
	/* The part has MIME-Version or Content-Type, or is in a multipart */
	bool mime;

	/* Body decoding of a text part is active */
	bool in_body;
	bool part_started;
	struct message_transfer_decoder transfer;
	struct charset_translation *translation;
	buffer_t *decoded;
	string_t *utf8;
};

static void message_decoder_emit_body(struct message_decoder *dec)
{
	struct message_text_block block = {
		.type = MESSAGE_TEXT_BODY,
	};

	if (dec->decoded->used > 0) {
		charset_translate(dec->translation, dec->decoded->data,
				  dec->decoded->used, dec->utf8);
		buffer_set_used_size(dec->decoded, 0);
	}
	if (str_len(dec->utf8) == 0)
		return;
	block.data = str_data(dec->utf8);
	block.size = str_len(dec->utf8);
	block.part_start = !dec->part_started;
	dec->part_started = true;
	dec->cb(&block, dec->context);
	str_truncate(dec->utf8, 0);
}

/* Ends the body of the current part, sending what was held back. */
static void message_decoder_end_body(struct message_decoder *dec)
{
	if (!dec->in_body)
		return;
	message_transfer_decode_finish(&dec->transfer, dec->decoded);
	charset_translate(dec->translation, dec->decoded->data,
			  dec->decoded->used, dec->utf8);
	buffer_set_used_size(dec->decoded, 0);
	charset_translate_finish(dec->translation, dec->utf8);
	message_decoder_emit_body(dec);
	message_transfer_decoder_deinit(&dec->transfer);
	charset_translation_destroy(&dec->translation);
	dec->in_body = false;
}

static void message_decoder_new_part(struct message_decoder *dec,
				     struct message_part *part)
{
	message_decoder_end_body(dec);
	dec->part = part;
	i_free(dec->charset);
	dec->encoding = MESSAGE_TRANSFER_ENCODING_NONE;
	dec->mime = part != NULL && part->parent != NULL &&
		(part->parent->flags & MESSAGE_PART_FLAG_MULTIPART) != 0;
}

static void message_decoder_header(struct message_decoder *dec,
				   const struct message_header_line *hdr)
{
	struct message_text_block block = {
		.type = MESSAGE_TEXT_HEADER,
		.hdr_name = hdr->name,
		.top_level = dec->part->parent == NULL,
	};
	struct message_content_type ct;
	string_t *value = t_str_new(hdr->value_len + 16);

	if (strcasecmp(hdr->name, "Content-Type") == 0 &&
	    dec->charset == NULL) {
		message_content_type_parse(hdr->value, &ct);
		dec->charset = i_strdup(message_content_type_param(&ct,
								   "charset"));
		dec->mime = true;
	} else if (strcasecmp(hdr->name, "MIME-Version") == 0) {
		dec->mime = true;
	} else if (strcasecmp(hdr->name, "Content-Transfer-Encoding") == 0) {
		dec->encoding = message_transfer_encoding_parse(hdr->value);
	}
	message_header_decode_utf8((const unsigned char *)hdr->value,
				   hdr->value_len, value);
	block.data = str_data(value);
	block.size = str_len(value);
	dec->cb(&block, dec->context);
}

static void message_decoder_header_end(struct message_decoder *dec)
{
	if ((dec->part->flags & MESSAGE_PART_FLAG_TEXT) == 0 ||
	    (dec->part->flags & (MESSAGE_PART_FLAG_MULTIPART |
				 MESSAGE_PART_FLAG_MESSAGE_RFC822)) != 0)
		return;
	dec->in_body = true;
	dec->part_started = false;
	/* Content-Transfer-Encoding of a non-MIME message does not count
	   (as for BODYSTRUCTURE) */
	message_transfer_decoder_init(&dec->transfer, dec->mime ? dec->encoding :
				      MESSAGE_TRANSFER_ENCODING_NONE);
	dec->translation = charset_translation_create(dec->charset);
}

static void message_decoder_block(struct message_decoder *dec,
				  const struct message_block *block)
{
	if (block->part != dec->part)
		message_decoder_new_part(dec, block->part);
	if (block->hdr != NULL) {
		message_decoder_header(dec, block->hdr);
	} else if (block->header_end) {
		message_decoder_header_end(dec);
	} else if (dec->in_body) {
		message_transfer_decode(&dec->transfer, block->data,
					block->size, dec->decoded);
		if (dec->decoded->used >= 4096)
			message_decoder_emit_body(dec);
	}
}

int message_decode_text(struct istream *input, message_text_callback_t *cb,
			void *context, const char **error_r)
{
	struct message_decoder dec = {
		.cb = cb,
		.context = context,
	};
	struct message_parser *parser;
	struct message_block block;
	struct message_part *parts;
	pool_t pool;
	int ret;

	pool = pool_alloconly_create("message decoder parts", 1024);
	dec.decoded = buffer_create_dynamic(default_pool, 4096);
	dec.utf8 = str_new(default_pool, 4096);
	parser = message_parser_init(pool, input);
	while (message_parser_parse_next_block(parser, &block) > 0) T_BEGIN {
		message_decoder_block(&dec, &block);
	} T_END;
	message_decoder_new_part(&dec, NULL);
	ret = message_parser_deinit(&parser, &parts, error_r);
	buffer_free(&dec.decoded);
	str_free(&dec.utf8);
	pool_unref(&pool);
	return ret;
}
