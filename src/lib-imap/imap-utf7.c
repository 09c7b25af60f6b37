/* Copyright (c) Cove authors. See AUTHORS. */

/* Modified UTF-7 (RFC 3501 5.1.3) <-> UTF-8. Characters outside
   printable US-ASCII go through UTF-16 (surrogate pairs above U+FFFF)
   and modified base64, 6 bits per character, most significant first. */

#include "lib.h"
#include "imap-utf7.h"

static const char imap_utf7_b64[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,";

static bool imap_utf7_is_direct(uint32_t chr)
{
	return chr >= 0x20 && chr <= 0x7e;
}

/* Decodes one UTF-8 character at *p (advancing it). Returns 0, or -1 if
   the sequence is invalid (overlong, surrogate, above U+10FFFF). */
static int imap_utf8_get_char(const unsigned char **p, uint32_t *chr_r)
{
	const unsigned char *s = *p;
	unsigned int i, len;
	uint32_t chr, min;

	if (s[0] < 0x80) {
		*chr_r = s[0];
		*p = s + 1;
		return 0;
	}
	if ((s[0] & 0xe0) == 0xc0) {
		len = 2; chr = s[0] & 0x1f; min = 0x80;
	} else if ((s[0] & 0xf0) == 0xe0) {
		len = 3; chr = s[0] & 0x0f; min = 0x800;
	} else if ((s[0] & 0xf8) == 0xf0) {
		len = 4; chr = s[0] & 0x07; min = 0x10000;
	} else {
		return -1;
	}
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return -1;
		chr = (chr << 6) | (s[i] & 0x3f);
	}
	if (chr < min || chr > 0x10ffff || (chr >= 0xd800 && chr <= 0xdfff))
		return -1;
	*chr_r = chr;
	*p = s + len;
	return 0;
}

static void imap_utf8_append_char(string_t *dest, uint32_t chr)
{
	if (chr < 0x80) {
		str_append_c(dest, chr);
	} else if (chr < 0x800) {
		str_append_c(dest, 0xc0 | (chr >> 6));
		str_append_c(dest, 0x80 | (chr & 0x3f));
	} else if (chr < 0x10000) {
		str_append_c(dest, 0xe0 | (chr >> 12));
		str_append_c(dest, 0x80 | ((chr >> 6) & 0x3f));
		str_append_c(dest, 0x80 | (chr & 0x3f));
	} else {
		str_append_c(dest, 0xf0 | (chr >> 18));
		str_append_c(dest, 0x80 | ((chr >> 12) & 0x3f));
		str_append_c(dest, 0x80 | ((chr >> 6) & 0x3f));
		str_append_c(dest, 0x80 | (chr & 0x3f));
	}
}

struct imap_utf7_encoder {
	string_t *dest;
	uint32_t bits;
	unsigned int nbits;
	bool shifted;
};

static void imap_utf7_encode_unit(struct imap_utf7_encoder *enc,
				  uint16_t unit)
{
	enc->bits = (enc->bits << 16) | unit;
	enc->nbits += 16;
	while (enc->nbits >= 6) {
		enc->nbits -= 6;
		str_append_c(enc->dest,
			     imap_utf7_b64[(enc->bits >> enc->nbits) & 0x3f]);
	}
}

static void imap_utf7_encode_char(struct imap_utf7_encoder *enc,
				  uint32_t chr)
{
	if (!enc->shifted) {
		str_append_c(enc->dest, '&');
		enc->shifted = true;
		enc->bits = 0;
		enc->nbits = 0;
	}
	if (chr < 0x10000) {
		imap_utf7_encode_unit(enc, chr);
	} else {
		chr -= 0x10000;
		imap_utf7_encode_unit(enc, 0xd800 | (chr >> 10));
		imap_utf7_encode_unit(enc, 0xdc00 | (chr & 0x3ff));
	}
}

