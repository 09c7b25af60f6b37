/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef MESSAGE_CRLF_H
#define MESSAGE_CRLF_H

/* Sending stored (LF) messages in network form (CRLF). */

struct istream;
struct ostream;

#ifndef UOFF_T_MAX
#  define UOFF_T_MAX UINT64_MAX
#endif

/* Copies input from its current position to EOF into output, converting
   each lone LF to CRLF (an existing CRLF is kept). At most max_virtual
   bytes of the converted form are written (UOFF_T_MAX for all). Returns 0,
   or -1 with error_r on an input or output error. */
int message_copy_crlf(struct istream *input, struct ostream *output,
		      uoff_t max_virtual, const char **error_r);

#endif
