/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef MESSAGE_SUBJECT_H
#define MESSAGE_SUBJECT_H

/* The base subject of RFC 5256 2.1, used by SORT (SUBJECT) and THREAD:
   RFC 2047 words are decoded, white space runs become one space,
   trailing "(fwd)", leading "Re:", "Fw:", "Fwd:" (each with optional
   "[blob]"s) and "[blob]" prefixes are removed, and "[fwd: ...]" is
   unwrapped, repeatedly until nothing changes. ASCII letters are
   upper-cased so that the result compares with i;ascii-casemap by
   strcmp(). */

#include "str.h"

/* Writes the base subject of the raw Subject: value to dest. Returns
   true if a reply or forward marker was removed (RFC 5256 2.1 step 1-6,
   as REFERENCES threading wants it). */
bool message_subject_get_base(const unsigned char *data, size_t size,
			      string_t *dest);

#endif
