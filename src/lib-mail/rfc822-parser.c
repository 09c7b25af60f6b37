/* Copyright (c) Cove authors. See AUTHORS. */

/* Tokens of structured header fields. */

#include "lib.h"
#include "str.h"
#include "rfc822-parser.h"

/* atext of RFC 5322 3.2.3; 8-bit bytes are accepted as atext (UTF-8 in
   headers, RFC 6532). */
static bool rfc822_is_atext(unsigned char c)
{
	if (c >= 0x80)
		return true;
	if (c <= 0x20 || c == 0x7f)
		return false;
	return strchr("()<>[]:;@\\,.\"", c) == NULL;
}

static bool rfc822_is_mime_token_char(unsigned char c)
{
	if (c >= 0x80)
		return true;
	if (c <= 0x20 || c == 0x7f)
		return false;
	return strchr("()<>@,;:\\\"/[]?=", c) == NULL;
}

void rfc822_parser_init(struct rfc822_parser_context *ctx,
			const unsigned char *data, size_t size,
			string_t *last_comment)
{
	i_zero(ctx);
	ctx->data = data;
	ctx->end = data + size;
	ctx->last_comment = last_comment;
}

static void rfc822_skip_comment(struct rfc822_parser_context *ctx)
{
	unsigned int level = 1;

	if (ctx->last_comment != NULL)
		str_truncate(ctx->last_comment, 0);
	for (ctx->data++; ctx->data < ctx->end; ctx->data++) {
		unsigned char c = *ctx->data;

		if (c == '\\' && ctx->data + 1 < ctx->end) {
			c = *++ctx->data;
		} else if (c == '(') {
			level++;
		} else if (c == ')') {
			if (--level == 0) {
				ctx->data++;
				return;
			}
		} else if (c == '\r' || c == '\n') {
			continue;
		}
		if (ctx->last_comment != NULL)
			str_append_c(ctx->last_comment, c);
	}
}

int rfc822_skip_lwsp(struct rfc822_parser_context *ctx)
{
	while (ctx->data < ctx->end) {
		unsigned char c = *ctx->data;

		if (c == '(')
			rfc822_skip_comment(ctx);
		else if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
			ctx->data++;
		else
			return 1;
	}
	return 0;
}

static int rfc822_parse_chars(struct rfc822_parser_context *ctx,
			      string_t *str, bool (*is_char)(unsigned char))
{
	const unsigned char *start = ctx->data;

	while (ctx->data < ctx->end && is_char(*ctx->data))
		ctx->data++;
	if (ctx->data == start)
		return -1;
	str_append_data(str, start, ctx->data - start);
	return rfc822_skip_lwsp(ctx);
}

int rfc822_parse_atom(struct rfc822_parser_context *ctx, string_t *str)
{
	return rfc822_parse_chars(ctx, str, rfc822_is_atext);
}

int rfc822_parse_mime_token(struct rfc822_parser_context *ctx,
			    string_t *str)
{
	return rfc822_parse_chars(ctx, str, rfc822_is_mime_token_char);
}

int rfc822_parse_dot_atom(struct rfc822_parser_context *ctx, string_t *str)
{
	int ret;

	ret = rfc822_parse_atom(ctx, str);
	while (ret > 0 && *ctx->data == '.') {
		str_append_c(str, '.');
		ctx->data++;
		if (rfc822_skip_lwsp(ctx) == 0)
			return 0;
		ret = rfc822_parse_atom(ctx, str);
		if (ret < 0)
			return 1;
	}
	return ret;
}

int rfc822_parse_quoted_string(struct rfc822_parser_context *ctx,
			       string_t *str)
{
	if (ctx->data >= ctx->end || *ctx->data != '"')
		return -1;
	for (ctx->data++; ctx->data < ctx->end; ctx->data++) {
		unsigned char c = *ctx->data;

		if (c == '"') {
			ctx->data++;
			return rfc822_skip_lwsp(ctx);
		}
		if (c == '\\' && ctx->data + 1 < ctx->end)
			c = *++ctx->data;
		else if (c == '\r' || c == '\n')
			continue;
		str_append_c(str, c);
	}
	return 0;
}

int rfc822_parse_phrase(struct rfc822_parser_context *ctx, string_t *str)
{
	size_t start = str_len(str);
	int ret = ctx->data < ctx->end ? 1 : -1;

	while (ret > 0) {
		if (str_len(str) > start && *ctx->data != '.')
			str_append_c(str, ' ');
		if (*ctx->data == '"') {
			ret = rfc822_parse_quoted_string(ctx, str);
		} else if (*ctx->data == '.') {
			str_append_c(str, '.');
			ctx->data++;
			ret = rfc822_skip_lwsp(ctx);
		} else {
			ret = rfc822_parse_atom(ctx, str);
			if (ret < 0) {
				if (str_len(str) > start &&
				    str_data(str)[str_len(str) - 1] == ' ')
					str_truncate(str, str_len(str) - 1);
				return str_len(str) > start ? 1 : -1;
			}
		}
	}
	return ret;
}

int rfc822_parse_domain(struct rfc822_parser_context *ctx, string_t *str)
{
	if (ctx->data >= ctx->end || *ctx->data != '[')
		return rfc822_parse_dot_atom(ctx, str);
	for (; ctx->data < ctx->end; ctx->data++) {
		unsigned char c = *ctx->data;

		if (c == '\\' && ctx->data + 1 < ctx->end)
			c = *++ctx->data;
		else if (c == '\r' || c == '\n')
			continue;
		str_append_c(str, c);
		if (c == ']') {
			ctx->data++;
			return rfc822_skip_lwsp(ctx);
		}
	}
	return 0;
}
