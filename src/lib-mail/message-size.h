/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef MESSAGE_SIZE_H
#define MESSAGE_SIZE_H

/* Sizes of a message's header and body, as stored and as sent with CRLF
   line ends (the "virtual" size IMAP reports). */

struct istream;

struct message_size {
	uoff_t physical_size;
	/* Size with every lone LF counted as CRLF. */
	uoff_t virtual_size;
	unsigned int lines;
};

/* Reads the header (up to and including the empty line that ends it, or
   everything if there is none) and then the body from input, to EOF.
   input must be blocking (a file or memory). Returns 0, or -1 on an input
   error (error_r). */
int message_get_header_body_size(struct istream *input,
				 struct message_size *hdr_r,
				 struct message_size *body_r,
				 const char **error_r);

#endif
