/* Copyright (c) Cove authors. See AUTHORS. */
/* RFC 4648 section 4 base64 with the standard alphabet and padding. */

#include "lib.h"
#include "base64.h"

static const char base64_chars[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

size_t base64_encoded_size(size_t src_size)
{
	return (src_size + 2) / 3 * 4;
}

void base64_encode(const void *src, size_t src_size, buffer_t *dest)
{
	const unsigned char *s = src;
	char *out = buffer_append_space_unsafe(dest,
					       base64_encoded_size(src_size));
	size_t i;

	for (i = 0; i + 3 <= src_size; i += 3) {
		*out++ = base64_chars[s[i] >> 2];
		*out++ = base64_chars[((s[i] & 0x03) << 4) | (s[i + 1] >> 4)];
		*out++ = base64_chars[((s[i + 1] & 0x0f) << 2) |
				      (s[i + 2] >> 6)];
		*out++ = base64_chars[s[i + 2] & 0x3f];
	}
	if (i < src_size) {
		unsigned int b1 = i + 1 < src_size ? s[i + 1] : 0;

		*out++ = base64_chars[s[i] >> 2];
		*out++ = base64_chars[((s[i] & 0x03) << 4) | (b1 >> 4)];
		*out++ = i + 1 < src_size ? base64_chars[(b1 & 0x0f) << 2] :
			'=';
		*out = '=';
	}
}

int base64_char_value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

int base64_decode(const void *src, size_t src_size, buffer_t *dest)
{
	const unsigned char *s = src;
	unsigned int quad[4], n = 0, padding = 0;
	unsigned char out[3];

	for (size_t i = 0; i < src_size; i++) {
		int value;

		if (s[i] == '\r' || s[i] == '\n')
			continue;
		if (s[i] == '=') {
			/* "xx==" or "xxx=" only */
			if (n < 2)
				return -1;
			padding++;
			quad[n++] = 0;
		} else {
			if (padding > 0)
				return -1;
			if ((value = base64_char_value(s[i])) < 0)
				return -1;
			quad[n++] = (unsigned int)value;
		}
		if (n < 4)
			continue;
		out[0] = (unsigned char)((quad[0] << 2) | (quad[1] >> 4));
		out[1] = (unsigned char)((quad[1] << 4) | (quad[2] >> 2));
		out[2] = (unsigned char)((quad[2] << 6) | quad[3]);
		buffer_append(dest, out, 3 - padding);
		n = 0;
		if (padding > 0)
			break;
	}
	if (n != 0)
		return -1;
	/* nothing but line breaks may follow the padding */
	if (padding > 0) {
		const unsigned char *end = s + src_size;
		const unsigned char *p = memchr(s, '=', src_size);

		for (p += padding; p < end; p++) {
			if (*p != '\r' && *p != '\n')
				return -1;
		}
	}
	return 0;
}
