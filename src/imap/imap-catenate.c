/* Copyright (c) Cove authors. See AUTHORS. */

/* CATENATE (RFC 4469). A URL is the relative IMAP URL form of RFC 5092
   (RFC 4469 5): "/" mailbox [";UIDVALIDITY=" n] "/;UID=" n
   ["/;SECTION=" section] ["/;PARTIAL=" offset ["." length]], naming a
   message of this user on this server; anything else is a BADURL. The
   message a URL names is read whole (it is bounded by the append size
   limit that bounded its APPEND or delivery). */

#include "lib.h"
#include "str.h"
#include "istream.h"
#include "mail-storage.h"
#include "message-parser.h"
#include "imap-parser.h"
#include "imap-utf7.h"
#include "imap-client.h"
#include "imap-cmd-mailbox.h"
#include "imap-fetch.h"
#include "imap-fetch-header.h"
#include "imap-fetch-parts.h"
#include "imap-catenate.h"

#include <ctype.h>
#include <stdio.h>
#include <strings.h>

struct imap_catenate_url {
	const char *vname;
	uint32_t uidvalidity;
	uint32_t uid;
	/* "" for the whole message */
	const char *section;
	bool partial;
	uoff_t offset, length;
};

/* Decodes %XX escapes (RFC 3986). Returns NULL if one is invalid. */
static const char *imap_catenate_unescape(const char *str)
{
	string_t *dest = t_str_new(strlen(str));
	unsigned int value;

	for (; *str != '\0'; str++) {
		if (*str != '%') {
			str_append_c(dest, *str);
			continue;
		}
		if (!isxdigit((unsigned char)str[1]) ||
		    !isxdigit((unsigned char)str[2]))
			return NULL;
		if (sscanf(str + 1, "%2x", &value) != 1 || value == 0)
			return NULL;
		str_append_c(dest, (char)value);
		str += 2;
	}
	return str_c(dest);
}

static bool imap_catenate_parse_u32(const char *str, uint32_t *num_r)
{
	uint64_t num;

	if (str_parse_uint64(str, &num, &str) < 0 || *str != '\0' ||
	    num == 0 || num > UINT32_MAX)
		return false;
	*num_r = num;
	return true;
}

static bool imap_catenate_parse_partial(const char *str,
					struct imap_catenate_url *url)
{
	uint64_t offset, length = (uint64_t)-1;

	if (str_parse_uint64(str, &offset, &str) < 0)
		return false;
	if (*str == '.' &&
	    (str_parse_uint64(str + 1, &length, &str) < 0 || length == 0))
		return false;
	url->partial = true;
	url->offset = offset;
	url->length = length;
	return *str == '\0';
}

/* Parses the ";KEY=value" segments after the mailbox. */
static bool imap_catenate_parse_segments(const char *const *segs,
					 struct imap_catenate_url *url)
{
	for (; *segs != NULL; segs++) {
		const char *seg = *segs;

		if (strncasecmp(seg, ";UID=", 5) == 0 && url->uid == 0) {
			if (!imap_catenate_parse_u32(seg + 5, &url->uid))
				return false;
		} else if (strncasecmp(seg, ";SECTION=", 9) == 0 &&
			   url->uid != 0 && url->section[0] == '\0' &&
			   !url->partial) {
			url->section = imap_catenate_unescape(seg + 9);
			if (url->section == NULL || url->section[0] == '\0')
				return false;
		} else if (strncasecmp(seg, ";PARTIAL=", 9) == 0 &&
			   url->uid != 0 && !url->partial) {
			if (!imap_catenate_parse_partial(seg + 9, url))
				return false;
		} else {
			return false;
		}
	}
	return url->uid != 0;
}

static bool imap_catenate_parse_url(const char *str,
				    struct imap_catenate_url *url)
{
	const char *const *segs, *mailbox, *p;
	string_t *vname = t_str_new(64);

	i_zero(url);
	url->section = "";
	if (str[0] != '/' || str[1] == '/')
		return false;
	segs = t_strsplit(str + 1, "/");
	p = strchr(segs[0], ';');
	mailbox = p == NULL ? segs[0] : t_strndup(segs[0], p - segs[0]);
	if (p != NULL) {
		if (strncasecmp(p, ";UIDVALIDITY=", 13) != 0 ||
		    !imap_catenate_parse_u32(p + 13, &url->uidvalidity))
			return false;
	}
	mailbox = imap_catenate_unescape(mailbox);
	if (mailbox == NULL || mailbox[0] == '\0' ||
	    imap_utf7_to_utf8(mailbox, vname) < 0)
		return false;
	url->vname = str_c(vname);
	return imap_catenate_parse_segments(segs + 1, url);
}

/* Reads all of a blocking input into dest. */
static int imap_catenate_read_all(struct istream *input, buffer_t *dest,
				  const char **error_r)
{
	const unsigned char *data;
	size_t size;

	while (i_stream_read_bytes(input, &data, &size, 1) > 0) {
		buffer_append(dest, data, size);
		i_stream_skip(input, size);
	}
	if (input->stream_errno != 0) {
		*error_r = i_stream_get_error(input);
		return -1;
	}
	return 0;
}

