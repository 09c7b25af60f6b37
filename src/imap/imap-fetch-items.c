/* Copyright (c) Cove authors. See AUTHORS. */

/* Parsing the items of a FETCH command into a request. */

#include "lib.h"
#include "array.h"
#include "imap-parser.h"
#include "imap-modseq.h"
#include "imap-fetch.h"

#include <strings.h>

/* Each body item costs a pass over every message: bound them. */
#define IMAP_FETCH_MAX_BODIES 50

/* FAST; ALL adds ENVELOPE, FULL also BODY (RFC 3501 6.4.5) */
#define IMAP_FETCH_MACRO_FIELDS \
	(IMAP_FETCH_FIELD_FLAGS | IMAP_FETCH_FIELD_INTERNALDATE | \
	 IMAP_FETCH_FIELD_RFC822_SIZE)

static const struct {
	const char *item;
	enum imap_fetch_field field;
} imap_fetch_fields[] = {
	{ "UID", IMAP_FETCH_FIELD_UID },
	{ "FLAGS", IMAP_FETCH_FIELD_FLAGS },
	{ "INTERNALDATE", IMAP_FETCH_FIELD_INTERNALDATE },
	{ "RFC822.SIZE", IMAP_FETCH_FIELD_RFC822_SIZE },
	{ "ENVELOPE", IMAP_FETCH_FIELD_ENVELOPE },
	{ "BODY", IMAP_FETCH_FIELD_BODY },
	{ "BODYSTRUCTURE", IMAP_FETCH_FIELD_BODYSTRUCTURE },
	{ "MODSEQ", IMAP_FETCH_FIELD_MODSEQ },
};

/* The RFC822 forms (RFC 3501 6.4.5). */
static const struct {
	const char *item;
	struct imap_fetch_body body;
	bool set_seen;
} imap_fetch_bodies[] = {
	{ "RFC822", { IMAP_FETCH_SECTION_ALL, "RFC822" }, true },
	{ "RFC822.HEADER",
	  { IMAP_FETCH_SECTION_HEADER, "RFC822.HEADER" }, false },
	{ "RFC822.TEXT", { IMAP_FETCH_SECTION_TEXT, "RFC822.TEXT" }, true },
};

/* The BINARY items (RFC 3516 6.4.5). */
static const struct {
	const char *prefix;
	const char *name;
	bool size;
	bool peek;
} imap_fetch_binary_items[] = {
	{ "BINARY[", "BINARY", false, false },
	{ "BINARY.PEEK[", "BINARY", false, true },
	{ "BINARY.SIZE[", "BINARY.SIZE", true, true },
};

/* The section-msgtext / section-text keywords, longest first. */
static const struct {
	const char *keyword;
	enum imap_fetch_section section;
} imap_fetch_section_keywords[] = {
	{ "HEADER.FIELDS.NOT ", IMAP_FETCH_SECTION_HEADER_FIELDS_NOT },
	{ "HEADER.FIELDS ", IMAP_FETCH_SECTION_HEADER_FIELDS },
	{ "HEADER", IMAP_FETCH_SECTION_HEADER },
	{ "TEXT", IMAP_FETCH_SECTION_TEXT },
	{ "MIME", IMAP_FETCH_SECTION_MIME },
};

static void imap_fetch_add_body(struct imap_fetch_request *req,
				const struct imap_fetch_body *body)
{
	array_foreach(&req->bodies, old) {
		if (strcmp(old->name, body->name) == 0)
			return;
	}
	array_push_back(&req->bodies, body);
}

static bool imap_fetch_is_field_name(const char *name)
{
	for (; *name != '\0'; name++) {
		unsigned char c = *name;

		if (c <= ' ' || c >= 0x7f || strchr(":()\"[]", c) != NULL)
			return false;
	}
	return true;
}

/* Parses the "(NAME NAME...)" of HEADER.FIELDS into body. Returns the
   names as the reply shows them, or NULL if the list is invalid. */
