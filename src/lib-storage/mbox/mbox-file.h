/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef MBOX_FILE_H
#define MBOX_FILE_H

/* The mbox format (mboxrd), without any I/O: finding the messages of a
   buffer, the "From " separator line, and the headers that hold flags.

   A message starts with a line "From SENDER DATE" (DATE in asctime()
   form, local time) and ends where the next such line starts; the empty
   line before that separator belongs to the separator. A body line
   matching ">*From " had one '>' added on writing and loses it on
   reading. A Content-Length header is honoured when the byte it points to
   is the end of the data or a separator: then a "From " line inside the
   body does not split the message. Otherwise any line that parses as a
   separator starts a new message, as every mbox reader does.

   The internal headers (Status, X-Status, X-Keywords, X-UID, X-IMAP,
   X-IMAPbase, Content-Length) are hidden from the message that IMAP sees;
   the sizes are counted without them and with the quoting removed. */

#include "array.h"
#include "str.h"
#include "mail-storage.h"

/* A line longer than this is never a separator. */
#define MBOX_FROM_LINE_MAX_LEN 1024
/* The "From " line's sender when the envelope sender is not known. */
#define MBOX_FROM_LINE_NO_SENDER "MAILER-DAEMON"

/* A message as found in the data. Offsets are absolute (the data's
   offset added). */
struct mbox_file_mail {
	/* The "From " line. */
	uoff_t from_offset;
	/* The header, after the "From " line. */
	uoff_t hdr_offset;
	/* The body, after the header's empty line (end_offset if none). */
	uoff_t body_offset;
	/* The end of the message (the separator's empty line excluded). */
	uoff_t end_offset;
	/* The next message's "From " line, or the end of the data. */
	uoff_t next_offset;
	/* From the "From " line; (time_t)-1 if it has none. */
	time_t received_date;
	enum mail_flags flags;
	/* The X-Keywords value (from the pool), NULL if none. */
	const char *keywords;
	/* A hash of the "From " line and the visible header: the same
	   message after a flag change by any writer has the same one. */
	uint64_t fingerprint;
	/* As IMAP sees the message (see above). */
	uoff_t physical_size;
	uoff_t virtual_size;
	/* The first message of the file has an X-IMAP header: the folder's
	   data kept by Dovecot, UW-IMAP and Pine, not a message. */
	bool pseudo;
};
ARRAY_DEFINE_TYPE(mbox_file_mail, struct mbox_file_mail);

/* What a parse found wrong but worked around. */
enum mbox_file_warnings {
	/* A separator without the empty line before it: most likely an
	   unquoted "From " line in a body, now a message of its own. */
	MBOX_FILE_WARN_FROM_IN_BODY	= 0x01,
	/* The data does not end with a newline. */
	MBOX_FILE_WARN_NO_FINAL_NEWLINE	= 0x02,
};

/* Parses line (without its LF) as a separator. Returns true with the
   date if it starts with "From " and has an asctime() date; false
   otherwise (*date_r is then (time_t)-1). */
bool mbox_from_line_parse(const unsigned char *line, size_t size,
			  time_t *date_r);
/* Appends "From SENDER DATE\n" to str (date in local time). SENDER is
   the envelope sender, or MAILER-DAEMON (as Postfix's local delivery
   writes it) when sender is NULL, the null sender "", or not one word
   that the line can hold (a space or a control character). */
void mbox_from_line_write(string_t *str, const char *sender, time_t date);

/* Returns true if the line (with its LF) is the empty line that ends a
   header: "\n" or "\r\n". */
bool mbox_line_is_header_end(const unsigned char *line, size_t size);
/* Returns true if the header line (name up to ':') is an internal one. */
bool mbox_header_is_internal(const unsigned char *line, size_t size);
/* Spaces that the X-Keywords line Cove writes keeps for later flag
   changes, so that they can be written in place. */
#define MBOX_FLAG_HEADERS_PADDING 48

/* Returns true if the header line (with or without its LF) holds flags
   or keywords: Status, X-Status or X-Keywords. */
bool mbox_header_is_flags(const unsigned char *line, size_t size);
/* Appends the internal flag headers for flags and the keyword names
   (NULL-terminated, may be NULL) to str: "Status:" and "X-Status:" lines
   if not empty, and an "X-Keywords:" line padded with spaces, so that the
   whole is total bytes (0: MBOX_FLAG_HEADERS_PADDING spaces). "Status: O"
   (seen by a mail reader, not new) is written for an unseen message only
   if status_old is true. Returns false (str as it was) if the headers do
   not fit in total bytes. */
bool mbox_flag_headers_write(string_t *str, enum mail_flags flags,
			     const char *const *keywords, bool status_old,
			     size_t total);
/* Finds the flag header lines (see mbox_header_is_flags(), with their
   continuation lines) in a header: data[0..size) from after the "From "
   line on, not necessarily to the end of the message. Returns 1 with
   [*start_r, *end_r) if they are one run of lines, 0 if there are none or
   other lines are between them, -1 if the header does not end in
   data. */
int mbox_flag_headers_find(const unsigned char *data, size_t size,
			   size_t *start_r, size_t *end_r);

/* Parses data (offset is its position in the file) into mails (from
   pool). data must start with a "From " line (anything before the
   first one is not a message): returns -1 with error_r if it does not.
   Returns 0 with *warnings_r and *warn_offset_r (the first problem's
   offset) otherwise. at_eof: data is the end of the file; if not, the
   last message found may continue after data (a message whose
   Content-Length cannot be checked yet runs to the end of data): the
   caller parses again from its "From " line with more data. */
int mbox_file_parse(const unsigned char *data, size_t size, uoff_t offset,
		    bool at_eof, pool_t pool,
		    ARRAY_TYPE(mbox_file_mail) *mails,
		    enum mbox_file_warnings *warnings_r,
		    uoff_t *warn_offset_r, const char **error_r);

/* Appends the message of data[0..size) (from after its "From " line to
   its end_offset) to dest as IMAP sees it: internal headers dropped and
   ">From " lines unquoted. */
void mbox_file_unquote(buffer_t *dest, const unsigned char *data,
		       size_t size);

#endif
