/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef MESSAGE_ADDRESS_H
#define MESSAGE_ADDRESS_H

/* RFC 5322 3.4 address lists (From, To, Cc, ...) in the shape IMAP's
   ENVELOPE wants (RFC 3501 7.4.2): each address is name, route, mailbox
   and domain; a group is a start entry (mailbox = group name, domain
   NULL), its members, and an end entry (mailbox and domain NULL).

   Broken addresses never fail the parse: what cannot be parsed becomes an
   entry with invalid_syntax set, filled as Dovecot does so that clients
   see the same: a missing local part or domain is
   MESSAGE_ADDRESS_MISSING_MAILBOX / _DOMAIN (a bare word "undisclosed"
   gets the missing domain, a phrase without address becomes the name of
   an address missing both, as does an empty list element), a bad domain
   in angle brackets (or a missing ">") is "SYNTAX_ERROR", a bad route
   "INVALID_ROUTE"; junk after an address, a bad domain in angle
   brackets or an element that is no address at all ends the list.
   Quoted local parts are given unquoted. */

#define MESSAGE_ADDRESS_MISSING_MAILBOX "MISSING_MAILBOX"
#define MESSAGE_ADDRESS_MISSING_DOMAIN "MISSING_DOMAIN"

struct message_address {
	struct message_address *next;
	/* Display name (phrase, or the comment after an addr-spec); NULL if
	   none. */
	const char *name;
	/* Obsolete source route "@a,@b", or NULL. */
	const char *route;
	const char *mailbox;
	const char *domain;
	bool invalid_syntax;
};

/* Parses at most max_addresses addresses (the rest is ignored) of data
   into a list allocated from pool. Returns NULL for an empty list. */
struct message_address *
message_address_parse(pool_t pool, const unsigned char *data, size_t size,
		      unsigned int max_addresses);

#endif