static const char *imap_fetch_parse_field_list(const char *p, pool_t pool,
					       struct imap_fetch_body *body)
{
	const char *const *names;
	size_t len = strlen(p);
	unsigned int i;

	if (len < 2 || p[0] != '(' || p[len - 1] != ')')
		return NULL;
	names = t_strsplit_spaces(t_strndup(p + 1, len - 2), " ");
	if (names[0] == NULL)
		return NULL;
	for (i = 0; names[i] != NULL; i++) {
		if (!imap_fetch_is_field_name(names[i]))
			return NULL;
	}
	body->fields = p_strarray_dup(pool, names);
	/* the reply names them in upper case, as Dovecot does */
	return t_strdup_printf(" (%s)",
			       t_str_ucase(t_strarray_join(names, " ")));
}

/* Parses the part number "1.2.3" at the start of section into body.
   Returns what follows it (after a '.'), or NULL if it is invalid. */
static const char *imap_fetch_parse_part(const char *section, pool_t pool,
					 struct imap_fetch_body *body)
{
	const char *p = section;
	uint64_t num;

	while (*p >= '0' && *p <= '9') {
		if (str_parse_uint64(p, &num, &p) < 0 || num == 0 ||
		    num > UINT32_MAX)
			return NULL;
		if (*p == '\0')
			break;
		if (*p++ != '.')
			return NULL;
	}
	if (p == section)
		return section;
	if (p[-1] == '.' && *p == '\0')
		return NULL;
	body->part = p_strndup(pool, section,
			       p - section - (*p == '\0' ? 0 : 1));
	return p;
}

int imap_fetch_parse_section(const char *section, pool_t pool,
			     struct imap_fetch_body *body)
{
	const char *rest, *fields = "";
	unsigned int i;
	size_t len;

	rest = imap_fetch_parse_part(section, pool, body);
	if (rest == NULL)
		return -1;
	body->section = IMAP_FETCH_SECTION_ALL;
	for (i = 0; *rest != '\0'; i++) {
		if (i == N_ELEMENTS(imap_fetch_section_keywords))
			return -1;
		len = strlen(imap_fetch_section_keywords[i].keyword);
		if (strncasecmp(rest, imap_fetch_section_keywords[i].keyword,
				len) != 0)
			continue;
		body->section = imap_fetch_section_keywords[i].section;
		if (body->section == IMAP_FETCH_SECTION_HEADER_FIELDS ||
		    body->section == IMAP_FETCH_SECTION_HEADER_FIELDS_NOT) {
			fields = imap_fetch_parse_field_list(rest + len, pool,
							     body);
			if (fields == NULL)
				return -1;
		} else if (rest[len] != '\0') {
			continue;
		}
		break;
	}
	if (body->section == IMAP_FETCH_SECTION_MIME && body->part == NULL)
		return -1;
	body->name = p_strdup_printf(pool, "BODY[%s%s%s%s]",
		body->part == NULL ? "" : body->part,
		body->part != NULL && *rest != '\0' ? "." : "",
		*rest == '\0' ? "" : t_strndup(
			imap_fetch_section_keywords[i].keyword,
			strcspn(imap_fetch_section_keywords[i].keyword, " ")),
		fields);
	return 0;
}

/* A BINARY item "BINARY[1.2]" without partial range: its section is a
   part number or nothing. Returns 1 if parsed, 0 if item is not a
   BINARY item, -1 if it is invalid. */
