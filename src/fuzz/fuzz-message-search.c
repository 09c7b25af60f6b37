/* Copyright (c) Cove authors. See AUTHORS. */

/* Fuzz target: the SEARCH text matcher and the Date: parser. The input
   is "key NUL text". The matcher's answer must not depend on how the
   text is split into chunks, and must equal a plain substring test of
   the case-folded key in the case-folded text. The text is also fed to
   message_date_parse(), which must not crash or read past it. */

#include "lib.h"
#include "str.h"
#include "unichar.h"
#include "message-date.h"
#include "message-search.h"
#include "fuzz-common.h"

#include <string.h>

static bool fuzz_folded_contains(const char *key, const unsigned char *text,
				 size_t size)
{
	string_t *fkey = t_str_new(64), *ftext = t_str_new(256);

	unichar_utf8_casefold((const void *)key, strlen(key), fkey);
	unichar_utf8_casefold(text, size, ftext);
	return fkey->used == 0 ||
		memmem(ftext->data, ftext->used, fkey->data, fkey->used) != NULL;
}

FUZZ_TARGET(message_search)
{
	const unsigned char *nul = memchr(data, '\0', size);
	pool_t pool = pool_alloconly_create("fuzz search", 1024);
	struct message_search *search;
	const unsigned char *text;
	size_t text_size, split;
	bool whole;
	time_t t;
	int tz;

	if (nul == NULL) {
		(void)message_date_parse(data, size, &t, &tz);
		pool_unref(&pool);
		return;
	}
	text = nul + 1;
	text_size = size - (text - data);
	search = message_search_init(pool, t_strndup(data, nul - data));
	whole = message_search_is_in(search, text, text_size);
	if (whole != fuzz_folded_contains(t_strndup(data, nul - data), text,
					  text_size))
		i_panic("message_search disagrees with a folded memmem");
	split = text_size / 2;
	message_search_reset(search);
	message_search_more(search, text, split);
	message_search_more(search, text + split, text_size - split);
	/* a key ending in U+FFFD may need the end of input to match */
	if (message_search_has_matched(search) && !whole)
		i_panic("split feeding matched where the whole text did not");
	pool_unref(&pool);
}
