/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef IMAP_SEARCH_H
#define IMAP_SEARCH_H

/* The SEARCH evaluator (imap-search.c), shared by SEARCH and SORT/THREAD:
   parses "[CHARSET name] keys" and judges messages of the selected
   mailbox against them. */

#include "imap-commands.h"

struct imap_arg;
struct imap_search_context;

/* RFC 4731 / RFC 5267 RETURN options. */
enum imap_search_return {
	IMAP_SEARCH_RETURN_MIN		= 0x01,
	IMAP_SEARCH_RETURN_MAX		= 0x02,
	IMAP_SEARCH_RETURN_ALL		= 0x04,
	IMAP_SEARCH_RETURN_COUNT	= 0x08,
	/* SEARCHRES (RFC 5182): the result becomes "$" */
	IMAP_SEARCH_RETURN_SAVE		= 0x10,
	/* CONTEXT=SEARCH (RFC 5267): ADDTO/REMOVEFROM updates follow */
	IMAP_SEARCH_RETURN_UPDATE	= 0x20,
};

/* A search of cmd's selected mailbox, allocated from cmd->pool. */
struct imap_search_context *
imap_search_context_create(struct client_command_context *cmd);
/* Parses the contents of "RETURN (options)"; an empty list means ALL.
   Returns 0, or -1 with error_r. */
int imap_search_parse_return(const struct imap_arg *list,
			     enum imap_search_return *options_r,
			     const char **error_r);
/* Parses "[CHARSET name] keys" (CHARSET is required if charset_required,
   as in SORT and THREAD) and prepares the keys. Returns 1, or 0 with the
   tagged reply set. */
int imap_search_parse_criteria(struct imap_search_context *ctx,
			       const struct imap_arg *args,
			       bool charset_required);
/* Appends ranges as a sequence set ("1:3,5"). */
void imap_search_append_seqset(string_t *str,
			       const ARRAY_TYPE(seq_range) *ranges);
/* Judges message seq; *cost_r is the work it took (1, more if the
   message had to be read). Returns 1 match, 0 no match, -1 error. */
int imap_search_message(struct imap_search_context *ctx, uint32_t seq,
			unsigned int *cost_r, const char **error_r);

/* Parses an optional "RETURN (options)" at *args and moves *args past
   it. Returns 1, or 0 with the tagged reply set. */
int imap_search_parse_return_prefix(struct client_command_context *cmd,
				    const struct imap_arg **args,
				    enum imap_search_return *options_r);
/* For imap_search_run_batch(): handles matching message seq, adding the
   work it took to *cost_r. Returns 0 (or 1), or -1 with error_r. */
typedef int imap_search_match_func_t(void *context, uint32_t seq,
				     unsigned int *cost_r,
				     const char **error_r);
/* Judges the next messages of the mailbox, calling match for each one
   that matches, until a batch's worth of work is done, so that a long
   SEARCH, SORT or THREAD lets the process serve others in between.
   Returns 1 when every message is done, 0 when more remain (call again),
   -1 after a read error (the tagged reply is set). */
int imap_search_run_batch(struct imap_search_context *ctx,
			  imap_search_match_func_t *match, void *context);

#endif
