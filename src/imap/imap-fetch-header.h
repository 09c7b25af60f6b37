/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef IMAP_FETCH_HEADER_H
#define IMAP_FETCH_HEADER_H

/* The header of a stored message for FETCH: reading just the header (so
   that BODY[HEADER] of a large message costs no more than of a small one),
   its CRLF form, and the subsets of BODY[HEADER.FIELDS (...)] and
   BODY[HEADER.FIELDS.NOT (...)] (RFC 3501 6.4.5). */

#include "str.h"

struct istream;

/* Reads the header from a blocking input into dest: up to and including
   the blank line that ends it, or all of input if there is none. Returns
   0, or -1 with error_r on a read error. */
int imap_fetch_header_read(struct istream *input, buffer_t *dest,
			   const char **error_r);
/* Size of data when each lone LF is sent as CRLF. */
uoff_t imap_fetch_header_crlf_size(const unsigned char *data, size_t size);
/* Appends data with each lone LF as CRLF. */
void imap_fetch_header_append_crlf(string_t *dest, const unsigned char *data,
				   size_t size);

/* Appends to dest, with CRLF line ends, the fields of header (stored
   form, up to and maybe including the blank line) whose names are in
   fields (case-insensitive; NULL-terminated), or with exclude those that
   are not. Continuation lines go with their field; a last line without
   line end stays so. Then comes a blank line: always for the fields
   (not exclude), and for exclude if header has its blank line (as
   Dovecot does). */
void imap_fetch_header_filter(const unsigned char *header, size_t size,
			      const char *const *fields, bool exclude,
			      string_t *dest);

#endif
