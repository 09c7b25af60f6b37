/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef IMAP_FETCH_BODY_H
#define IMAP_FETCH_BODY_H

/* Sending a stored message part (LF line ends) as the data of an IMAP
   literal in CRLF form, a piece at a time, so that a large body never
   sits in the output buffer whole. */

#include "buffer.h"

struct istream;
struct ostream;

struct imap_fetch_body_stream {
	/* Blocking input positioned at the start of the part. */
	struct istream *input;
	/* Bytes of the CRLF form to drop first (partial fetch origin). */
	uoff_t skip;
	/* Bytes of the literal still to send. */
	uoff_t left;
	/* The last byte sent from input was CR. */
	bool last_cr;
	/* The input ended before the literal was full: the rest was sent
	   as spaces (the message changed on disk). */
	bool padded;
};

/* Sends from stream->input, each lone LF as CRLF, after dropping
   stream->skip bytes of that form, until stream->left is 0 (returns 1) or
   output holds at least max_buffered bytes (returns 0: call again when it
   has drained). Returns -1 with error_r on a read error. */
int imap_fetch_body_send(struct imap_fetch_body_stream *stream,
			 struct ostream *output, size_t max_buffered,
			 const char **error_r);
/* Reads count bytes of a blocking input, appending them to dest unless
   it is NULL. Returns 0, or -1 with error_r if the input ends or fails
   first. */
int imap_fetch_body_consume(struct istream *input, uoff_t count,
			    buffer_t *dest, const char **error_r);

#endif
