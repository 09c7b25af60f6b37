/* Copyright (c) Cove authors. See AUTHORS. */

/* Address-list parsing (RFC 5322 3.4, with the obsolete forms of 4.4
   that real mail still has: routes, phrases with dots, empty list
   elements, local parts with empty atoms). How broken addresses come
   out follows what Dovecot 2.3 gives clients, so that they see the same
   ENVELOPE from both servers. */

#include "lib.h"
#include "str.h"
#include "rfc822-parser.h"
#include "message-address.h"

enum message_addr_spec_result {
	/* no local part at all */
	MESSAGE_ADDR_SPEC_NONE,
	/* a local part without "@" */
	MESSAGE_ADDR_SPEC_NO_DOMAIN,
	/* "@" without a valid domain */
	MESSAGE_ADDR_SPEC_BAD_DOMAIN,
	MESSAGE_ADDR_SPEC_OK,
};

struct message_address_ctx {
	pool_t pool;
	struct rfc822_parser_context parser;
	struct message_address *first, *last;
	unsigned int count, max;
	string_t *comment;
	/* A syntax error that ends the list was found (the addresses
	   after it are dropped, as Dovecot does) */
	bool stop;
};

static struct message_address *
message_address_add(struct message_address_ctx *ctx)
{
	struct message_address *addr;

	addr = p_new(ctx->pool, struct message_address, 1);
	if (ctx->first == NULL)
		ctx->first = addr;
	else
		ctx->last->next = addr;
	ctx->last = addr;
	ctx->count++;
	return addr;
}

static void message_address_set_missing(struct message_address *addr)
{
	addr->mailbox = MESSAGE_ADDRESS_MISSING_MAILBOX;
	addr->domain = MESSAGE_ADDRESS_MISSING_DOMAIN;
	addr->invalid_syntax = true;
}

static bool message_address_at(struct message_address_ctx *ctx, char c)
{
	return ctx->parser.data < ctx->parser.end && *ctx->parser.data == c;
}

/* The end of a list element: end of input, ',' or (in a group) ';'. */
static bool message_address_at_end(struct message_address_ctx *ctx,
				   bool in_group)
{
	return ctx->parser.data >= ctx->parser.end ||
		message_address_at(ctx, ',') ||
		(in_group && message_address_at(ctx, ';'));
}

/* local-part: words joined by dots, empty words allowed (obs-local-part
   as mail has it: "a..b"); quoted strings are unquoted. *quoted_r tells
   whether a quoted string was in it. */
static void message_address_local_part(struct message_address_ctx *ctx,
				       string_t *str, bool *quoted_r)
{
	int ret = 1;

	*quoted_r = false;
	while (ret > 0) {
		if (message_address_at(ctx, '"')) {
			*quoted_r = true;
			ret = rfc822_parse_quoted_string(&ctx->parser, str);
		} else if (!message_address_at(ctx, '.')) {
			ret = rfc822_parse_atom(&ctx->parser, str);
		}
		if (ret < 0 || !message_address_at(ctx, '.'))
			break;
		str_append_c(str, '.');
		ctx->parser.data++;
		ret = rfc822_skip_lwsp(&ctx->parser);
	}
}

/* A domain: a dot-atom without empty atoms, or a domain literal. */
static bool message_address_domain(struct message_address_ctx *ctx,
				   string_t *str)
{
	const char *domain;
	size_t len;

	if (rfc822_skip_lwsp(&ctx->parser) == 0 ||
	    rfc822_parse_domain(&ctx->parser, str) < 0)
		return false;
	domain = str_c(str);
	len = str_len(str);
	return len > 0 && domain[0] != '.' && domain[len - 1] != '.' &&
		strstr(domain, "..") == NULL;
}

/* local-part ["@" domain] into addr->mailbox and domain. */
static enum message_addr_spec_result
message_address_addr_spec(struct message_address_ctx *ctx,
			  struct message_address *addr, bool *quoted_r)
{
	string_t *str = t_str_new(64);

	message_address_local_part(ctx, str, quoted_r);
	if (str_len(str) == 0 && !*quoted_r)
		return MESSAGE_ADDR_SPEC_NONE;
	addr->mailbox = p_strdup(ctx->pool, str_c(str));
	addr->domain = MESSAGE_ADDRESS_MISSING_DOMAIN;
	if (!message_address_at(ctx, '@'))
		return MESSAGE_ADDR_SPEC_NO_DOMAIN;
	ctx->parser.data++;
	str_truncate(str, 0);
	if (!message_address_domain(ctx, str)) {
		addr->invalid_syntax = true;
		return MESSAGE_ADDR_SPEC_BAD_DOMAIN;
	}
	addr->domain = p_strdup(ctx->pool, str_c(str));
	return MESSAGE_ADDR_SPEC_OK;
}

/* The obsolete source route "@a,@b:" of an angle address. Returns false
   if it is broken. */
static bool message_address_route(struct message_address_ctx *ctx,
				  struct message_address *addr)
{
	string_t *route = t_str_new(32);

	while (message_address_at(ctx, '@') || message_address_at(ctx, ',')) {
		if (*ctx->parser.data == ',') {
			ctx->parser.data++;
			(void)rfc822_skip_lwsp(&ctx->parser);
			continue;
		}
		if (str_len(route) > 0)
			str_append_c(route, ',');
		str_append_c(route, '@');
		ctx->parser.data++;
		if (!message_address_domain(ctx, route))
			return false;
	}
	if (!message_address_at(ctx, ':'))
		return false;
	ctx->parser.data++;
	(void)rfc822_skip_lwsp(&ctx->parser);
	addr->route = p_strdup(ctx->pool, str_c(route));
	return true;
}

