/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef IMAP_FETCH_HEADER_H
#define IMAP_FETCH_HEADER_H

/* BODY[HEADER.FIELDS (...)] and BODY[HEADER.FIELDS.NOT (...)]: the subset
   of a message header (RFC 3501 6.4.5). */

#include "str.h"

/* Appends to dest, with CRLF line ends, the fields of header (stored
   form, up to and maybe including the blank line) whose names are in
   fields (case-insensitive; NULL-terminated), or with exclude those that
   are not, followed by the blank line. Continuation lines go with their
   field. */
void imap_fetch_header_filter(const unsigned char *header, size_t size,
			      const char *const *fields, bool exclude,
			      string_t *dest);

#endif
