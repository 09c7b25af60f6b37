/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef IMAP_SEARCH_UPDATE_H
#define IMAP_SEARCH_UPDATE_H

/* CONTEXT=SEARCH (RFC 5267): searches made with RETURN (UPDATE) stay
   active, and when messages arrive, change flags or are expunged the
   client is told which ones joined or left the result with
   "* ESEARCH (TAG "t") [UID] ADDTO/REMOVEFROM (position set)". */

#include "imap-seqset.h"

struct client;
struct imap_search_context;

/* Most active update searches per session; more get NOUPDATE. */
#define IMAP_SEARCH_UPDATE_MAX 10

/* Keeps the search ctx of command tag (allocated from pool, which is
   then owned here) with its result uids (UIDs) of the client's selected
   mailbox. uid: results are given as UIDs. Returns false, without taking
   pool, if the session has IMAP_SEARCH_UPDATE_MAX searches already. */
bool imap_search_update_add(struct client *client, const char *tag, bool uid,
			    struct imap_search_context *ctx, pool_t pool,
			    const ARRAY_TYPE(seq_range) *uids);
/* Message seq is about to be reported expunged: sends REMOVEFROM for
   the searches it matched. */
void imap_search_update_expunge(struct client *client, uint32_t seq);
/* Evaluates the messages that are new or whose flags changed since the
   last call and sends ADDTO and REMOVEFROM. */
void imap_search_update_check(struct client *client);
/* Ends all update searches (the mailbox is closed). */
void imap_search_update_clear(struct client *client);

#endif
