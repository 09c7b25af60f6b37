/* Copyright (c) Cove authors. See AUTHORS. */

/* BODY / BODYSTRUCTURE from the MIME part tree (RFC 3501 7.4.2).
   Missing fields take the defaults of RFC 2045 5.2: text/plain with
   charset us-ascii and 7bit encoding (message/rfc822 inside a
   multipart/digest). */

#include "lib.h"
#include "str.h"
#include "message-content-type.h"
#include "message-parser.h"
#include "rfc822-parser.h"
#include "imap-envelope.h"
#include "imap-quote.h"
#include "imap-bodystructure.h"

#include <strings.h>

struct imap_bodystructure_part {
	const char *content_type;
	const char *content_id;
	const char *description;
	const char *encoding;
	const char *md5;
	const char *disposition;
	const char *language;
	const char *location;
	bool mime_version;
	/* for message-level parts */
	struct imap_envelope envelope;
};

/* For a part that got no block at all (it started at the end of the
   input): no header fields. */
static const struct imap_bodystructure_part imap_bodystructure_empty;

static const struct imap_bodystructure_part *
imap_bodystructure_get_data(const struct message_part *part)
{
	return part->context != NULL ? part->context :
		&imap_bodystructure_empty;
}

/* The data of a leaf part as BODYSTRUCTURE sees it: a message (or
   message/rfc822 part's message) with neither MIME-Version nor
   Content-Type is not MIME, and its other Content-* fields do not count
   (as in Dovecot). */
static const struct imap_bodystructure_part *
imap_bodystructure_get_mime_data(const struct message_part *part)
{
	const struct imap_bodystructure_part *data =
		imap_bodystructure_get_data(part);

	if (data->content_type != NULL || data->mime_version ||
	    (part->parent != NULL &&
	     (part->parent->flags & MESSAGE_PART_FLAG_MULTIPART) != 0))
		return data;
	return &imap_bodystructure_empty;
}

static struct imap_bodystructure_part *
imap_bodystructure_part_data(pool_t pool, struct message_part *part)
{
	if (part->context == NULL)
		part->context = p_new(pool, struct imap_bodystructure_part, 1);
	return part->context;
}

/* The fields kept, by their name. */
static const char **
imap_bodystructure_field(struct imap_bodystructure_part *data,
			 const char *name)
{
	if (strncasecmp(name, "Content-", 8) != 0)
		return NULL;
	name += 8;
	if (strcasecmp(name, "Type") == 0)
		return &data->content_type;
	if (strcasecmp(name, "ID") == 0)
		return &data->content_id;
	if (strcasecmp(name, "Description") == 0)
		return &data->description;
	if (strcasecmp(name, "Transfer-Encoding") == 0)
		return &data->encoding;
	if (strcasecmp(name, "MD5") == 0)
		return &data->md5;
	if (strcasecmp(name, "Disposition") == 0)
		return &data->disposition;
	if (strcasecmp(name, "Language") == 0)
		return &data->language;
	if (strcasecmp(name, "Location") == 0)
		return &data->location;
	return NULL;
}

void imap_bodystructure_parse_block(pool_t pool,
				    const struct message_block *block)
{
	struct imap_bodystructure_part *data;
	const char **field;

	/* every part gets data, even one with no header fields */
	data = imap_bodystructure_part_data(pool, block->part);
	if (block->hdr == NULL)
		return;
	if (strcasecmp(block->hdr->name, "MIME-Version") == 0)
		data->mime_version = true;
	field = imap_bodystructure_field(data, block->hdr->name);
	if (field != NULL && *field == NULL)
		*field = p_strdup(pool, block->hdr->value);
	if (block->part->parent == NULL ||
	    (block->part->parent->flags & MESSAGE_PART_FLAG_MESSAGE_RFC822) != 0)
		imap_envelope_add_header(&data->envelope, pool, block->hdr);
}

const struct imap_envelope *
imap_bodystructure_get_envelope(const struct message_part *part)
{
	return &imap_bodystructure_get_data(part)->envelope;
}

/* body-fld-param; a text part without a charset gets the default one
   (RFC 2045 5.2) after the others. */
static void imap_bodystructure_params(string_t *dest,
				      const struct message_content_type *ct,
				      bool text)
{
	unsigned int i;
	bool charset = false;

	for (i = 0; i < ct->params_count; i++) {
		str_append(dest, i == 0 ? "(" : " ");
		imap_append_string(dest, ct->params[i].name);
		str_append_c(dest, ' ');
		imap_append_string(dest, ct->params[i].value);
		if (strcasecmp(ct->params[i].name, "charset") == 0)
			charset = true;
	}
	if (text && !charset) {
		str_append(dest, i == 0 ? "(" : " ");
		str_append(dest, "\"charset\" \"us-ascii\"");
		i++;
	}
	str_append(dest, i == 0 ? "NIL" : ")");
}

/* body-fld-lang: the language tags of Content-Language (RFC 3282), a
   comma-separated list with comments allowed. */
