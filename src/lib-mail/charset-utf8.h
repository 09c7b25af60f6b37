/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef CHARSET_UTF8_H
#define CHARSET_UTF8_H

/* Converting text in a MIME charset to UTF-8 with iconv. Bytes that are
   invalid in the charset become U+FFFD. An unknown charset is treated as
   UTF-8 (so ASCII and UTF-8 text stays searchable), with invalid
   sequences replaced the same way. */

#include "str.h"

/* Streaming conversion: a multibyte character split between two calls
   is completed on the next one. */
struct charset_translation;

/* charset is a MIME charset name (case-insensitive); NULL or "" mean
   US-ASCII. */
struct charset_translation *charset_translation_create(const char *charset);
void charset_translation_destroy(struct charset_translation **t);
/* Appends the UTF-8 form of data to dest. */
void charset_translate(struct charset_translation *t,
		       const unsigned char *data, size_t size, string_t *dest);
/* Ends the input: an incomplete trailing sequence becomes U+FFFD. */
void charset_translate_finish(struct charset_translation *t, string_t *dest);

/* Converts a whole string at once. Returns 0, or -1 if the charset is
   unknown (the data was then handled as UTF-8). */
int charset_to_utf8_str(const char *charset, const unsigned char *data,
			size_t size, string_t *dest);
/* Appends data with every invalid UTF-8 sequence replaced by U+FFFD.
   Returns the number of bytes at the end that may be the start of a
   character continued in later data (not appended; 0 if last). */
size_t charset_utf8_append_valid(string_t *dest, const unsigned char *data,
				 size_t size, bool last);

#endif