static int imap_fetch_parse_binary(const char *item, pool_t pool,
				   struct imap_fetch_body *body_r,
				   bool *set_seen_r)
{
	const char *section, *rest;
	unsigned int i;
	size_t len;

	for (i = 0; i < N_ELEMENTS(imap_fetch_binary_items); i++) {
		if (str_begins_icase(item, imap_fetch_binary_items[i].prefix))
			break;
	}
	if (i == N_ELEMENTS(imap_fetch_binary_items))
		return 0;
	section = item + strlen(imap_fetch_binary_items[i].prefix);
	len = strlen(section);
	if (len == 0 || section[len - 1] != ']')
		return -1;
	rest = imap_fetch_parse_part(t_strndup(section, len - 1), pool,
				     body_r);
	if (rest == NULL || *rest != '\0')
		return -1;
	body_r->section = IMAP_FETCH_SECTION_ALL;
	body_r->binary = !imap_fetch_binary_items[i].size;
	body_r->binary_size = imap_fetch_binary_items[i].size;
	body_r->name = p_strdup_printf(pool, "%s[%s]",
		imap_fetch_binary_items[i].name,
		body_r->part == NULL ? "" : body_r->part);
	*set_seen_r = !imap_fetch_binary_items[i].peek;
	return 1;
}

/* A body item without partial range. Returns 1 if parsed, 0 if item is
   not a body item, -1 if it is invalid. */
static int imap_fetch_parse_body(const char *item, pool_t pool,
				 struct imap_fetch_body *body_r,
				 bool *set_seen_r)
{
	unsigned int i;
	size_t len;
	bool peek;
	int ret;

	ret = imap_fetch_parse_binary(item, pool, body_r, set_seen_r);
	if (ret != 0)
		return ret;
	for (i = 0; i < N_ELEMENTS(imap_fetch_bodies); i++) {
		if (strcasecmp(item, imap_fetch_bodies[i].item) == 0) {
			*body_r = imap_fetch_bodies[i].body;
			*set_seen_r = imap_fetch_bodies[i].set_seen;
			return 1;
		}
	}
	peek = str_begins_icase(item, "BODY.PEEK[");
	if (!peek && !str_begins_icase(item, "BODY["))
		return 0;
	item = strchr(item, '[') + 1;
	len = strlen(item);
	if (len == 0 || item[len - 1] != ']' ||
	    imap_fetch_parse_section(t_strndup(item, len - 1), pool,
				     body_r) < 0)
		return -1;
	*set_seen_r = !peek;
	return 1;
}

/* Parses the partial range "<origin.count>" (RFC 3501 6.4.5). */
static int imap_fetch_parse_partial(const char *p, pool_t pool,
				    struct imap_fetch_body *body)
{
	uint64_t origin, count;

	if (*p++ != '<' || str_parse_uint64(p, &origin, &p) < 0 ||
	    *p++ != '.' || str_parse_uint64(p, &count, &p) < 0 ||
	    strcmp(p, ">") != 0 || count == 0)
		return -1;
	body->partial = true;
	body->origin = origin;
	body->count = count;
	body->name = p_strdup_printf(pool, "%s<%llu>", body->name,
				     (unsigned long long)origin);
	return 0;
}

static int imap_fetch_parse_item(struct imap_fetch_request *req,
				 const char *item, pool_t pool,
				 const char **error_r)
{
	struct imap_fetch_body body = { 0 };
	const char *partial;
	unsigned int i;
	bool set_seen = false;
	int ret;

	for (i = 0; i < N_ELEMENTS(imap_fetch_fields); i++) {
		if (strcasecmp(item, imap_fetch_fields[i].item) == 0) {
			req->fields |= imap_fetch_fields[i].field;
			return 0;
		}
	}
	partial = strstr(item, "]<");
	ret = imap_fetch_parse_body(partial == NULL ? item :
				    t_strndup(item, partial + 1 - item),
				    pool, &body, &set_seen);
	if (ret > 0 && partial != NULL &&
	    (body.binary_size ||
	     imap_fetch_parse_partial(partial + 1, pool, &body) < 0))
		ret = -1;
	if (ret <= 0) {
		*error_r = t_strdup_printf(ret < 0 ?
					   "Invalid FETCH item %s" :
					   "Unsupported FETCH item %s", item);
		return -1;
	}
	if (array_count(&req->bodies) >= IMAP_FETCH_MAX_BODIES) {
		*error_r = "Too many FETCH body items";
		return -1;
	}
	imap_fetch_add_body(req, &body);
	if (set_seen)
		req->set_seen = true;
	return 0;
}

