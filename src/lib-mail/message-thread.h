/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef MESSAGE_THREAD_H
#define MESSAGE_THREAD_H

/* The threading algorithms of RFC 5256: ORDEREDSUBJECT (section 3) and
   REFERENCES (section 4), writing the result in the form of the IMAP
   THREAD response: "(1 2 (3)(4))(5)". */

#include "str.h"

/* A Message-ID chain longer than this is followed only at its end. */
#define MESSAGE_THREAD_MAX_REFERENCES 1000
/* A message deeper than this in a thread starts a thread of its own. */
#define MESSAGE_THREAD_MAX_DEPTH 1000

struct message_thread_input {
	/* The number written out (sequence number or UID); messages are
	   given in ascending order of it, which breaks date ties. */
	uint32_t id;
	/* The sent date (Date:, or INTERNALDATE without a valid one). */
	time_t date;
	/* Raw header values, NULL if missing. */
	const char *subject;
	const char *message_id;
	const char *in_reply_to;
	const char *references;
};

void message_thread_orderedsubject(const struct message_thread_input *msgs,
				   unsigned int count, string_t *dest);
void message_thread_references(const struct message_thread_input *msgs,
			       unsigned int count, string_t *dest);

#endif