static void imap_bodystructure_write_language(const char *value,
					      string_t *dest)
{
	struct rfc822_parser_context ctx;
	string_t *tag = t_str_new(32);
	unsigned int count = 0;

	if (value != NULL) {
		rfc822_parser_init(&ctx, (const unsigned char *)value,
				   strlen(value), NULL);
	}
	while (value != NULL && rfc822_skip_lwsp(&ctx) > 0) {
		str_truncate(tag, 0);
		if (rfc822_parse_mime_token(&ctx, tag) < 0) {
			/* junk: skip a character */
			ctx.data++;
			continue;
		}
		str_append(dest, count++ == 0 ? "(" : " ");
		imap_append_string(dest, str_c(tag));
	}
	str_append(dest, count == 0 ? "NIL" : ")");
}

/* body-fld-dsp body-fld-lang body-fld-loc */
static void
imap_bodystructure_write_ext(const struct imap_bodystructure_part *data,
			     string_t *dest)
{
	struct message_content_type ct;

	str_append_c(dest, ' ');
	if (data->disposition == NULL) {
		str_append(dest, "NIL");
	} else {
		message_content_disposition_parse(data->disposition, &ct);
		str_append_c(dest, '(');
		imap_append_string(dest, ct.type);
		str_append_c(dest, ' ');
		imap_bodystructure_params(dest, &ct, false);
		str_append_c(dest, ')');
	}
	str_append_c(dest, ' ');
	imap_bodystructure_write_language(data->language, dest);
	str_append_c(dest, ' ');
	imap_append_nstring(dest, data->location);
}

static void imap_bodystructure_write_multipart(const struct message_part *part,
					       string_t *dest, bool extended)
{
	const struct imap_bodystructure_part *data =
		imap_bodystructure_get_data(part);
	const struct message_part *child;
	struct message_content_type ct;

	if (part->children == NULL) {
		/* RFC 3501 wants at least one body */
		str_append(dest, "(\"text\" \"plain\" (\"charset\" \"us-ascii\") "
			   "NIL NIL \"7bit\" 0 0");
		str_append(dest, extended ? " NIL NIL NIL NIL)" : ")");
	}
	for (child = part->children; child != NULL; child = child->next) {
		str_append_c(dest, '(');
		imap_bodystructure_write(child, dest, extended);
		str_append_c(dest, ')');
	}
	message_content_type_parse(data->content_type, &ct);
	str_append_c(dest, ' ');
	imap_append_string(dest, ct.subtype);
	if (!extended)
		return;
	str_append_c(dest, ' ');
	imap_bodystructure_params(dest, &ct, false);
	imap_bodystructure_write_ext(data, dest);
}

/* body-type body-subtype body-fld-param */
static void
imap_bodystructure_write_type(const struct message_part *part,
			      const struct imap_bodystructure_part *data,
			      string_t *dest)
{
	struct message_content_type ct;

	if (data->content_type == NULL) {
		/* the default */
		if ((part->flags & MESSAGE_PART_FLAG_MESSAGE_RFC822) != 0) {
			str_append(dest, "\"message\" \"rfc822\" NIL");
			return;
		}
		str_append(dest, "\"text\" \"plain\" "
			   "(\"charset\" \"us-ascii\")");
		return;
	}
	/* a broken one is written as it was parsed ("" "" NIL at worst) */
	message_content_type_parse(data->content_type, &ct);
	imap_append_string(dest, ct.type);
	str_append_c(dest, ' ');
	imap_append_string(dest, ct.subtype);
	str_append_c(dest, ' ');
	imap_bodystructure_params(dest, &ct, strcasecmp(ct.type, "text") == 0);
}

static void imap_bodystructure_write_leaf(const struct message_part *part,
					  string_t *dest, bool extended)
{
	const struct imap_bodystructure_part *data =
		imap_bodystructure_get_mime_data(part);

	imap_bodystructure_write_type(part, data, dest);
	str_append_c(dest, ' ');
	imap_append_nstring(dest, data->content_id);
	str_append_c(dest, ' ');
	imap_append_nstring(dest, data->description);
	str_append_c(dest, ' ');
	imap_append_string(dest, data->encoding != NULL ?
			   data->encoding : "7bit");
	str_printfa(dest, " %llu",
		    (unsigned long long)part->body_size.virtual_size);
	if ((part->flags & MESSAGE_PART_FLAG_MESSAGE_RFC822) != 0 &&
	    part->children != NULL) {
		str_append_c(dest, ' ');
		imap_envelope_write(imap_bodystructure_get_envelope(
					part->children), dest);
		str_append(dest, " (");
		imap_bodystructure_write(part->children, dest, extended);
		str_printfa(dest, ") %u", part->body_size.lines);
	} else if ((part->flags & MESSAGE_PART_FLAG_TEXT) != 0) {
		str_printfa(dest, " %u", part->body_size.lines);
	}
	if (!extended)
		return;
	str_append_c(dest, ' ');
	imap_append_nstring(dest, data->md5);
	imap_bodystructure_write_ext(data, dest);
}

void imap_bodystructure_write(const struct message_part *part,
			      string_t *dest, bool extended)
{
	if ((part->flags & MESSAGE_PART_FLAG_MULTIPART) != 0)
		imap_bodystructure_write_multipart(part, dest, extended);
	else
		imap_bodystructure_write_leaf(part, dest, extended);
}
