/* Copyright (c) Cove authors. See AUTHORS. */

/* Content-Type / Content-Disposition parsing with RFC 2231 parameter
   continuations. */

#include "lib.h"
#include "hex-binary.h"
#include "array.h"
#include "str.h"
#include "charset-utf8.h"
#include "rfc822-parser.h"
#include "message-content-type.h"

#include <ctype.h>
#include <strings.h>

/* Parameters after this many are ignored (joining continuations costs
   the square of their number). */
#define MESSAGE_CONTENT_MAX_PARAMS 128

/* A parameter as written, with its RFC 2231 section split off. */
struct message_content_raw_param {
	const char *name;
	const char *value;
	/* name*N: N, or -1 for none */
	int section;
	/* name*, name*N*: the value is charset'lang'%XX encoded */
	bool extended;
	/* the name as written */
	const char *written;
};
ARRAY_DEFINE_TYPE(message_content_raw_param,
		  struct message_content_raw_param);

/* Reads a parameter value: a quoted string or a token ("" if it is
   neither), and skips anything after it up to the next ';'. */
static void message_content_value(struct rfc822_parser_context *ctx,
				  string_t *value)
{
	if (*ctx->data == '"')
		(void)rfc822_parse_quoted_string(ctx, value);
	else
		(void)rfc822_parse_mime_token(ctx, value);
	while (ctx->data < ctx->end && *ctx->data != ';')
		ctx->data++;
}

/* Splits "name*2*" into the base name, section 2 and extended. */
static void message_content_raw_name(struct message_content_raw_param *p,
				     const char *name)
{
	size_t len = strlen(name);
	const char *star;
	unsigned int n;

	p->written = name;
	p->section = -1;
	if (len > 1 && name[len - 1] == '*') {
		p->extended = true;
		name = t_strndup(name, len - 1);
	}
	star = strchr(name, '*');
	if (star != NULL && str_to_uint(star + 1, &n) == 0 && n < 1000) {
		p->section = n;
		name = t_strndup(name, star - name);
	}
	p->name = name;
}

/* Reads "; name=value" parameters until the end, or until one is
   broken (no "=" after the name): the rest is ignored then, as in
   Dovecot. */
static void
message_content_parse_params(struct rfc822_parser_context *ctx,
			     ARRAY_TYPE(message_content_raw_param) *raw)
{
	struct message_content_raw_param *p;
	string_t *name = t_str_new(32), *value = t_str_new(128);

	while (rfc822_skip_lwsp(ctx) > 0 && *ctx->data == ';' &&
	       array_count(raw) < MESSAGE_CONTENT_MAX_PARAMS) {
		ctx->data++;
		str_truncate(name, 0);
		str_truncate(value, 0);
		if (rfc822_skip_lwsp(ctx) == 0)
			return;
		if (*ctx->data != '=' &&
		    rfc822_parse_mime_token(ctx, name) <= 0)
			return;
		if (*ctx->data != '=')
			return;
		ctx->data++;
		if (rfc822_skip_lwsp(ctx) > 0)
			message_content_value(ctx, value);
		p = array_append_space(raw);
		message_content_raw_name(p, t_strdup(str_c(name)));
		p->value = t_strdup(str_c(value));
	}
}

/* Appends an unencoded continuation piece to an extended value. */
static void message_content_append_encoded(string_t *dest, const char *src)
{
	for (; *src != '\0'; src++) {
		unsigned char c = *src;

		if (c <= 0x20 || c >= 0x7f || strchr("*'%()<>@,;:\\\"/[]?=",
						     c) != NULL)
			str_printfa(dest, "%%%02X", c);
		else
			str_append_c(dest, c);
	}
}

/* The sections of name in raw, by section number, if they are exactly
   0, 1, 2... and name has no other '*' form; else NULL. */
static const struct message_content_raw_param **
message_content_sections(const ARRAY_TYPE(message_content_raw_param) *raw,
			 const char *name, unsigned int *count_r)
{
	const struct message_content_raw_param **sections;
	unsigned int count = 0;

	sections = t_new(const struct message_content_raw_param *,
			 array_count(raw));
	array_foreach(raw, p) {
		if (strcasecmp(p->name, name) != 0 ||
		    strchr(p->written, '*') == NULL)
			continue;
		if (p->section < 0 || (unsigned int)p->section >=
		    array_count(raw) || sections[p->section] != NULL)
			return NULL;
		sections[p->section] = p;
		count++;
	}
	for (unsigned int i = 0; i < count; i++) {
		if (sections[i] == NULL)
			return NULL;
	}
	*count_r = count;
	return sections;
}

static bool
message_content_joinable(const ARRAY_TYPE(message_content_raw_param) *raw,
			 const char *name)
{
	unsigned int count;

	return message_content_sections(raw, name, &count) != NULL;
}

/* Joins the sections 0, 1, 2... of name into one parameter (RFC 2231
   3); they must be joinable. */
