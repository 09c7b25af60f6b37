/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef IMAP_SEQSET_H
#define IMAP_SEQSET_H

/* IMAP sequence sets (RFC 3501 section 9, sequence-set): "1:3,5,7:*". */

#include "array.h"

/* Most ranges a sequence set may hold: the peer cannot make us allocate
   more than this. */
#define IMAP_SEQSET_MAX_RANGES 10000

struct seq_range {
	uint32_t seq1, seq2;
};
ARRAY_DEFINE_TYPE(seq_range, struct seq_range);

/* Parse str into dest (already created; cleared first): ranges sorted by
   seq1, overlapping and adjacent ranges merged, each with seq1 <= seq2.
   "*" stands for star_value, the highest sequence number or UID in use
   (0 for an empty mailbox: then a range with "*" starts at 0, which callers
   treat as out of range for sequence numbers and as no match for UIDs).
   Returns 0 on success, -1 on syntax error, a 0 number, a number over
   2^32-1 or more than IMAP_SEQSET_MAX_RANGES ranges, with error_r set. */
int imap_seqset_parse(const char *str, uint32_t star_value,
		      ARRAY_TYPE(seq_range) *dest, const char **error_r);

/* Appends num, which must be above every number in ranges, extending
   the last range when num follows it. */
void imap_seqset_append(ARRAY_TYPE(seq_range) *ranges, uint32_t num);
/* Returns true if seq is in the (parsed, sorted) ranges. */
bool imap_seqset_contains(const ARRAY_TYPE(seq_range) *ranges, uint32_t seq);

#endif
