/* Copyright (c) Cove authors. See AUTHORS. */

/* Parsing and encoding of SMTP envelope addresses (RFC 5321 4.1.2). With
   SMTP_ADDRESS_PARSE_FLAG_ALLOW_UTF8, bytes with the high bit set are
   accepted in local parts and domains, so that UTF-8 addresses
   (RFC 6531) pass through unchanged. */

#include "lib.h"
#include "str.h"
#include "smtp-address.h"

#include <strings.h>

/* RFC 5322 atext, plus 8-bit bytes when utf8 is set. */
static bool smtp_char_is_atext(unsigned char c, bool utf8)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || (c >= 0x80 && utf8))
		return true;
	return c != '\0' && strchr("!#$%&'*+-/=?^_`{|}~", c) != NULL;
}

/* Let-dig / Ldh-str characters of a domain label (with '_', which real
   internal host names use), plus 8-bit bytes when utf8 is set. */
static bool smtp_char_is_domain(unsigned char c, bool utf8)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		(c >= '0' && c <= '9') || c == '-' || c == '_' ||
		(c >= 0x80 && utf8);
}

/* Dot-string = Atom *("." Atom) */
static int smtp_parse_dot_string(const char **p, string_t *dest, bool utf8)
{
	const unsigned char *s = (const unsigned char *)*p;

	for (;;) {
		if (!smtp_char_is_atext(*s, utf8))
			return -1;
		while (smtp_char_is_atext(*s, utf8))
			str_append_c(dest, *s++);
		if (*s != '.')
			break;
		str_append_c(dest, *s++);
	}
	*p = (const char *)s;
	return 0;
}

/* Quoted-string = DQUOTE *(qtextSMTP / quoted-pairSMTP) DQUOTE */
static int smtp_parse_quoted_string(const char **p, string_t *dest,
				    bool utf8)
{
	const unsigned char *s = (const unsigned char *)*p + 1;

	for (; *s != '"'; s++) {
		if (*s == '\\') {
			s++;
			if (*s < 32 || *s > 126)
				return -1;
		} else if (*s < 32 || *s == 127 || (*s >= 0x80 && !utf8)) {
			return -1;
		}
		str_append_c(dest, *s);
	}
	*p = (const char *)s + 1;
	return 0;
}

/* Domain = sub-domain *("." sub-domain), or an address literal
   "[...]" (kept as it is, brackets included). */
static int smtp_parse_domain(const char **p, string_t *dest, bool utf8)
{
	const unsigned char *s = (const unsigned char *)*p;

	if (*s == '[') {
		do {
			str_append_c(dest, *s++);
			if (*s < 33 || *s > 126 || *s == '[' || *s == '\\')
				return -1;
		} while (*s != ']');
		str_append_c(dest, *s++);
	} else {
		for (;;) {
			if (!smtp_char_is_domain(*s, utf8))
				return -1;
			while (smtp_char_is_domain(*s, utf8))
				str_append_c(dest, *s++);
			if (*s != '.')
				break;
			str_append_c(dest, *s++);
		}
	}
	*p = (const char *)s;
	return 0;
}

/* Continuation bytes after the lead byte c of a UTF-8 sequence, or -1 if
   c cannot start one (0xc0, 0xc1 and 0xf5.. only start overlong or too
   large forms). */
static int smtp_utf8_continuation_count(unsigned char c)
{
	if (c < 0x80)
		return 0;
	if (c >= 0xc2 && c <= 0xdf)
		return 1;
	if (c >= 0xe0 && c <= 0xef)
		return 2;
	if (c >= 0xf0 && c <= 0xf4)
		return 3;
	return -1;
}

/* True if str is well-formed UTF-8 (RFC 3629: no overlong forms, no
   surrogates, nothing above U+10FFFF). */
static bool smtp_str_is_utf8(const char *str)
{
	static const uint32_t min_chr[] = { 0, 0x80, 0x800, 0x10000 };
	const unsigned char *p = (const unsigned char *)str;

	while (*p != '\0') {
		int count = smtp_utf8_continuation_count(*p);
		uint32_t chr;

		if (count < 0)
			return false;
		chr = *p++ & (0x7f >> (count == 0 ? 0 : count + 1));
		for (int i = 0; i < count; i++, p++) {
			if ((*p & 0xc0) != 0x80)
				return false;
			chr = (chr << 6) | (*p & 0x3f);
		}
		if (chr < min_chr[count] || chr > 0x10ffff ||
		    (chr >= 0xd800 && chr <= 0xdfff))
			return false;
	}
	return true;
}

/* A-d-l = At-domain *( "," At-domain ) ":" -- parsed and dropped. */
static int smtp_skip_source_route(const char **p)
{
	string_t *ignored = t_str_new(64);

	for (;;) {
		if (**p != '@')
			return -1;
		(*p)++;
		if (smtp_parse_domain(p, ignored, false) < 0)
			return -1;
		if (**p == ':')
			break;
		if (**p != ',')
			return -1;
		(*p)++;
	}
	(*p)++;
	return 0;
}

