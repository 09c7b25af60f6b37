/* Copyright (c) Cove authors. See AUTHORS. */

/* RFC 2047 encoded-word decoding. */

#include "lib.h"
#include "str.h"
#include "charset-utf8.h"
#include "message-transfer-decode.h"
#include "message-header-decode.h"

/* Parses an encoded-word at data[0..size) ("=?cs?e?text?="). Returns its
   length, or 0 if there is none there, and appends its decoded UTF-8 form
   to dest. */
static size_t message_header_decode_word(const unsigned char *data,
					 size_t size, string_t *dest)
{
	const unsigned char *cs, *enc, *text, *end, *p;
	buffer_t *raw;
	const char *charset;

	if (size < 8 || data[0] != '=' || data[1] != '?')
		return 0;
	cs = data + 2;
	enc = memchr(cs, '?', size - 2);
	if (enc == NULL || enc == cs || enc + 3 >= data + size ||
	    enc[2] != '?')
		return 0;
	text = enc + 3;
	for (p = text, end = NULL; p + 1 < data + size; p++) {
		if (*p == ' ' || *p == '\t')
			return 0;
		if (p[0] == '?' && p[1] == '=') {
			end = p;
			break;
		}
	}
	if (end == NULL)
		return 0;
	raw = buffer_create_dynamic(datastack_pool, end - text);
	if (enc[1] == 'B' || enc[1] == 'b') {
		message_transfer_decode_base64(text, end - text, raw);
	} else if (enc[1] == 'Q' || enc[1] == 'q') {
		message_transfer_decode_qp_word(text, end - text, raw);
	} else {
		return 0;
	}
	/* RFC 2231 5: a language may follow the charset after '*' */
	p = memchr(cs, '*', enc - cs);
	charset = t_strndup(cs, (p != NULL ? p : enc) - cs);
	(void)charset_to_utf8_str(charset, raw->data, raw->used, dest);
	return end + 2 - data;
}

void message_header_decode_utf8(const unsigned char *data, size_t size,
				string_t *dest)
{
	size_t i = 0, start = 0, len, mark;
	string_t *word;
	bool last_was_word = false;

	while (i < size) {
		mark = str_len(dest);
		len = data[i] != '=' ? 0 :
			message_header_decode_word(data + i, size - i, dest);
		if (len == 0) {
			if (data[i] != ' ' && data[i] != '\t')
				last_was_word = false;
			i++;
			continue;
		}
		/* the word was appended: put the text before it first,
		   dropping whitespace that only separates two words */
		word = t_str_new(str_len(dest) - mark);
		str_append_data(word, str_data(dest) + mark,
				str_len(dest) - mark);
		str_truncate(dest, mark);
		if (!last_was_word) {
			(void)charset_utf8_append_valid(dest, data + start,
							i - start, true);
		}
		str_append_str(dest, word);
		i += len;
		start = i;
		last_was_word = true;
	}
	(void)charset_utf8_append_valid(dest, data + start, size - start, true);
}