static void
message_content_join(const ARRAY_TYPE(message_content_raw_param) *raw,
		     const char *name, struct message_content_param *param_r)
{
	const struct message_content_raw_param **sections;
	string_t *value = t_str_new(128);
	unsigned int i, count;
	bool extended = false;

	sections = message_content_sections(raw, name, &count);
	i_assert(sections != NULL);
	for (i = 0; i < count; i++)
		extended = extended || sections[i]->extended;
	if (extended && !sections[0]->extended)
		str_append(value, "''");
	for (i = 0; i < count; i++) {
		if (extended && !sections[i]->extended && i > 0)
			message_content_append_encoded(value,
						       sections[i]->value);
		else
			str_append(value, sections[i]->value);
	}
	param_r->name = extended ? t_strconcat(name, "*", NULL) : name;
	param_r->value = str_c(value);
}

/* Whether a '*' parameter of the same name came before raw[idx]. */
static bool
message_content_seen(const ARRAY_TYPE(message_content_raw_param) *raw,
		     unsigned int idx)
{
	const struct message_content_raw_param *p = array_idx(raw, idx);
	unsigned int i;

	for (i = 0; i < idx; i++) {
		const struct message_content_raw_param *q = array_idx(raw, i);

		if (strchr(q->written, '*') != NULL &&
		    strcasecmp(q->name, p->name) == 0)
			return true;
	}
	return false;
}

/* The parameters: the plain ones first, then the '*' ones with
   continuations joined where they can be (as Dovecot orders them). */
static void
message_content_merge(const ARRAY_TYPE(message_content_raw_param) *raw,
		      struct message_content_type *ct)
{
	struct message_content_param *params;
	const struct message_content_raw_param *p;
	unsigned int i, count = array_count(raw);

	params = t_new(struct message_content_param, count + 1);
	ct->params = params;
	array_foreach(raw, q) {
		if (strchr(q->written, '*') == NULL) {
			params->name = q->written;
			params++->value = q->value;
		}
	}
	for (i = 0; i < count; i++) {
		p = array_idx(raw, i);
		if (strchr(p->written, '*') == NULL)
			continue;
		if (p->section >= 0 && message_content_joinable(raw, p->name)) {
			if (message_content_seen(raw, i))
				continue;
			message_content_join(raw, p->name, params);
		} else {
			params->name = p->written;
			params->value = p->value;
		}
		params++;
	}
	ct->params_count = params - ct->params;
}

/* "/" subtype after the type. Returns -1 if it is not there. */
static int message_content_subtype(struct rfc822_parser_context *ctx,
				   string_t *subtype)
{
	if (*ctx->data != '/')
		return -1;
	ctx->data++;
	if (rfc822_skip_lwsp(ctx) == 0)
		return -1;
	return rfc822_parse_mime_token(ctx, subtype);
}

static void message_content_parse(const char *value, bool want_subtype,
				  struct message_content_type *ct_r)
{
	struct rfc822_parser_context ctx;
	ARRAY_TYPE(message_content_raw_param) raw;
	string_t *type = t_str_new(32), *subtype = t_str_new(32);
	int ret;

	i_zero(ct_r);
	ct_r->type = ct_r->subtype = "";
	ct_r->params = t_new(struct message_content_param, 1);
	t_array_init(&raw, 8);
	rfc822_parser_init(&ctx, (const unsigned char *)value, strlen(value),
			   NULL);
	ret = rfc822_skip_lwsp(&ctx) == 0 ? -1 :
		rfc822_parse_mime_token(&ctx, type);
	if (ret > 0 && want_subtype) {
		/* a type alone is valid only as the whole value */
		ret = message_content_subtype(&ctx, subtype);
	}
	if (ret < 0) {
		/* no type, "type/" without subtype, or "type;...":
		   invalid (as in Dovecot) */
		return;
	}
	ct_r->type = str_c(type);
	ct_r->subtype = str_c(subtype);
	message_content_parse_params(&ctx, &raw);
	message_content_merge(&raw, ct_r);
}

void message_content_type_parse(const char *value,
				struct message_content_type *ct_r)
{
	message_content_parse(value, true, ct_r);
}

void message_content_disposition_parse(const char *value,
				       struct message_content_type *ct_r)
{
	message_content_parse(value, false, ct_r);
}

const char *message_content_type_param(const struct message_content_type *ct,
				       const char *name)
{
	const char *ext_name = t_strconcat(name, "*", NULL);
	unsigned int i;

	for (i = 0; i < ct->params_count; i++) {
		if (strcasecmp(ct->params[i].name, name) == 0)
			return ct->params[i].value;
	}
	for (i = 0; i < ct->params_count; i++) {
		if (strcasecmp(ct->params[i].name, ext_name) == 0)
			return message_content_param_decode(ct->params[i].value);
	}
	return NULL;
}

const char *message_content_param_decode(const char *value)
{
	const char *q1, *q2, *p;
	buffer_t *raw = buffer_create_dynamic(datastack_pool, strlen(value));
	string_t *dest = t_str_new(strlen(value) + 16);
	int hi, lo;

	q1 = strchr(value, '\'');
	q2 = q1 == NULL ? NULL : strchr(q1 + 1, '\'');
	if (q2 == NULL)
		return value;
	for (p = q2 + 1; *p != '\0'; p++) {
		if (*p == '%' && (hi = hex_digit_value(p[1])) >= 0 &&
		    (lo = hex_digit_value(p[2])) >= 0) {
			buffer_append_c(raw, hi * 16 + lo);
			p += 2;
		} else {
			buffer_append_c(raw, *p);
		}
	}
	charset_to_utf8_str(t_strndup(value, q1 - value), raw->data,
			    raw->used, dest);
	return str_c(dest);
}
