/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef SMTP_REPLY_H
#define SMTP_REPLY_H

/* Formatting SMTP replies (RFC 5321 4.2) with enhanced status codes
   (RFC 2034, RFC 3463): "250 2.1.0 OK\r\n", and multi-line replies
   "250-first\r\n250 last\r\n". */

#include "str.h"

/* Appends a reply with one line per element of lines (NULL-terminated,
   at least one). enhanced_code ("2.1.0") is put before the first line's
   text, or nothing when NULL. Control characters in the text are
   replaced with spaces, so that a reply can never inject a line. */
void smtp_reply_append_lines(string_t *dest, unsigned int code,
			     const char *enhanced_code,
			     const char *const *lines);
/* Appends a one-line reply. */
void smtp_reply_append(string_t *dest, unsigned int code,
		       const char *enhanced_code, const char *text);

/* True if enhanced_code looks like "X.Y.Z" with class X 2, 4 or 5
   matching the first digit of code. */
bool smtp_reply_code_is_valid(unsigned int code, const char *enhanced_code);

#endif