static int smtp_parse_mailbox(const char **p, bool utf8, string_t *localpart,
			      string_t *domain, bool *have_domain_r,
			      const char **error_r)
{
	int ret;

	if (**p == '"')
		ret = smtp_parse_quoted_string(p, localpart, utf8);
	else
		ret = smtp_parse_dot_string(p, localpart, utf8);
	if (ret < 0) {
		*error_r = "Invalid local part";
		return -1;
	}
	*have_domain_r = **p == '@';
	if (*have_domain_r) {
		(*p)++;
		if (smtp_parse_domain(p, domain, utf8) < 0) {
			*error_r = "Invalid domain";
			return -1;
		}
	}
	return 0;
}

int smtp_address_parse_path(pool_t pool, const char *str,
			    enum smtp_address_parse_flags flags,
			    struct smtp_address **address_r,
			    const char **endp_r, const char **error_r)
{
	const char *p = str;
	string_t *localpart, *domain;
	bool utf8 = (flags & SMTP_ADDRESS_PARSE_FLAG_ALLOW_UTF8) != 0;
	bool have_domain = false;

	if (*p != '<') {
		*error_r = "Missing '<' around the address";
		return -1;
	}
	p++;
	localpart = t_str_new(64);
	domain = t_str_new(64);
	if (*p == '>') {
		if ((flags & SMTP_ADDRESS_PARSE_FLAG_ALLOW_EMPTY) == 0) {
			*error_r = "Null path not allowed";
			return -1;
		}
	} else {
		if (*p == '@' && smtp_skip_source_route(&p) < 0) {
			*error_r = "Invalid source route";
			return -1;
		}
		if (smtp_parse_mailbox(&p, utf8, localpart, domain,
				       &have_domain, error_r) < 0)
			return -1;
		if (!have_domain &&
		    (flags & SMTP_ADDRESS_PARSE_FLAG_ALLOW_LOCALPART) == 0) {
			*error_r = "Missing domain";
			return -1;
		}
		if (*p != '>') {
			*error_r = "Missing '>' after the address";
			return -1;
		}
		if (utf8 && (!smtp_str_is_utf8(str_c(localpart)) ||
			     !smtp_str_is_utf8(str_c(domain)))) {
			*error_r = "Invalid UTF-8 in the address";
			return -1;
		}
	}
	struct smtp_address *address = p_new(pool, struct smtp_address, 1);
	address->localpart = p_strdup(pool, str_c(localpart));
	address->domain = have_domain ? p_strdup(pool, str_c(domain)) : NULL;
	*address_r = address;
	*endp_r = p + 1;
	return 0;
}

bool smtp_address_is_null(const struct smtp_address *address)
{
	return address->localpart[0] == '\0' && address->domain == NULL;
}

bool smtp_address_is_users(const struct smtp_address *address,
			   const char *username)
{
	const char *at = strchr(username, '@');

	if (smtp_address_is_null(address))
		return true;
	if (at == NULL)
		return strcasecmp(address->localpart, username) == 0;
	return address->domain != NULL &&
		strlen(address->localpart) == (size_t)(at - username) &&
		strncasecmp(address->localpart, username,
			    at - username) == 0 &&
		strcasecmp(address->domain, at + 1) == 0;
}

static bool smtp_localpart_is_dot_string(const char *localpart)
{
	const char *p = localpart;
	string_t *ignored = t_str_new(64);

	return smtp_parse_dot_string(&p, ignored, true) == 0 && *p == '\0';
}

const char *smtp_address_encode(const struct smtp_address *address)
{
	string_t *str = t_str_new(128);

	if (smtp_address_is_null(address))
		return "";
	if (smtp_localpart_is_dot_string(address->localpart)) {
		str_append(str, address->localpart);
	} else {
		str_append_c(str, '"');
		for (const char *p = address->localpart; *p != '\0'; p++) {
			if (*p == '"' || *p == '\\')
				str_append_c(str, '\\');
			str_append_c(str, *p);
		}
		str_append_c(str, '"');
	}
	if (address->domain != NULL) {
		str_append_c(str, '@');
		str_append(str, address->domain);
	}
	return str_c(str);
}

void smtp_address_split_detail(pool_t pool, const struct smtp_address *address,
			       const char *delimiters,
			       struct smtp_address **base_r,
			       const char **detail_r)
{
	struct smtp_address *base = p_new(pool, struct smtp_address, 1);
	size_t len = strcspn(address->localpart, delimiters);

	base->domain = address->domain == NULL ? NULL :
		p_strdup(pool, address->domain);
	base->localpart = p_strndup(pool, address->localpart, len);
	*detail_r = address->localpart[len] == '\0' ? "" :
		p_strdup(pool, address->localpart + len + 1);
	*base_r = base;
}
