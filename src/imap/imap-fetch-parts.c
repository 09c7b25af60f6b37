/* Copyright (c) Cove authors. See AUTHORS. */

/* Part trees of messages for FETCH (RFC 3501 6.4.5 sections). */

#include "lib.h"
#include "istream.h"
#include "mail-storage.h"
#include "message-parser.h"
#include "imap-bodystructure.h"
#include "imap-fetch.h"
#include "imap-fetch-parts.h"

int imap_fetch_parts_get(struct mailbox *box, uint32_t seq, pool_t pool,
			 struct message_part **parts_r, const char **error_r)
{
	struct message_parser *parser;
	struct message_block block;
	struct istream *input;
	int ret;

	ret = mailbox_open_mail_stream(box, seq, &input, error_r);
	if (ret <= 0)
		return ret;
	parser = message_parser_init(pool, input);
	while (message_parser_parse_next_block(parser, &block) > 0)
		imap_bodystructure_parse_block(pool, &block);
	ret = message_parser_deinit(&parser, parts_r, error_r);
	i_stream_destroy(&input);
	return ret < 0 ? -1 : 1;
}

static void imap_fetch_range_header(const struct message_part *part,
				    struct imap_fetch_part_range *range_r)
{
	range_r->offset = part->physical_pos;
	range_r->physical_size = part->header_size.physical_size;
	range_r->virtual_size = part->header_size.virtual_size;
	range_r->header = true;
}

static void imap_fetch_range_body(const struct message_part *part,
				  struct imap_fetch_part_range *range_r)
{
	range_r->offset = part->physical_pos +
		part->header_size.physical_size;
	range_r->physical_size = part->body_size.physical_size;
	range_r->virtual_size = part->body_size.virtual_size;
	range_r->header = false;
}

bool imap_fetch_parts_range(struct message_part *parts,
			    const struct imap_fetch_body *body,
			    struct imap_fetch_part_range *range_r)
{
	struct message_part *part;

	part = message_part_find(parts, body->part);
	if (part == NULL)
		return false;
	switch (body->section) {
	case IMAP_FETCH_SECTION_ALL:
		imap_fetch_range_body(part, range_r);
		return true;
	case IMAP_FETCH_SECTION_MIME:
		imap_fetch_range_header(part, range_r);
		return true;
	default:
		break;
	}
	/* HEADER and TEXT of a part are those of its message/rfc822 */
	if ((part->flags & MESSAGE_PART_FLAG_MESSAGE_RFC822) == 0 ||
	    part->children == NULL)
		return false;
	if (body->section == IMAP_FETCH_SECTION_TEXT)
		imap_fetch_range_body(part->children, range_r);
	else
		imap_fetch_range_header(part->children, range_r);
	return true;
}
