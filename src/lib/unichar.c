/* Copyright (c) Cove authors. See AUTHORS. */

/* UTF-8 decoding and simple (one-to-one) Unicode lower-case folding for
   the scripts mail is commonly written in. */

#include "lib.h"
#include "unichar.h"

/* Ranges where upper and lower case alternate: even code points are
   upper case and the following odd one is its lower case (or the other
   way round when odd_upper is set). */
struct unichar_pair_range {
	uint32_t first, last;
	bool odd_upper;
};

static const struct unichar_pair_range unichar_pair_ranges[] = {
	{ 0x0100, 0x012f, false },
	{ 0x0132, 0x0137, false },
	{ 0x0139, 0x0148, true },
	{ 0x014a, 0x0177, false },
	{ 0x0179, 0x017e, true },
	{ 0x0460, 0x0481, false },
	{ 0x048a, 0x04bf, false },
	{ 0x04c1, 0x04ce, true },
	{ 0x04d0, 0x052f, false },
	{ 0x1e00, 0x1e95, false },
	{ 0x1ea0, 0x1eff, false },
};

/* Ranges of upper-case letters whose lower case is at a fixed offset. */
struct unichar_offset_range {
	uint32_t first, last;
	uint32_t offset;
};

static const struct unichar_offset_range unichar_offset_ranges[] = {
	{ 'A', 'Z', 32 },
	{ 0x00c0, 0x00d6, 32 },
	{ 0x00d8, 0x00de, 32 },
	{ 0x0388, 0x038a, 37 },
	{ 0x038e, 0x038f, 63 },
	{ 0x0391, 0x03a1, 32 },
	{ 0x03a3, 0x03ab, 32 },
	{ 0x0400, 0x040f, 80 },
	{ 0x0410, 0x042f, 32 },
	{ 0x0531, 0x0556, 48 },
	{ 0xff21, 0xff3a, 32 },
};

/* Single characters. */
static const struct {
	uint32_t from, to;
} unichar_single_folds[] = {
	{ 0x0130, 'i' },	/* LATIN CAPITAL LETTER I WITH DOT ABOVE */
	{ 0x0178, 0x00ff },	/* LATIN CAPITAL LETTER Y WITH DIAERESIS */
	{ 0x017f, 's' },	/* LATIN SMALL LETTER LONG S */
	{ 0x0386, 0x03ac },	/* GREEK CAPITAL LETTER ALPHA WITH TONOS */
	{ 0x038c, 0x03cc },	/* GREEK CAPITAL LETTER OMICRON WITH TONOS */
	{ 0x03c2, 0x03c3 },	/* GREEK SMALL LETTER FINAL SIGMA */
	{ 0x04c0, 0x04cf },	/* CYRILLIC LETTER PALOCHKA */
};

uint32_t unichar_casefold(uint32_t chr)
{
	unsigned int i;

	if (chr < 0x80)
		return chr >= 'A' && chr <= 'Z' ? chr + 32 : chr;
	for (i = 0; i < N_ELEMENTS(unichar_offset_ranges); i++) {
		if (chr >= unichar_offset_ranges[i].first &&
		    chr <= unichar_offset_ranges[i].last)
			return chr + unichar_offset_ranges[i].offset;
	}
	for (i = 0; i < N_ELEMENTS(unichar_pair_ranges); i++) {
		const struct unichar_pair_range *r = &unichar_pair_ranges[i];

		if (chr >= r->first && chr <= r->last)
			return (chr % 2 == 1) == r->odd_upper ? chr + 1 : chr;
	}
	for (i = 0; i < N_ELEMENTS(unichar_single_folds); i++) {
		if (chr == unichar_single_folds[i].from)
			return unichar_single_folds[i].to;
	}
	return chr;
}

/* Starts a sequence with lead byte b. Returns 1 if b is a whole
   character (in *chr_r). */
static unsigned int
unichar_utf8_stream_start(struct unichar_utf8_stream *stream,
			  unsigned char b, uint32_t *chr_r)
{
	if (b < 0x80) {
		*chr_r = b;
		return 1;
	}
	if (b >= 0xc2 && b <= 0xdf) {
		stream->chr = b & 0x1f;
		stream->left = 1;
	} else if (b >= 0xe0 && b <= 0xef) {
		stream->chr = b & 0x0f;
		stream->left = 2;
	} else if (b >= 0xf0 && b <= 0xf4) {
		stream->chr = b & 0x07;
		stream->left = 3;
	} else {
		*chr_r = UNICHAR_REPLACEMENT;
		return 1;
	}
	return 0;
}

unsigned int unichar_utf8_stream_feed(struct unichar_utf8_stream *stream,
				      unsigned char b, uint32_t chars_r[2])
{
	if (stream->left == 0)
		return unichar_utf8_stream_start(stream, b, &chars_r[0]);
	if ((b & 0xc0) != 0x80) {
		/* truncated sequence */
		stream->left = 0;
		chars_r[0] = UNICHAR_REPLACEMENT;
		return 1 + unichar_utf8_stream_start(stream, b, &chars_r[1]);
	}
	stream->chr = (stream->chr << 6) | (b & 0x3f);
	if (--stream->left > 0)
		return 0;
	chars_r[0] = stream->chr > 0x10ffff ? UNICHAR_REPLACEMENT :
		stream->chr;
	return 1;
}

unsigned int unichar_utf8_stream_finish(struct unichar_utf8_stream *stream,
					uint32_t *chr_r)
{
	if (stream->left == 0)
		return 0;
	stream->left = 0;
	*chr_r = UNICHAR_REPLACEMENT;
	return 1;
}

size_t unichar_to_utf8(uint32_t chr, unsigned char out_r[4])
{
	if (chr < 0x80) {
		out_r[0] = chr;
		return 1;
	}
	if (chr < 0x800) {
		out_r[0] = 0xc0 | (chr >> 6);
		out_r[1] = 0x80 | (chr & 0x3f);
		return 2;
	}
	if (chr < 0x10000) {
		out_r[0] = 0xe0 | (chr >> 12);
		out_r[1] = 0x80 | ((chr >> 6) & 0x3f);
		out_r[2] = 0x80 | (chr & 0x3f);
		return 3;
	}
	out_r[0] = 0xf0 | (chr >> 18);
	out_r[1] = 0x80 | ((chr >> 12) & 0x3f);
	out_r[2] = 0x80 | ((chr >> 6) & 0x3f);
	out_r[3] = 0x80 | (chr & 0x3f);
	return 4;
}

void unichar_append_utf8(buffer_t *dest, uint32_t chr)
{
	unsigned char out[4];

	buffer_append(dest, out, unichar_to_utf8(chr, out));
}

void unichar_utf8_casefold(const unsigned char *data, size_t size,
			   buffer_t *dest)
{
	struct unichar_utf8_stream stream = { 0, 0 };
	uint32_t chars[2];
	unsigned int i, count;
	size_t pos;

	for (pos = 0; pos < size; pos++) {
		count = unichar_utf8_stream_feed(&stream, data[pos], chars);
		for (i = 0; i < count; i++)
			unichar_append_utf8(dest, unichar_casefold(chars[i]));
	}
	if (unichar_utf8_stream_finish(&stream, chars) > 0)
		unichar_append_utf8(dest, chars[0]);
}