/* Appends the section of msg (stored form) to dest in CRLF form.
   Returns false if section is invalid. */
static bool imap_catenate_section(const buffer_t *msg, const char *section,
				  string_t *dest)
{
	struct imap_fetch_body body;
	struct imap_fetch_part_range range;
	struct message_part *parts;
	struct istream *input;
	const unsigned char *data;
	const char *error;

	i_zero(&body);
	if (imap_fetch_parse_section(section, datastack_pool,
				     &body) < 0)
		return false;
	if (body.part == NULL && body.section == IMAP_FETCH_SECTION_ALL) {
		imap_fetch_header_append_crlf(dest, msg->data, msg->used);
		return true;
	}
	input = i_stream_create_from_data(msg->data, msg->used);
	/* reading memory cannot fail */
	if (message_parse_parts(datastack_pool, input, &parts, &error) < 0)
		i_unreached();
	i_stream_destroy(&input);
	if (body.part != NULL) {
		/* no such part: empty, as in FETCH */
		if (!imap_fetch_parts_range(parts, &body, &range))
			return true;
	} else if (body.section == IMAP_FETCH_SECTION_TEXT) {
		range.offset = parts->header_size.physical_size;
		range.physical_size = parts->body_size.physical_size;
	} else {
		range.offset = 0;
		range.physical_size = parts->header_size.physical_size;
	}
	data = (const unsigned char *)msg->data + range.offset;
	if (body.section == IMAP_FETCH_SECTION_HEADER_FIELDS ||
	    body.section == IMAP_FETCH_SECTION_HEADER_FIELDS_NOT) {
		imap_fetch_header_filter(data, range.physical_size,
			body.fields,
			body.section == IMAP_FETCH_SECTION_HEADER_FIELDS_NOT,
			dest);
	} else {
		imap_fetch_header_append_crlf(dest, data, range.physical_size);
	}
	return true;
}

/* Opens the URL's mailbox: the selected one, or another read-only. */
static struct mailbox *imap_catenate_open(struct client *client,
					  const char *vname)
{
	struct mailbox *box;
	const char *error;

	if (imap_mailbox_is_selected(client, vname))
		return client->mailbox;
	if (mailbox_open(client->worker.user, vname, MAILBOX_FLAG_READONLY,
			 &box, &error) <= 0)
		return NULL;
	return box;
}

/* Appends the data the URL names to dest. Returns false if it names
   nothing. */
static bool imap_catenate_url(struct client *client,
			      const struct imap_catenate_url *url,
			      string_t *dest)
{
	struct mailbox_status status;
	struct mailbox *box;
	struct istream *input;
	buffer_t *msg;
	string_t *data;
	const char *error;
	uint32_t seq, seq2;
	uoff_t offset, size;
	bool ret = false;

	box = imap_catenate_open(client, url->vname);
	if (box == NULL)
		return false;
	mailbox_get_status(box, &status);
	msg = t_str_new(4096);
	if ((url->uidvalidity == 0 || url->uidvalidity == status.uidvalidity) &&
	    mailbox_get_seq_range(box, url->uid, url->uid, &seq, &seq2) &&
	    mailbox_open_mail_stream(box, seq, &input, &error) > 0) {
		ret = imap_catenate_read_all(input, msg, &error) == 0;
		i_stream_destroy(&input);
	}
	if (box != client->mailbox)
		mailbox_close(&box);
	data = t_str_new(msg->used + 256);
	if (!ret || !imap_catenate_section(msg, url->section, data))
		return false;
	offset = url->partial ? I_MIN(url->offset, str_len(data)) : 0;
	size = str_len(data) - offset;
	if (url->partial)
		size = I_MIN(size, url->length);
	str_append_data(dest, str_data(data) + offset, size);
	return true;
}

int imap_catenate_build(struct client *client, const struct imap_arg *list,
			uoff_t max_size, string_t *dest,
			const char **error_r)
{
	struct imap_catenate_url url;
	const char *type, *value;
	bool ok;

	if (imap_arg_is_eol(list)) {
		*error_r = "Empty CATENATE list.";
		return -2;
	}
	for (; !imap_arg_is_eol(list); list += 2) {
		if (!imap_arg_get_atom(&list[0], &type) ||
		    imap_arg_is_eol(&list[1])) {
			*error_r = "Invalid CATENATE list.";
			return -2;
		}
		if (strcasecmp(type, "TEXT") == 0 &&
		    list[1].type == IMAP_ARG_LITERAL) {
			(void)imap_arg_get_string(&list[1], &value);
			str_append_data(dest, value, list[1].str_len);
		} else if (strcasecmp(type, "URL") == 0 &&
			   imap_arg_get_astring(&list[1], &value)) {
			T_BEGIN {
				ok = imap_catenate_parse_url(value, &url) &&
					imap_catenate_url(client, &url, dest);
			} T_END;
			if (!ok) {
				*error_r = t_strdup_printf("[BADURL %s] "
					"Invalid or unknown URL.", value);
				return -1;
			}
		} else {
			*error_r = "Invalid CATENATE list.";
			return -2;
		}
		if (str_len(dest) > max_size) {
			*error_r = "[TOOBIG] Message too large.";
			return -1;
		}
	}
	return 0;
}
