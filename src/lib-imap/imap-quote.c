/* Copyright (c) Cove authors. See AUTHORS. */

/* Writing atoms, quoted strings and literals into IMAP responses. */

#include "lib.h"
#include "str.h"
#include "imap-quote.h"

#include <strings.h>

/* Longer strings are sent as literals, which clients read faster. */
#define IMAP_QUOTE_MAX_QUOTED_LEN 1024

/* ASTRING-CHAR of RFC 3501: ATOM-CHAR or "]". */
static bool imap_is_astring_char(unsigned char c)
{
	return c > 0x20 && c < 0x7f && strchr("(){%*\"\\", c) == NULL;
}

static bool imap_can_quote(const char *src, size_t len)
{
	size_t i;

	if (len > IMAP_QUOTE_MAX_QUOTED_LEN)
		return false;
	for (i = 0; i < len; i++) {
		unsigned char c = src[i];

		if (c == '\r' || c == '\n' || c >= 0x80)
			return false;
	}
	return true;
}

void imap_append_string(string_t *dest, const char *src)
{
	size_t len = strlen(src);
	const char *p;

	if (!imap_can_quote(src, len)) {
		str_printfa(dest, "{%zu}\r\n", len);
		str_append_data(dest, src, len);
		return;
	}
	str_append_c(dest, '"');
	for (p = src; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\')
			str_append_c(dest, '\\');
		str_append_c(dest, *p);
	}
	str_append_c(dest, '"');
}

void imap_append_astring(string_t *dest, const char *src)
{
	const char *p;

	for (p = src; *p != '\0'; p++) {
		if (!imap_is_astring_char(*p))
			break;
	}
	if (*p != '\0' || p == src || strcasecmp(src, "NIL") == 0)
		imap_append_string(dest, src);
	else
		str_append(dest, src);
}

void imap_append_nstring(string_t *dest, const char *src)
{
	if (src == NULL)
		str_append(dest, "NIL");
	else
		imap_append_string(dest, src);
}
