/* Copyright (c) Cove authors. See AUTHORS. */

/* Substring search over chunked UTF-8 text: each text character is
   decoded, case-folded and re-encoded, and its bytes are run through a
   KMP automaton built from the folded key. */

#include "lib.h"
#include "buffer.h"
#include "unichar.h"
#include "message-search.h"

struct message_search {
	/* Folded key and its KMP failure function: fail[i] is the length
	   of the longest proper border of key[0..i]. */
	unsigned char *key;
	size_t key_len;
	size_t *fail;

	struct unichar_utf8_stream utf8;
	/* Bytes of key matched so far. */
	size_t pos;
	bool fed;
	bool matched;
};

static void message_search_build_fail(struct message_search *search)
{
	size_t i, k = 0;

	for (i = 1; i < search->key_len; i++) {
		while (k > 0 && search->key[i] != search->key[k])
			k = search->fail[k - 1];
		if (search->key[i] == search->key[k])
			k++;
		search->fail[i] = k;
	}
}

struct message_search *message_search_init(pool_t pool, const char *key)
{
	struct message_search *search;
	buffer_t *folded;

	search = p_new(pool, struct message_search, 1);
	folded = buffer_create_dynamic(pool, strlen(key) + 1);
	unichar_utf8_casefold((const unsigned char *)key, strlen(key),
			      folded);
	search->key_len = folded->used;
	search->key = buffer_get_modifiable_data(folded, NULL);
	search->fail = p_new(pool, size_t, search->key_len + 1);
	message_search_build_fail(search);
	return search;
}

void message_search_reset(struct message_search *search)
{
	memset(&search->utf8, 0, sizeof(search->utf8));
	search->pos = 0;
	search->fed = false;
	search->matched = false;
}

static inline void message_search_byte(struct message_search *search,
				       unsigned char b)
{
	size_t k = search->pos;

	while (k > 0 && search->key[k] != b)
		k = search->fail[k - 1];
	if (search->key[k] == b)
		k++;
	if (k == search->key_len)
		search->matched = true;
	search->pos = k;
}

static void message_search_char(struct message_search *search, uint32_t chr)
{
	unsigned char buf[4];
	size_t i, len;

	len = unichar_to_utf8(unichar_casefold(chr), buf);
	for (i = 0; i < len; i++)
		message_search_byte(search, buf[i]);
}

void message_search_more(struct message_search *search,
			 const unsigned char *data, size_t size)
{
	uint32_t chars[2];
	unsigned int i, count;
	size_t pos;

	search->fed = true;
	if (search->key_len == 0)
		search->matched = true;
	for (pos = 0; pos < size && !search->matched; pos++) {
		/* fast path for ASCII, most of the text */
		if (data[pos] < 0x80 && search->utf8.left == 0) {
			message_search_byte(search, data[pos] >= 'A' &&
					    data[pos] <= 'Z' ?
					    data[pos] + 32 : data[pos]);
			continue;
		}
		count = unichar_utf8_stream_feed(&search->utf8, data[pos],
						 chars);
		for (i = 0; i < count; i++)
			message_search_char(search, chars[i]);
	}
}

bool message_search_has_matched(const struct message_search *search)
{
	return search->matched;
}

bool message_search_is_in(struct message_search *search,
			  const unsigned char *data, size_t size)
{
	uint32_t chr;

	message_search_reset(search);
	message_search_more(search, data, size);
	if (unichar_utf8_stream_finish(&search->utf8, &chr) > 0)
		message_search_char(search, chr);
	return search->matched;
}
