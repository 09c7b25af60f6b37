/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef IMAP_FLAGS_H
#define IMAP_FLAGS_H

/* Message flags (RFC 3501 2.3.2) in IMAP syntax: system flags and
   keywords. */

#include "array.h"
#include "str.h"
#include "mail-storage.h"

struct imap_arg;

/* System flags a client may store, as listed in FLAGS and
   PERMANENTFLAGS. */
#define IMAP_FLAGS_PERMANENT "\\Answered \\Flagged \\Deleted \\Seen \\Draft"

/* Appends "(\Seen \Recent ...)". */
void imap_flags_write(string_t *dest, enum mail_flags flags);
/* Appends the record's flags and keywords: "(\Seen $Label1)". names are
   the mailbox's keyword names (mailbox_get_keywords()). */
void imap_flags_write_keywords(string_t *dest, enum mail_flags flags,
			       uint32_t keywords, const char *const *names,
			       unsigned int names_count);
/* Parses flags from args (EOL-terminated). Keywords are added to
   keywords_r (strings from args) if it is not NULL, else they are errors;
   \Recent, unknown system flags and invalid keyword names are errors.
   Returns 0, or -1 with error_r. */
int imap_flags_parse(const struct imap_arg *args, enum mail_flags *flags_r,
		     ARRAY_TYPE(const_string) *keywords_r,
		     const char **error_r);

#endif
