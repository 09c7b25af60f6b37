/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef POP3_MAIL_SEND_H
#define POP3_MAIL_SEND_H

/* Sending a stored message (LF line ends) as the multi-line data of RETR
   or TOP (RFC 1939 3): CRLF line ends, lines that start with "." get
   another one, ".\r\n" at the end; TOP stops after the header and n body
   lines. Sending pauses whenever the output buffer is full, so a large
   message never sits in memory whole. */

#include "pop3-settings.h"

struct istream;
struct ostream;

struct pop3_mail_send {
	/* Blocking input at the start of the message. */
	struct istream *input;
	enum pop3_client_workarounds workarounds;
	/* TOP: stop after body_lines lines of the body. */
	bool limit_lines;
	uoff_t body_lines;

	bool in_header;
	/* Bytes of the current line seen so far (0: at a line start). */
	uoff_t line_len;
	/* The last byte sent was CR. */
	bool last_cr;
	/* TOP has sent all it needs. */
	bool stopped;
};

/* top: send only the header and top_lines lines of the body. */
void pop3_mail_send_init(struct pop3_mail_send *send, struct istream *input,
			 enum pop3_client_workarounds workarounds, bool top,
			 uoff_t top_lines);
/* Sends more of the message, until all of it and the final "." line are
   sent (returns 1) or output holds at least max_buffered bytes (returns
   0: call again when it has drained). Returns -1 with error_r on a read
   error. The caller destroys the input. */
int pop3_mail_send_more(struct pop3_mail_send *send, struct ostream *output,
			size_t max_buffered, const char **error_r);

#endif
