/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef IMAP_ID_H
#define IMAP_ID_H

/* The ID command (RFC 2971), before and after login: the client says
   who it is (clients of Chinese providers such as Foxmail send it and
   expect an answer), the server answers with its own name. What the
   client sent is only logged, so the log line is bounded and cleaned. */

struct imap_arg;

/* The untagged reply. */
#define IMAP_ID_REPLY "* ID (\"name\" \"Cove\")"

/* RFC 2971 3.3: at most 30 pairs, field names of at most 30 octets and
   values of at most 1024. Longer ones are cut in the log line. */
#define IMAP_ID_MAX_FIELDS 30
#define IMAP_ID_MAX_NAME_LEN 30
#define IMAP_ID_MAX_VALUE_LEN 1024
/* Room for the arguments of the largest ID the RFC allows, even with
   every character escaped. */
#define IMAP_ID_MAX_ARGS_SIZE \
	(IMAP_ID_MAX_FIELDS * 2 * (IMAP_ID_MAX_NAME_LEN + \
				   IMAP_ID_MAX_VALUE_LEN + 6))

/* Parses the ID command's arguments: NIL or a list of field name
   (string) / value (string or NIL) pairs. Returns 0 with log_r set to
   "name=value, ..." (bytes outside printable ASCII as '?', at most
   IMAP_ID_MAX_FIELDS pairs, each cut to the limits above; "" for NIL or
   an empty list), or -1 with error_r for a syntax error. Both strings
   are from the temporary frame. */
int imap_id_parse_args(const struct imap_arg *args, const char **log_r,
		       const char **error_r);

#endif
