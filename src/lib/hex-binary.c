/* Copyright (c) Cove authors. See AUTHORS. */
/* Hex encoding and decoding of binary data. */

#include "lib.h"
#include "hex-binary.h"

static const char hex_chars[] = "0123456789abcdef";

void binary_to_hex_append(string_t *dest, const unsigned char *data,
			  size_t size)
{
	char *out = buffer_append_space_unsafe(dest,
					       i_malloc_multiply(size, 2));

	for (size_t i = 0; i < size; i++) {
		*out++ = hex_chars[data[i] >> 4];
		*out++ = hex_chars[data[i] & 0x0f];
	}
}

const char *binary_to_hex(const unsigned char *data, size_t size)
{
	string_t *str = t_str_new(size * 2 + 1);

	binary_to_hex_append(str, data, size);
	return str_c(str);
}

int hex_digit_value(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int hex_to_binary(const char *data, buffer_t *dest)
{
	size_t len = strlen(data);

	if (len % 2 != 0)
		return -1;
	for (size_t i = 0; i < len; i += 2) {
		int hi = hex_digit_value(data[i]);
		int lo = hex_digit_value(data[i + 1]);

		if (hi < 0 || lo < 0)
			return -1;
		buffer_append_c(dest, (unsigned char)((hi << 4) | lo));
	}
	return 0;
}
