/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef BASE64_H
#define BASE64_H

/* RFC 4648 base64 (standard alphabet, padded). */

#include "buffer.h"

void base64_encode(const void *src, size_t src_size, buffer_t *dest);
/* Decodes src, ignoring CR/LF. Returns 0, or -1 on invalid input. */
int base64_decode(const void *src, size_t src_size, buffer_t *dest);
size_t base64_encoded_size(size_t src_size);
/* The 6-bit value of one base64 character, or -1 (also for '='). */
int base64_char_value(unsigned char c);

#endif
