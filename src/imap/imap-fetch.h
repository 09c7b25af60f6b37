/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef IMAP_FETCH_H
#define IMAP_FETCH_H

/* FETCH items (RFC 3501 6.4.5): FLAGS, UID, RFC822.SIZE, INTERNALDATE,
   ENVELOPE, BODY, BODYSTRUCTURE, BODY[section] and BODY.PEEK[section]
   for every section form (part numbers "1.2.3" optionally followed by
   HEADER, HEADER.FIELDS (...), HEADER.FIELDS.NOT (...), TEXT or MIME),
   with or without a <origin.count> range, RFC822, RFC822.HEADER,
   RFC822.TEXT, and the macros ALL, FAST and FULL; BINARY[part]<partial>,
   BINARY.PEEK[part]<partial> and BINARY.SIZE[part] (RFC 3516). */

#include "array.h"

struct imap_arg;

enum imap_fetch_field {
	IMAP_FETCH_FIELD_UID		= 0x01,
	IMAP_FETCH_FIELD_FLAGS		= 0x02,
	IMAP_FETCH_FIELD_INTERNALDATE	= 0x04,
	IMAP_FETCH_FIELD_RFC822_SIZE	= 0x08,
	IMAP_FETCH_FIELD_ENVELOPE	= 0x10,
	IMAP_FETCH_FIELD_BODY		= 0x20,
	IMAP_FETCH_FIELD_BODYSTRUCTURE	= 0x40,
	/* RFC 7162 3.1.4 */
	IMAP_FETCH_FIELD_MODSEQ		= 0x80,
};

enum imap_fetch_section {
	IMAP_FETCH_SECTION_ALL,
	IMAP_FETCH_SECTION_HEADER,
	IMAP_FETCH_SECTION_TEXT,
	IMAP_FETCH_SECTION_HEADER_FIELDS,
	IMAP_FETCH_SECTION_HEADER_FIELDS_NOT,
	/* only with a part number */
	IMAP_FETCH_SECTION_MIME,
};

struct imap_fetch_body {
	enum imap_fetch_section section;
	/* The item's name in the reply: "BODY[HEADER]", "RFC822.TEXT" */
	const char *name;
	/* The part number "1.2" of the section, or NULL for the message */
	const char *part;
	/* HEADER.FIELDS[.NOT]: the field names, NULL-terminated */
	const char *const *fields;
	/* BODY[...]<origin.count>: only count bytes from origin */
	bool partial;
	uoff_t origin, count;
	/* BINARY[part] (section is ALL): the part's decoded content */
	bool binary;
	/* BINARY.SIZE[part]: only the size of that */
	bool binary_size;
};
ARRAY_DEFINE_TYPE(imap_fetch_body, struct imap_fetch_body);

struct imap_fetch_request {
	enum imap_fetch_field fields;
	/* In the order requested, without duplicates. */
	ARRAY_TYPE(imap_fetch_body) bodies;
	/* Some body item is fetched without .PEEK: set \Seen. */
	bool set_seen;
	/* RFC 7162 3.1.4.1 CHANGEDSINCE modifier (0: none; it adds the
	   MODSEQ field), and 3.2.6 VANISHED (only with CHANGEDSINCE). */
	uint64_t changedsince;
	bool vanished;
};

/* Parses a section-spec (what is between "[" and "]" of BODY[...])
   into body (section, part, fields, name), allocated from pool. Also
   used for the SECTION of CATENATE's URLs. Returns 0, or -1 if it is
   invalid. */
int imap_fetch_parse_section(const char *section, pool_t pool,
			     struct imap_fetch_body *body);
/* Parses the FETCH items: args is the argument after the sequence set
   (an atom or a list), followed by an optional list of modifiers
   ("(CHANGEDSINCE n [VANISHED])") and EOL. The bodies array is
   allocated from pool. Returns 0, or -1 with error_r. */
int imap_fetch_request_parse(const struct imap_arg *args, pool_t pool,
			     struct imap_fetch_request *req_r,
			     const char **error_r);

#endif
