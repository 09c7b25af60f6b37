/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef SMTP_READER_H
#define SMTP_READER_H

/* The read step that the DATA and BDAT readers share. */

struct istream;

/* Returns true when the message (or chunk) is complete; consumes what is
   buffered in the reader's istream. */
typedef bool smtp_reader_parse_func_t(void *context, buffer_t *dest);

/* Parses what is buffered, and when that does not complete it, reads
   once and parses again: one read per call, so that a fast sender cannot
   monopolise the caller's event loop. Returns 1 when complete, 0 when
   more input is needed, -1 on EOF or a read error. */
int smtp_reader_read(struct istream *input, smtp_reader_parse_func_t *parse,
		     void *context, buffer_t *dest);

#endif
