/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef UNICHAR_H
#define UNICHAR_H

/* UTF-8 decoding and simple case folding, enough for case-insensitive
   substring search (IMAP SEARCH): ASCII, Latin-1, Latin Extended-A and
   Additional, Greek, Cyrillic, Armenian and fullwidth Latin letters are
   lower-cased one character to one character. Scripts without case (CJK)
   fold to themselves. */

#include "buffer.h"

#define UNICHAR_REPLACEMENT 0xfffd

/* Incremental UTF-8 decoder, fed one byte at a time (input may be split
   anywhere). Zero-initialise before use. */
struct unichar_utf8_stream {
	uint32_t chr;
	/* Continuation bytes still expected for chr. */
	unsigned int left;
};

/* Feeds byte b. Returns how many characters it completed (0-2) in
   chars_r: a byte that cannot continue the pending sequence ends that
   sequence as U+FFFD and is then decoded on its own. Invalid bytes become
   U+FFFD. */
unsigned int unichar_utf8_stream_feed(struct unichar_utf8_stream *stream,
				      unsigned char b, uint32_t chars_r[2]);
/* Ends the input: returns 1 with U+FFFD in chr_r if a sequence was left
   incomplete, else 0. The stream can then be reused. */
unsigned int unichar_utf8_stream_finish(struct unichar_utf8_stream *stream,
					uint32_t *chr_r);

/* The simple lower-case fold of chr. */
uint32_t unichar_casefold(uint32_t chr);
/* Writes chr (at most 0x10ffff) as UTF-8 into out_r; returns the length
   (1-4). */
size_t unichar_to_utf8(uint32_t chr, unsigned char out_r[4]);
/* Appends chr as UTF-8. */
void unichar_append_utf8(buffer_t *dest, uint32_t chr);
/* Appends data (UTF-8; invalid bytes become U+FFFD) case-folded. */
void unichar_utf8_casefold(const unsigned char *data, size_t size,
			   buffer_t *dest);

#endif
