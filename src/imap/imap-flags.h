/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef IMAP_FLAGS_H
#define IMAP_FLAGS_H

/* System flags (RFC 3501 2.3.2) in IMAP syntax. */

#include "str.h"
#include "mail-storage.h"

struct imap_arg;

/* Flags a client may store, as listed in FLAGS and PERMANENTFLAGS. */
#define IMAP_FLAGS_PERMANENT "\\Answered \\Flagged \\Deleted \\Seen \\Draft"

/* Appends "(\Seen \Recent ...)". */
void imap_flags_write(string_t *dest, enum mail_flags flags);
/* Parses flags from args (EOL-terminated). Keywords are accepted and
   ignored (they are not stored yet); \Recent and unknown system flags are
   errors. Returns 0, or -1 with error_r. */
int imap_flags_parse(const struct imap_arg *args, enum mail_flags *flags_r,
		     const char **error_r);

#endif
