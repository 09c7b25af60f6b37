/* Copyright (c) Cove authors. See AUTHORS. */

/* Parsing and encoding of SMTP envelope addresses (RFC 5321 4.1.2). Bytes
   with the high bit set are accepted in local parts and domains, so that
   UTF-8 addresses (RFC 6531) pass through unchanged. */

#include "lib.h"
#include "str.h"
#include "smtp-address.h"

/* RFC 5322 atext, plus 8-bit bytes. */
static bool smtp_char_is_atext(unsigned char c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c >= 0x80)
		return true;
	return c != '\0' && strchr("!#$%&'*+-/=?^_`{|}~", c) != NULL;
}

/* Let-dig / Ldh-str characters of a domain label (with '_', which real
   internal host names use). */
static bool smtp_char_is_domain(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		(c >= '0' && c <= '9') || c == '-' || c == '_' || c >= 0x80;
}

/* Dot-string = Atom *("." Atom) */
static int smtp_parse_dot_string(const char **p, string_t *dest)
{
	const unsigned char *s = (const unsigned char *)*p;

	for (;;) {
		if (!smtp_char_is_atext(*s))
			return -1;
		while (smtp_char_is_atext(*s))
			str_append_c(dest, *s++);
		if (*s != '.')
			break;
		str_append_c(dest, *s++);
	}
	*p = (const char *)s;
	return 0;
}

/* Quoted-string = DQUOTE *(qtextSMTP / quoted-pairSMTP) DQUOTE */
static int smtp_parse_quoted_string(const char **p, string_t *dest)
{
	const unsigned char *s = (const unsigned char *)*p + 1;

	for (; *s != '"'; s++) {
		if (*s == '\\') {
			s++;
			if (*s < 32 || *s > 126)
				return -1;
		} else if (*s < 32 || *s == 127) {
			return -1;
		}
		str_append_c(dest, *s);
	}
	*p = (const char *)s + 1;
	return 0;
}

/* Domain = sub-domain *("." sub-domain), or an address literal
   "[...]" (kept as it is, brackets included). */
static int smtp_parse_domain(const char **p, string_t *dest)
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
			if (!smtp_char_is_domain(*s))
				return -1;
			while (smtp_char_is_domain(*s))
				str_append_c(dest, *s++);
			if (*s != '.')
				break;
			str_append_c(dest, *s++);
		}
	}
	*p = (const char *)s;
	return 0;
}

/* A-d-l = At-domain *( "," At-domain ) ":" -- parsed and dropped. */
static int smtp_skip_source_route(const char **p)
{
	string_t *ignored = t_str_new(64);

	for (;;) {
		if (**p != '@')
			return -1;
		(*p)++;
		if (smtp_parse_domain(p, ignored) < 0)
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

static int smtp_parse_mailbox(const char **p, string_t *localpart,
			      string_t *domain, bool *have_domain_r,
			      const char **error_r)
{
	int ret;

	if (**p == '"')
		ret = smtp_parse_quoted_string(p, localpart);
	else
		ret = smtp_parse_dot_string(p, localpart);
	if (ret < 0) {
		*error_r = "Invalid local part";
		return -1;
	}
	*have_domain_r = **p == '@';
	if (*have_domain_r) {
		(*p)++;
		if (smtp_parse_domain(p, domain) < 0) {
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
		if (smtp_parse_mailbox(&p, localpart, domain, &have_domain,
				       error_r) < 0)
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

static bool smtp_localpart_is_dot_string(const char *localpart)
{
	const char *p = localpart;
	string_t *ignored = t_str_new(64);

	return smtp_parse_dot_string(&p, ignored) == 0 && *p == '\0';
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
