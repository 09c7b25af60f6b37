/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef IMAP_QUOTE_H
#define IMAP_QUOTE_H

/* Writing strings into IMAP responses (RFC 3501 section 4.3): as an atom
   when possible (astring), as a quoted string, or as a literal {n}\r\n...
   when the value holds CR, LF, NUL, 8-bit bytes or is long. */

#include "str.h"

/* Append src as an atom if it is a valid non-empty astring-char atom (and
   not "NIL"), otherwise as a string (see imap_append_string()). */
void imap_append_astring(string_t *dest, const char *src);
/* Append src as a quoted string, or as a literal if it cannot be quoted
   (CR, LF, 8-bit) or is longer than 1024 bytes. */
void imap_append_string(string_t *dest, const char *src);
/* Like imap_append_string(), but NULL is written as NIL. */
void imap_append_nstring(string_t *dest, const char *src);

#endif