/* The addr-spec of an angle address, up to the ">". */
static void message_address_angle_spec(struct message_address_ctx *ctx,
				       struct message_address *addr)
{
	enum message_addr_spec_result ret;
	bool quoted;

	ret = message_address_addr_spec(ctx, addr, &quoted);
	if (ret == MESSAGE_ADDR_SPEC_NONE) {
		/* also "<>", the null address */
		message_address_set_missing(addr);
	} else if (ret == MESSAGE_ADDR_SPEC_BAD_DOMAIN ||
		   !message_address_at(ctx, '>')) {
		addr->domain = "SYNTAX_ERROR";
		addr->invalid_syntax = true;
		ctx->stop = ctx->stop || ret == MESSAGE_ADDR_SPEC_BAD_DOMAIN;
	}
}

/* "<" [route ":"] addr-spec ">" after a display name. */
static void message_address_angle(struct message_address_ctx *ctx,
				  struct message_address *addr)
{
	ctx->parser.data++;
	(void)rfc822_skip_lwsp(&ctx->parser);
	if (message_address_at(ctx, '@') &&
	    !message_address_route(ctx, addr)) {
		message_address_set_missing(addr);
		addr->route = "INVALID_ROUTE";
		while (ctx->parser.data < ctx->parser.end &&
		       *ctx->parser.data != '>' && *ctx->parser.data != ',')
			ctx->parser.data++;
	} else {
		message_address_angle_spec(ctx, addr);
	}
	if (message_address_at(ctx, '>')) {
		ctx->parser.data++;
		(void)rfc822_skip_lwsp(&ctx->parser);
	}
}

/* An addr-spec without angle brackets, read again from start. */
static void message_address_bare(struct message_address_ctx *ctx,
				 struct message_address *addr,
				 const unsigned char *start,
				 const char *phrase)
{
	const unsigned char *after_phrase = ctx->parser.data;
	enum message_addr_spec_result ret;
	bool quoted;

	ctx->parser.data = start;
	str_truncate(ctx->comment, 0);
	ret = message_address_addr_spec(ctx, addr, &quoted);
	if (ret == MESSAGE_ADDR_SPEC_NONE ||
	    (ret == MESSAGE_ADDR_SPEC_NO_DOMAIN &&
	     (quoted || (phrase != NULL && strchr(phrase, ' ') != NULL)))) {
		/* not an address but a phrase (or nothing, which ends
		   the list) */
		addr->name = phrase;
		message_address_set_missing(addr);
		ctx->stop = phrase == NULL;
		ctx->parser.data = after_phrase;
		return;
	}
	if (str_len(ctx->comment) > 0)
		addr->name = p_strdup(ctx->pool, str_c(ctx->comment));
}

/* One mailbox: name-addr or addr-spec, up to the end of the element. */
static void message_address_mailbox(struct message_address_ctx *ctx,
				    const unsigned char *start,
				    const char *phrase, bool in_group)
{
	struct message_address *addr = message_address_add(ctx);

	if (message_address_at(ctx, '<')) {
		addr->name = phrase;
		message_address_angle(ctx, addr);
	} else {
		message_address_bare(ctx, addr, start, phrase);
	}
	if (!message_address_at_end(ctx, in_group)) {
		/* junk after the address ends the list */
		addr->invalid_syntax = true;
		ctx->stop = true;
	}
}

/* A phrase, or NULL if there is none (then nothing is consumed). */
static const char *message_address_phrase(struct message_address_ctx *ctx)
{
	string_t *str = t_str_new(64);

	if (rfc822_parse_phrase(&ctx->parser, str) < 0)
		return NULL;
	return p_strdup(ctx->pool, str_c(str));
}

static void message_address_list(struct message_address_ctx *ctx,
				 bool in_group);

static void message_address_group(struct message_address_ctx *ctx,
				  const char *name)
{
	message_address_add(ctx)->mailbox = name;
	ctx->parser.data++;
	message_address_list(ctx, true);
	if (message_address_at(ctx, ';'))
		ctx->parser.data++;
	message_address_add(ctx);
}

/* One element of the list: a group (not within a group) or a mailbox. */
static void message_address_element(struct message_address_ctx *ctx,
				    bool in_group)
{
	const unsigned char *start = ctx->parser.data;
	const char *phrase;

	phrase = message_address_phrase(ctx);
	if (!in_group && message_address_at(ctx, ':'))
		message_address_group(ctx, phrase == NULL ? "" : phrase);
	else
		message_address_mailbox(ctx, start, phrase, in_group);
}

/* The elements of an address list, or of a group up to its ';'. */
static void message_address_list(struct message_address_ctx *ctx,
				 bool in_group)
{
	bool separator = false;

	while (!ctx->stop && rfc822_skip_lwsp(&ctx->parser) > 0 &&
	       ctx->count < ctx->max) {
		if (message_address_at(ctx, ',')) {
			/* an empty element is a missing address, but not
			   the one after a trailing comma */
			if (!separator)
				message_address_set_missing(
					message_address_add(ctx));
			separator = false;
			ctx->parser.data++;
			continue;
		}
		if (message_address_at(ctx, ';')) {
			if (in_group)
				return;
			ctx->parser.data++;
			continue;
		}
		message_address_element(ctx, in_group);
		separator = true;
	}
}

struct message_address *
message_address_parse(pool_t pool, const unsigned char *data, size_t size,
		      unsigned int max_addresses)
{
	struct message_address_ctx ctx = {
		.pool = pool,
		.max = max_addresses,
		.comment = t_str_new(64),
	};

	rfc822_parser_init(&ctx.parser, data, size, ctx.comment);
	message_address_list(&ctx, false);
	return ctx.first;
}
