/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef IMAP_SEARCH_MATCH_H
#define IMAP_SEARCH_MATCH_H

/* Judges messages of an open mailbox against a parsed search key tree
   (imap-search-args.h). Needs no IMAP session: the imap worker's SEARCH,
   SORT and THREAD use it, and so does coveadm (libimap-search.la). */

#include "imap-seqset.h"

struct mailbox;
struct imap_search_arg;
struct imap_search_match;

/* The work of judging a message that had to be read, where judging one
   on its record alone costs 1. */
#define IMAP_SEARCH_READ_COST 100

/* Prepares root (its strings are UTF-8) for judging the messages of box,
   allocating from pool. saved_uids is "$" (RFC 5182), NULL if there is
   none; it must stay valid while the match is used. Keywords are looked
   up in box now. */
struct imap_search_match *
imap_search_match_init(pool_t pool, struct mailbox *box,
		       struct imap_search_arg *root,
		       const ARRAY_TYPE(seq_range) *saved_uids);
/* Judges message seq; *cost_r is the work it took (1, or 1 +
   IMAP_SEARCH_READ_COST if the message had to be read). Returns 1 match,
   0 no match (also when the message was expunged meanwhile), -1 error. */
int imap_search_match_message(struct imap_search_match *match, uint32_t seq,
			      unsigned int *cost_r, const char **error_r);

#endif
