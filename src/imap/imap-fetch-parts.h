/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef IMAP_FETCH_PARTS_H
#define IMAP_FETCH_PARTS_H

/* The MIME structure of a message for FETCH: its part tree, with the
   data ENVELOPE and BODYSTRUCTURE are written from (see
   imap-bodystructure.h), and the byte ranges of BODY[section]. This is
   the one place that computes it, so that a cache can take its place. */

struct mailbox;
struct message_part;
struct imap_fetch_body;

/* Where a section is in the stored message. */
struct imap_fetch_part_range {
	/* Physical offset of its first byte and its physical size */
	uoff_t offset;
	uoff_t physical_size;
	/* Its size with CRLF line ends (the literal's size) */
	uoff_t virtual_size;
	/* It is a header: HEADER, HEADER.FIELDS[.NOT] or MIME */
	bool header;
};

/* Parses message seq of box into a part tree allocated from pool.
   Returns 1, 0 if the message was expunged, -1 with error_r on a read
   error. */
int imap_fetch_parts_get(struct mailbox *box, uint32_t seq, pool_t pool,
			 struct message_part **parts_r, const char **error_r);
/* Finds the range of body's section (which has a part number) in parts.
   Returns false if the message has no such section. */
bool imap_fetch_parts_range(struct message_part *parts,
			    const struct imap_fetch_body *body,
			    struct imap_fetch_part_range *range_r);

#endif