static int imap_fetch_parse_list(struct imap_fetch_request *req,
				 const struct imap_arg *list, pool_t pool,
				 const char **error_r)
{
	const char *item;

	if (imap_arg_is_eol(list)) {
		*error_r = "Empty FETCH item list";
		return -1;
	}
	for (; !imap_arg_is_eol(list); list++) {
		if (!imap_arg_get_atom(list, &item)) {
			*error_r = "FETCH items must be atoms";
			return -1;
		}
		if (imap_fetch_parse_item(req, item, pool, error_r) < 0)
			return -1;
	}
	return 0;
}

/* The fields of a macro, or 0 if item is none. */
static enum imap_fetch_field imap_fetch_macro_fields(const char *item)
{
	if (strcasecmp(item, "FAST") == 0)
		return IMAP_FETCH_MACRO_FIELDS;
	if (strcasecmp(item, "ALL") == 0)
		return IMAP_FETCH_MACRO_FIELDS | IMAP_FETCH_FIELD_ENVELOPE;
	if (strcasecmp(item, "FULL") == 0) {
		return IMAP_FETCH_MACRO_FIELDS | IMAP_FETCH_FIELD_ENVELOPE |
			IMAP_FETCH_FIELD_BODY;
	}
	return 0;
}

/* Parses the modifier list "(CHANGEDSINCE n [VANISHED])" (RFC 7162
   3.1.4.1, 3.2.6). */
static int imap_fetch_parse_modifiers(struct imap_fetch_request *req,
				      const struct imap_arg *list,
				      const char **error_r)
{
	const char *name, *value;

	for (; !imap_arg_is_eol(list); list++) {
		if (!imap_arg_get_atom(list, &name)) {
			*error_r = "Invalid FETCH modifier";
			return -1;
		}
		if (strcasecmp(name, "VANISHED") == 0 && !req->vanished) {
			req->vanished = true;
		} else if (strcasecmp(name, "CHANGEDSINCE") == 0 &&
			   req->changedsince == 0) {
			if (!imap_arg_get_atom(++list, &value) ||
			    !imap_modseq_parse(value, false,
					       &req->changedsince)) {
				*error_r = "Invalid CHANGEDSINCE modseq";
				return -1;
			}
			req->fields |= IMAP_FETCH_FIELD_MODSEQ;
		} else {
			*error_r = "Unknown FETCH modifier";
			return -1;
		}
	}
	if (req->vanished && req->changedsince == 0) {
		*error_r = "VANISHED used without CHANGEDSINCE";
		return -1;
	}
	return 0;
}

int imap_fetch_request_parse(const struct imap_arg *args, pool_t pool,
			     struct imap_fetch_request *req_r,
			     const char **error_r)
{
	const struct imap_arg *list;
	const char *item;
	int ret;

	memset(req_r, 0, sizeof(*req_r));
	p_array_init(&req_r->bodies, pool, 4);
	if (imap_arg_get_atom(&args[0], &item)) {
		req_r->fields = imap_fetch_macro_fields(item);
		if (req_r->fields != 0) {
			ret = 0;
		} else {
			ret = imap_fetch_parse_item(req_r, item, pool,
						    error_r);
		}
	} else if (imap_arg_get_list(&args[0], &list)) {
		ret = imap_fetch_parse_list(req_r, list, pool, error_r);
	} else {
		*error_r = "Invalid FETCH items";
		return -1;
	}
	if (ret == 0 && imap_arg_get_list(&args[1], &list)) {
		ret = imap_fetch_parse_modifiers(req_r, list, error_r);
		args++;
	}
	if (ret == 0 && !imap_arg_is_eol(&args[1])) {
		*error_r = "Unexpected arguments after FETCH items";
		return -1;
	}
	return ret;
}
