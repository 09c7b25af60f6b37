/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef HEX_BINARY_H
#define HEX_BINARY_H

#include "str.h"

/* Lowercase hex of data, in the temporary frame. */
const char *binary_to_hex(const unsigned char *data, size_t size);
void binary_to_hex_append(string_t *dest, const unsigned char *data,
			  size_t size);
/* The value of one hex digit (either case), or -1. */
int hex_digit_value(unsigned char c);
/* Returns 0, or -1 on a non-hex character or odd length. */
int hex_to_binary(const char *data, buffer_t *dest);

#endif
