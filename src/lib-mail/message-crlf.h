/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef MESSAGE_CRLF_H
#define MESSAGE_CRLF_H

/* Sending stored (LF) messages in network form (CRLF), and storing
   messages that arrive in network form. */

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

/* Converting CRLF to LF for storage, for data that arrives in pieces:
   each CRLF becomes LF (a CR split from its LF by a piece boundary
   too), a lone CR is kept. */
struct message_lf_converter {
	bool pending_cr;
};
/* Receives converted data. */
typedef void message_lf_output_t(void *context, const unsigned char *data,
				 size_t size);
/* Converts one piece, handing the result to output (possibly in several
   calls, possibly none). */
void message_lf_convert(struct message_lf_converter *conv,
			const unsigned char *data, size_t size,
			message_lf_output_t *output, void *context);
/* At the end of the message: outputs a CR that was held back. */
void message_lf_convert_end(struct message_lf_converter *conv,
			    message_lf_output_t *output, void *context);

#endif
