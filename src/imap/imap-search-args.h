/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef IMAP_SEARCH_ARGS_H
#define IMAP_SEARCH_ARGS_H

/* SEARCH keys (RFC 3501 6.4.4) parsed into a tree. Keys that RFC 3501
   defines in terms of others are rewritten: UNSEEN is NOT SEEN, NEW is
   (RECENT UNSEEN), OLD is NOT RECENT, FROM x is HEADER FROM x, and so on,
   so the evaluator (imap-search.c) knows only the node types below. */

#include <time.h>
#include "imap-seqset.h"
#include "mail-storage.h"

struct imap_arg;

/* Deepest nesting of parentheses, NOT and OR accepted from a client. */
#define IMAP_SEARCH_ARGS_MAX_DEPTH 32

enum imap_search_arg_type {
	/* children: all, any, or the one child */
	IMAP_SEARCH_ARG_AND,
	IMAP_SEARCH_ARG_OR,
	IMAP_SEARCH_ARG_NOT,

	IMAP_SEARCH_ARG_ALL,
	/* seqset: sequence numbers, or UIDs */
	IMAP_SEARCH_ARG_SEQSET,
	IMAP_SEARCH_ARG_UIDSET,
	/* "$" or "UID $": the saved search result (RFC 5182) */
	IMAP_SEARCH_ARG_SAVED,
	/* flags: all of them set (MAIL_RECENT included) */
	IMAP_SEARCH_ARG_FLAGS,
	/* str: the keyword is set */
	IMAP_SEARCH_ARG_KEYWORD,
	/* size: RFC822.SIZE > size, < size */
	IMAP_SEARCH_ARG_LARGER,
	IMAP_SEARCH_ARG_SMALLER,
	/* date: 00:00 UTC of the day given. INTERNALDATE for the first
	   three, the Date: header for the SENT ones. */
	IMAP_SEARCH_ARG_BEFORE,
	IMAP_SEARCH_ARG_ON,
	IMAP_SEARCH_ARG_SINCE,
	IMAP_SEARCH_ARG_SENTBEFORE,
	IMAP_SEARCH_ARG_SENTON,
	IMAP_SEARCH_ARG_SENTSINCE,
	/* hdr_name, str: a header field of the message contains str */
	IMAP_SEARCH_ARG_HEADER,
	/* str: the body (text parts), or header or body, contains str */
	IMAP_SEARCH_ARG_BODY,
	IMAP_SEARCH_ARG_TEXT,
	/* modseq: the message's mod-sequence is at least modseq (RFC 7162
	   3.1.5; an entry name is accepted and ignored: a message has one
	   mod-sequence for all its flags) */
	IMAP_SEARCH_ARG_MODSEQ,
};

struct imap_search_arg {
	enum imap_search_arg_type type;
	/* Next sibling in the parent's children list. */
	struct imap_search_arg *next;
	struct imap_search_arg *children;

	ARRAY_TYPE(seq_range) seqset;
	enum mail_flags flags;
	uoff_t size;
	time_t date;
	uint64_t modseq;
	const char *hdr_name;
	const char *str;

	/* For the evaluator. */
	void *context;
};

/* Parses the search keys in args (up to IMAP_ARG_EOL) into an AND node
   allocated from pool. Sequence sets are resolved with "*" as
   messages_count for sequence numbers and last_uid for UIDs; numbers
   beyond them are kept (they match nothing). Returns 0, or -1 with a
   message for a BAD reply in error_r. */
int imap_search_args_parse(pool_t pool, const struct imap_arg *args,
			   uint32_t messages_count, uint32_t last_uid,
			   struct imap_search_arg **root_r,
			   const char **error_r);

/* Parses an IMAP date ("1-Feb-1994", RFC 3501 9 date-text) into the UTC
   time of that day's start. Returns 1, or 0 if str is not such a date. */
int imap_search_args_parse_date(const char *str, time_t *time_r);

#endif
