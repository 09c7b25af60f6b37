/* Copyright (c) Cove authors. See AUTHORS. */

/* Charset conversion to UTF-8 through glibc's iconv. */

#include "lib.h"
#include "str.h"
#include "charset-utf8.h"

#include <errno.h>
#include <iconv.h>
#include <strings.h>

#define CHARSET_REPLACEMENT "\xEF\xBF\xBD"
/* Longest byte sequence of one character in any charset iconv knows. */
#define CHARSET_MAX_SEQ 16

struct charset_translation {
	/* (iconv_t)-1: the input is UTF-8 (or US-ASCII, or unknown) */
	iconv_t cd;
	/* Bytes of an incomplete character from the previous call */
	unsigned char partial[CHARSET_MAX_SEQ];
	size_t partial_len;
};

static bool charset_is_utf8(const char *charset)
{
	return charset == NULL || *charset == '\0' ||
		strcasecmp(charset, "utf-8") == 0 ||
		strcasecmp(charset, "utf8") == 0 ||
		strcasecmp(charset, "us-ascii") == 0 ||
		strcasecmp(charset, "ascii") == 0;
}

struct charset_translation *charset_translation_create(const char *charset)
{
	struct charset_translation *t = i_new(struct charset_translation, 1);

	t->cd = (iconv_t)-1;
	if (!charset_is_utf8(charset))
		t->cd = iconv_open("UTF-8", charset);
	return t;
}

void charset_translation_destroy(struct charset_translation **_t)
{
	struct charset_translation *t = *_t;

	*_t = NULL;
	if (t->cd != (iconv_t)-1)
		iconv_close(t->cd);
	i_free(t);
}

/* Length of the UTF-8 sequence starting with c, or 0 if c cannot start
   one. */
static unsigned int charset_utf8_seq_len(unsigned char c)
{
	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		return 2;
	if (c >= 0xe0 && c <= 0xef)
		return 3;
	if (c >= 0xf0 && c <= 0xf4)
		return 4;
	return 0;
}

/* Returns true if data[0..len) is a valid UTF-8 character (no overlongs,
   surrogates or values above U+10FFFF). */
static bool charset_utf8_seq_valid(const unsigned char *data, unsigned int len)
{
	unsigned int i;

	for (i = 1; i < len; i++) {
		if ((data[i] & 0xc0) != 0x80)
			return false;
	}
	if (len == 3 && data[0] == 0xe0 && data[1] < 0xa0)
		return false;
	if (len == 3 && data[0] == 0xed && data[1] >= 0xa0)
		return false;
	if (len == 4 && data[0] == 0xf0 && data[1] < 0x90)
		return false;
	if (len == 4 && data[0] == 0xf4 && data[1] >= 0x90)
		return false;
	return true;
}

size_t charset_utf8_append_valid(string_t *dest, const unsigned char *data,
				 size_t size, bool last)
{
	size_t i = 0, start = 0;
	unsigned int len;

	while (i < size) {
		if (data[i] < 0x80) {
			i++;
			continue;
		}
		len = charset_utf8_seq_len(data[i]);
		if (len > 0 && i + len > size && !last) {
			/* may continue in the next data, if it is valid
			   so far */
			if (charset_utf8_seq_valid(data + i, size - i))
				break;
		}
		if (len > 0 && i + len <= size &&
		    charset_utf8_seq_valid(data + i, len)) {
			i += len;
			continue;
		}
		str_append_data(dest, data + start, i - start);
		str_append(dest, CHARSET_REPLACEMENT);
		start = ++i;
	}
	str_append_data(dest, data + start, i - start);
	return size - i;
}

/* Converts with iconv, appending to dest. Returns the number of bytes at
   the end forming an incomplete character (not converted). */
static size_t charset_iconv(struct charset_translation *t,
			    const unsigned char *data, size_t size,
			    string_t *dest)
{
	char outbuf[4096], *in = (char *)data, *out;
	size_t inleft = size, outleft;

	while (inleft > 0) {
		out = outbuf;
		outleft = sizeof(outbuf);
		if (iconv(t->cd, &in, &inleft, &out, &outleft) != (size_t)-1) {
			str_append_data(dest, outbuf, out - outbuf);
			continue;
		}
		str_append_data(dest, outbuf, out - outbuf);
		if (errno == E2BIG)
			continue;
		if (errno == EINVAL && inleft < CHARSET_MAX_SEQ)
			return inleft;
		/* invalid sequence: replace one byte and go on */
		str_append(dest, CHARSET_REPLACEMENT);
		in++;
		inleft--;
		iconv(t->cd, NULL, NULL, NULL, NULL);
	}
	return 0;
}

static size_t charset_convert(struct charset_translation *t,
			      const unsigned char *data, size_t size,
			      string_t *dest, bool last)
{
	if (t->cd == (iconv_t)-1)
		return charset_utf8_append_valid(dest, data, size, last);
	return charset_iconv(t, data, size, dest);
}

void charset_translate(struct charset_translation *t,
		       const unsigned char *data, size_t size, string_t *dest)
{
	unsigned char tmp[CHARSET_MAX_SEQ * 2];
	size_t n, left;

	if (t->partial_len > 0) {
		/* complete the character left over from the last call */
		n = I_MIN(size, CHARSET_MAX_SEQ);
		memcpy(tmp, t->partial, t->partial_len);
		memcpy(tmp + t->partial_len, data, n);
		left = charset_convert(t, tmp, t->partial_len + n, dest,
				       false);
		if (left > n) {
			memcpy(t->partial, tmp + t->partial_len + n - left,
			       left);
			t->partial_len = left;
			return;
		}
		data += n - left;
		size -= n - left;
		t->partial_len = 0;
	}
	left = charset_convert(t, data, size, dest, false);
	memcpy(t->partial, data + size - left, left);
	t->partial_len = left;
}

void charset_translate_finish(struct charset_translation *t, string_t *dest)
{
	size_t i, left;

	left = charset_convert(t, t->partial, t->partial_len, dest, true);
	for (i = 0; i < left; i++)
		str_append(dest, CHARSET_REPLACEMENT);
	t->partial_len = 0;
	if (t->cd != (iconv_t)-1)
		iconv(t->cd, NULL, NULL, NULL, NULL);
}

int charset_to_utf8_str(const char *charset, const unsigned char *data,
			size_t size, string_t *dest)
{
	struct charset_translation *t = charset_translation_create(charset);
	bool known = charset_is_utf8(charset) || t->cd != (iconv_t)-1;

	charset_translate(t, data, size, dest);
	charset_translate_finish(t, dest);
	charset_translation_destroy(&t);
	return known ? 0 : -1;
}
