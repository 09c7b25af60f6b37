/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef MESSAGE_SEARCH_H
#define MESSAGE_SEARCH_H

/* Case-insensitive substring search over UTF-8 text that arrives in
   chunks (decoded message header values and body parts): the key and the
   text are case-folded with unichar_casefold() and compared byte-wise
   with a Knuth-Morris-Pratt automaton, so a match may span any number of
   chunks and a character may be split between chunks. */

#include "mempool.h"

struct message_search;

/* Creates a search for key (UTF-8) from pool; freed with the pool. */
struct message_search *message_search_init(pool_t pool, const char *key);
/* Forgets the text fed so far (and whether it matched). */
void message_search_reset(struct message_search *search);
/* Feeds the next chunk of text. An empty key matches as soon as anything
   (even an empty chunk) has been fed. */
void message_search_more(struct message_search *search,
			 const unsigned char *data, size_t size);
/* Returns true if the key was found in the text fed since the last
   reset. */
bool message_search_has_matched(const struct message_search *search);
/* Resets, feeds data as one whole text and returns whether it matched. */
bool message_search_is_in(struct message_search *search,
			  const unsigned char *data, size_t size);

#endif