static void imap_utf7_encode_end_shift(struct imap_utf7_encoder *enc)
{
	if (!enc->shifted)
		return;
	if (enc->nbits > 0) {
		str_append_c(enc->dest, imap_utf7_b64[
			(enc->bits << (6 - enc->nbits)) & 0x3f]);
	}
	str_append_c(enc->dest, '-');
	enc->shifted = false;
}

int imap_utf8_to_utf7(const char *src, string_t *dest)
{
	struct imap_utf7_encoder enc = { .dest = dest };
	const unsigned char *p = (const unsigned char *)src;
	uint32_t chr;

	while (*p != '\0') {
		if (imap_utf8_get_char(&p, &chr) < 0)
			return -1;
		if (!imap_utf7_is_direct(chr)) {
			imap_utf7_encode_char(&enc, chr);
			continue;
		}
		imap_utf7_encode_end_shift(&enc);
		if (chr == '&')
			str_append(dest, "&-");
		else
			str_append_c(dest, chr);
	}
	imap_utf7_encode_end_shift(&enc);
	return 0;
}

static int imap_utf7_b64_value(unsigned char c)
{
	const char *p;

	if (c == '\0' || (p = strchr(imap_utf7_b64, c)) == NULL)
		return -1;
	return p - imap_utf7_b64;
}

/* Appends one UTF-16 unit; *high holds a pending high surrogate. */
static int imap_utf7_decode_unit(string_t *dest, uint16_t unit,
				 uint16_t *high)
{
	if (*high != 0) {
		if (unit < 0xdc00 || unit > 0xdfff)
			return -1;
		imap_utf8_append_char(dest, 0x10000 +
			(((uint32_t)*high - 0xd800) << 10) + (unit - 0xdc00));
		*high = 0;
	} else if (unit >= 0xd800 && unit <= 0xdbff) {
		*high = unit;
	} else if (unit >= 0xdc00 && unit <= 0xdfff) {
		return -1;
	} else if (imap_utf7_is_direct(unit) || unit == 0) {
		/* must have been written directly, or cannot be in a
		   C string */
		return -1;
	} else {
		imap_utf8_append_char(dest, unit);
	}
	return 0;
}

/* Decodes the shifted part after '&' at *p up to and including '-'. */
static int imap_utf7_decode_shift(const unsigned char **p, string_t *dest)
{
	const unsigned char *s = *p;
	uint32_t bits = 0;
	unsigned int nbits = 0;
	uint16_t unit, high = 0;
	int value;

	for (; *s != '-'; s++) {
		if ((value = imap_utf7_b64_value(*s)) < 0)
			return -1;
		bits = (bits << 6) | value;
		nbits += 6;
		if (nbits >= 16) {
			nbits -= 16;
			unit = (bits >> nbits) & 0xffff;
			if (imap_utf7_decode_unit(dest, unit, &high) < 0)
				return -1;
		}
	}
	/* empty shift ("&-" is handled by the caller), a dangling high
	   surrogate, a whole extra character or non-zero padding bits */
	if (s == *p || high != 0 || nbits >= 6 ||
	    (bits & ((1U << nbits) - 1)) != 0)
		return -1;
	*p = s + 1;
	return 0;
}

int imap_utf7_to_utf8(const char *src, string_t *dest)
{
	const unsigned char *p = (const unsigned char *)src;
	bool after_shift = false;

	while (*p != '\0') {
		if (!imap_utf7_is_direct(*p))
			return -1;
		if (*p != '&') {
			str_append_c(dest, *p++);
			after_shift = false;
		} else if (p[1] == '-') {
			str_append_c(dest, '&');
			p += 2;
			after_shift = false;
		} else {
			/* two shifts in a row must have been one */
			if (after_shift)
				return -1;
			p++;
			if (imap_utf7_decode_shift(&p, dest) < 0)
				return -1;
			after_shift = true;
		}
	}
	return 0;
}
