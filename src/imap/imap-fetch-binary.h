/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef IMAP_FETCH_BINARY_H
#define IMAP_FETCH_BINARY_H

/* The content of a MIME part for FETCH BINARY[part] and BINARY.SIZE[part]
   (RFC 3516): its body with the Content-Transfer-Encoding undone.
   base64 and quoted-printable are decoded, 7bit and 8bit bodies are sent
   with CRLF line ends as BODY[part] is, and binary bodies as stored. */

#include "buffer.h"

struct istream;
struct message_part;

enum imap_fetch_binary_result {
	IMAP_FETCH_BINARY_OK,
	/* The Content-Transfer-Encoding is unknown: [UNKNOWN-CTE] */
	IMAP_FETCH_BINARY_UNKNOWN_CTE,
	IMAP_FETCH_BINARY_ERROR,
};

/* Appends the decoded content of part (in the message that input, a
   blocking stream, is at the start of) to dest. Returns ERROR with
   error_r on a read error. */
enum imap_fetch_binary_result
imap_fetch_binary_decode(struct istream *input,
			 const struct message_part *part, buffer_t *dest,
			 const char **error_r);
/* Decodes a body (as stored) whose header has the Content-Transfer-
   Encoding value cte (NULL if none). Returns false if cte is unknown. */
bool imap_fetch_binary_decode_body(const char *cte,
				   const unsigned char *data, size_t size,
				   buffer_t *dest);

#endif
