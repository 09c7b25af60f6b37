/* Copyright (c) Cove authors. See AUTHORS. */

/* SMTP reply formatting. */

#include "lib.h"
#include "str.h"
#include "smtp-reply.h"

static void smtp_reply_append_text(string_t *dest, const char *text)
{
	for (const unsigned char *p = (const unsigned char *)text;
	     *p != '\0'; p++)
		str_append_c(dest, *p < 32 || *p == 127 ? ' ' : *p);
}

void smtp_reply_append_lines(string_t *dest, unsigned int code,
			     const char *enhanced_code,
			     const char *const *lines)
{
	i_assert(code >= 200 && code <= 599);
	i_assert(lines[0] != NULL);
	i_assert(enhanced_code == NULL ||
		 smtp_reply_code_is_valid(code, enhanced_code));

	for (unsigned int i = 0; lines[i] != NULL; i++) {
		str_printfa(dest, "%u%c", code,
			    lines[i + 1] == NULL ? ' ' : '-');
		if (i == 0 && enhanced_code != NULL)
			str_printfa(dest, "%s ", enhanced_code);
		smtp_reply_append_text(dest, lines[i]);
		str_append(dest, "\r\n");
	}
}

void smtp_reply_append(string_t *dest, unsigned int code,
		       const char *enhanced_code, const char *text)
{
	const char *lines[] = { text, NULL };

	smtp_reply_append_lines(dest, code, enhanced_code, lines);
}

/* One to three digits, as in RFC 3463's subject and detail fields. */
static bool smtp_reply_parse_number(const char **p)
{
	unsigned int digits = 0;

	while (**p >= '0' && **p <= '9' && digits < 4) {
		(*p)++;
		digits++;
	}
	return digits >= 1 && digits <= 3;
}

bool smtp_reply_code_is_valid(unsigned int code, const char *enhanced_code)
{
	const char *p = enhanced_code + 1;

	if (enhanced_code[0] != '0' + (char)(code / 100) ||
	    (code / 100 != 2 && code / 100 != 4 && code / 100 != 5))
		return false;
	if (*p++ != '.' || !smtp_reply_parse_number(&p))
		return false;
	if (*p++ != '.' || !smtp_reply_parse_number(&p))
		return false;
	return *p == '\0';
}
