/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef MESSAGE_HEADER_DECODE_H
#define MESSAGE_HEADER_DECODE_H

/* RFC 2047 encoded-words in header values ("=?iso-8859-1?Q?caf=E9?=").
   Each word is decoded (Q or B) and converted from its charset to UTF-8;
   whitespace between two adjacent encoded-words is dropped (RFC 2047 6.2).
   Text outside encoded-words is taken as UTF-8 (8-bit headers are mostly
   UTF-8 today), with invalid bytes replaced by U+FFFD. A malformed word
   is kept as it is. */

#include "str.h"

void message_header_decode_utf8(const unsigned char *data, size_t size,
				string_t *dest);

#endif
