/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef ADMIN_SEARCH_QUERY_H
#define ADMIN_SEARCH_QUERY_H

/* doveadm's search query language (doveadm-search-query(7)) for the mail
   commands: "mailbox INBOX seen since 30d from alice body invoice". The
   words are translated into IMAP SEARCH keys, which the same parser and
   matcher as IMAP SEARCH judge (imap-search-args.h, imap-search-match.h).

   Keys: all, a sequence set, uid SET, answered deleted draft flagged seen
   recent new old and their un- forms, keyword/unkeyword K, before/on/since,
   savedbefore/savedon/savedsince and sentbefore/senton/sentsince DATE,
   larger/smaller SIZE, from/to/cc/bcc/subject/body/text VALUE, header
   NAME VALUE, modseq N, not KEY, and "(" keys ")" (parentheses are words
   of their own). Keys are ANDed, or joined with infix "or" (KEY or KEY or
   KEY), but ANDs and ORs are not mixed without parentheses, as in
   doveadm. "mailbox PATTERN" ('*' and '%' as in LIST), at the top level
   only, picks the mailboxes searched (default: all).

   A DATE is 2024-01-31, 31-Jan-2024, a UNIX timestamp, or an interval
   back from now (30d, 2w, 1h, 15m, 90s; also "days", "weeks", ...); it is
   compared by day, as IMAP does. The saved* keys use INTERNALDATE (Cove
   keeps no separate save date). A SIZE is bytes with an optional k, M or G
   suffix (powers of 1024). mailbox-guid is refused: Cove has no mailbox
   GUIDs. */

#include "mail-storage.h"

struct imap_arg;
struct imap_search_arg;

struct admin_search_query {
	/* "mailbox PATTERN"; NULL: every mailbox */
	const char *mailbox;
	/* The IMAP SEARCH keys, ending with IMAP_ARG_EOL. */
	const struct imap_arg *args;
};

/* Parses the NULL-terminated words (relative dates count back from now),
   allocating from pool. Returns 0 with query_r, or -1 with error_r. */
int admin_search_query_parse(pool_t pool, const char *const *words,
			     time_t now, struct admin_search_query *query_r,
			     const char **error_r);
/* The query's key tree for a mailbox of messages_count messages whose
   last UID is last_uid (they resolve "*"), allocated from pool. Returns
   0 with root_r, or -1 with error_r. */
int admin_search_query_keys(pool_t pool,
			    const struct admin_search_query *query,
			    uint32_t messages_count, uint32_t last_uid,
			    struct imap_search_arg **root_r,
			    const char **error_r);

#endif
