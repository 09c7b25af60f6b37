/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef SMTP_ADDRESS_H
#define SMTP_ADDRESS_H

/* SMTP envelope addresses (RFC 5321 4.1.2): parsing a Path such as
   "<user@example.com>" or "<\"odd user\"@example.com>", the null path
   "<>", and encoding an address back to text. 8-bit bytes are accepted
   only when asked for (SMTPUTF8). Source routes
   ("<@relay:user@example.com>") are accepted and dropped (RFC 5321 C). */

enum smtp_address_parse_flags {
	/* Accept "<>" (MAIL FROM's null reverse-path). */
	SMTP_ADDRESS_PARSE_FLAG_ALLOW_EMPTY = 0x01,
	/* Accept a local part without "@domain" ("<postmaster>", and LMTP
	   recipients named by their bare user name). */
	SMTP_ADDRESS_PARSE_FLAG_ALLOW_LOCALPART = 0x02,
	/* Accept bytes with the high bit set (UTF-8 local parts and
	   domains, RFC 6531), which need the SMTPUTF8 MAIL parameter. */
	SMTP_ADDRESS_PARSE_FLAG_ALLOW_UTF8 = 0x04,
};

struct smtp_address {
	/* Unquoted local part; "" for the null path. */
	const char *localpart;
	/* Domain or address literal ("[192.0.2.1]"), or NULL if none. */
	const char *domain;
};

/* Parses a Path at the start of str ("<...>"). *endp_r points just after
   the closing '>'. The address is allocated from pool. Returns 0, or -1
   with error_r (temporary frame) on a syntax error. */
int smtp_address_parse_path(pool_t pool, const char *str,
			    enum smtp_address_parse_flags flags,
			    struct smtp_address **address_r,
			    const char **endp_r, const char **error_r);

/* True for the null path "<>". */
bool smtp_address_is_null(const struct smtp_address *address);

/* Returns "local@domain" with the local part quoted when it is not a
   dot-string; "" for the null path. Temporary frame. */
const char *smtp_address_encode(const struct smtp_address *address);

/* True if address belongs to the login user name: "local@domain" equal
   to username when username has a domain, else a local part equal to
   username (with any domain, or none). Compared case-insensitively. The
   null path belongs to everyone (bounces and MDNs, RFC 8098 3). */
bool smtp_address_is_users(const struct smtp_address *address,
			   const char *username);

/* Splits the local part at the first character in delimiters (Dovecot's
   recipient_delimiter, "+" or a set such as "+-"): "user+box" gives
   "user" and "box". With no delimiter present (or empty delimiters),
   detail_r is "". Both from pool. */
void smtp_address_split_detail(pool_t pool, const struct smtp_address *address,
			       const char *delimiters,
			       struct smtp_address **base_r,
			       const char **detail_r);

#endif
