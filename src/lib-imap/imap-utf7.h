/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef IMAP_UTF7_H
#define IMAP_UTF7_H

/* Modified UTF-7 mailbox names (RFC 3501 5.1.3): printable US-ASCII
   stands for itself except '&', which is written "&-"; every other
   character is UTF-16 in modified base64 ("+" and "," instead of "+"
   and "/", no padding) between '&' and '-'. Cove keeps names in UTF-8
   and converts at the IMAP boundary and for Maildir++ directory names.

   Decoding is strict: a name that a conforming encoder could not have
   produced (printable ASCII inside a shift, non-zero padding bits, an
   unpaired surrogate, two shifts in a row, raw 8-bit or control
   characters, a shift without its '-') is rejected. */

#include "str.h"

/* Appends src (UTF-8) to dest as modified UTF-7. Returns 0, or -1 if src
   is not valid UTF-8 (dest then holds a partial result). */
int imap_utf8_to_utf7(const char *src, string_t *dest);
/* Appends src (modified UTF-7) to dest as UTF-8. Returns 0, or -1 if src
   is not valid modified UTF-7 (dest then holds a partial result). */
int imap_utf7_to_utf8(const char *src, string_t *dest);

#endif
