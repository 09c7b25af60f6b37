/* Copyright (c) Cove authors. See AUTHORS. */

/* Undoing the Content-Transfer-Encoding of a part for FETCH BINARY
   (RFC 3516 4.2). The part is read whole: it is bounded by the message
   size, which imap_max_append_size and LMTP's limit bound. */

#include "lib.h"
#include "str.h"
#include "istream.h"
#include "message-parser.h"
#include "message-transfer-decode.h"
#include "imap-fetch-body.h"
#include "imap-fetch-header.h"
#include "imap-fetch-binary.h"

#include <strings.h>

/* The value of the part's Content-Transfer-Encoding field, or NULL. */
static const char *imap_fetch_binary_get_cte(const buffer_t *header)
{
	static const char *const fields[] = {
		"Content-Transfer-Encoding", NULL
	};
	string_t *field = t_str_new(64);
	const char *value;

	imap_fetch_header_filter(header->data, header->used, fields, false,
				 field);
	value = strchr(str_c(field), ':');
	if (value == NULL)
		return NULL;
	/* the first word of the value, after folding and comments */
	for (value++;; value++) {
		value += strspn(value, " \t\r\n");
		if (*value != '(')
			break;
		value = strchr(value, ')');
		if (value == NULL)
			return "";
	}
	return t_strndup(value, strcspn(value, " \t\r\n("));
}

bool imap_fetch_binary_decode_body(const char *cte,
				   const unsigned char *data, size_t size,
				   buffer_t *dest)
{
	struct message_transfer_decoder dec;
	enum message_transfer_encoding encoding;
	string_t *crlf;

	if (cte == NULL || strcasecmp(cte, "7bit") == 0 ||
	    strcasecmp(cte, "8bit") == 0) {
		imap_fetch_header_append_crlf(dest, data, size);
		return true;
	}
	if (strcasecmp(cte, "binary") == 0) {
		buffer_append(dest, data, size);
		return true;
	}
	encoding = message_transfer_encoding_parse(cte);
	if (encoding == MESSAGE_TRANSFER_ENCODING_NONE)
		return false;
	/* quoted-printable hard line breaks are CRLF (RFC 2045 6.7) */
	crlf = t_str_new(size + size / 16 + 2);
	imap_fetch_header_append_crlf(crlf, data, size);
	message_transfer_decoder_init(&dec, encoding);
	message_transfer_decode(&dec, str_data(crlf), str_len(crlf), dest);
	message_transfer_decode_finish(&dec, dest);
	message_transfer_decoder_deinit(&dec);
	return true;
}

enum imap_fetch_binary_result
imap_fetch_binary_decode(struct istream *input,
			 const struct message_part *part, buffer_t *dest,
			 const char **error_r)
{
	buffer_t *header, *body;
	const char *cte;

	header = t_str_new(part->header_size.physical_size + 1);
	body = t_str_new(part->body_size.physical_size + 1);
	if (imap_fetch_body_consume(input, part->physical_pos, NULL,
				    error_r) < 0 ||
	    imap_fetch_body_consume(input, part->header_size.physical_size,
				    header, error_r) < 0 ||
	    imap_fetch_body_consume(input, part->body_size.physical_size,
				    body, error_r) < 0)
		return IMAP_FETCH_BINARY_ERROR;
	/* a multipart's or message/rfc822's own body is not encoded */
	cte = (part->flags & (MESSAGE_PART_FLAG_MULTIPART |
			      MESSAGE_PART_FLAG_MESSAGE_RFC822)) != 0 ? NULL :
		imap_fetch_binary_get_cte(header);
	if (!imap_fetch_binary_decode_body(cte, body->data, body->used, dest))
		return IMAP_FETCH_BINARY_UNKNOWN_CTE;
	return IMAP_FETCH_BINARY_OK;
}
