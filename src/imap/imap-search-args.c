/* Copyright (c) Cove authors. See AUTHORS. */

/* Parser of SEARCH keys (RFC 3501 6.4.4, 9 search-key) into the tree of
   imap-search-args.h. Each key is looked up in one table that says which
   node it becomes and what parameter follows it. */

#include "lib.h"
#include "strfuncs.h"
#include "imap-parser.h"
#include "imap-modseq.h"
#include "message-date.h"
#include "imap-search-args.h"

#include <ctype.h>
#include <strings.h>

enum imap_search_param {
	IMAP_SEARCH_PARAM_NONE,
	/* one astring */
	IMAP_SEARCH_PARAM_STRING,
	/* header field name and astring */
	IMAP_SEARCH_PARAM_HEADER,
	IMAP_SEARCH_PARAM_DATE,
	IMAP_SEARCH_PARAM_NUMBER,
	IMAP_SEARCH_PARAM_KEYWORD,
	IMAP_SEARCH_PARAM_SEQSET,
	/* [entry-name entry-type] mod-sequence-valzer */
	IMAP_SEARCH_PARAM_MODSEQ,
};

struct imap_search_key_def {
	const char *name;
	enum imap_search_arg_type type;
	enum imap_search_param param;
	enum mail_flags flags;
	/* header searched by FROM, TO etc. */
	const char *hdr_name;
	/* the key is NOT of the node */
	bool negate;
};

static const struct imap_search_key_def imap_search_keys[] = {
	{ "ALL", IMAP_SEARCH_ARG_ALL, IMAP_SEARCH_PARAM_NONE, 0, NULL, false },
#define FLAG_KEYS(name, flag) \
	{ name, IMAP_SEARCH_ARG_FLAGS, IMAP_SEARCH_PARAM_NONE, flag, NULL, \
	  false }, \
	{ "UN" name, IMAP_SEARCH_ARG_FLAGS, IMAP_SEARCH_PARAM_NONE, flag, \
	  NULL, true }
	FLAG_KEYS("ANSWERED", MAIL_ANSWERED),
	FLAG_KEYS("DELETED", MAIL_DELETED),
	FLAG_KEYS("DRAFT", MAIL_DRAFT),
	FLAG_KEYS("FLAGGED", MAIL_FLAGGED),
	FLAG_KEYS("SEEN", MAIL_SEEN),
#undef FLAG_KEYS
	{ "RECENT", IMAP_SEARCH_ARG_FLAGS, IMAP_SEARCH_PARAM_NONE,
	  MAIL_RECENT, NULL, false },
	{ "OLD", IMAP_SEARCH_ARG_FLAGS, IMAP_SEARCH_PARAM_NONE,
	  MAIL_RECENT, NULL, true },
	{ "KEYWORD", IMAP_SEARCH_ARG_KEYWORD, IMAP_SEARCH_PARAM_KEYWORD,
	  0, NULL, false },
	{ "UNKEYWORD", IMAP_SEARCH_ARG_KEYWORD, IMAP_SEARCH_PARAM_KEYWORD,
	  0, NULL, true },
#define HEADER_KEY(name) \
	{ name, IMAP_SEARCH_ARG_HEADER, IMAP_SEARCH_PARAM_STRING, 0, name, \
	  false }
	HEADER_KEY("BCC"),
	HEADER_KEY("CC"),
	HEADER_KEY("FROM"),
	HEADER_KEY("SUBJECT"),
	HEADER_KEY("TO"),
#undef HEADER_KEY
	{ "HEADER", IMAP_SEARCH_ARG_HEADER, IMAP_SEARCH_PARAM_HEADER,
	  0, NULL, false },
	{ "BODY", IMAP_SEARCH_ARG_BODY, IMAP_SEARCH_PARAM_STRING,
	  0, NULL, false },
	{ "TEXT", IMAP_SEARCH_ARG_TEXT, IMAP_SEARCH_PARAM_STRING,
	  0, NULL, false },
#define DATE_KEY(name, type) \
	{ name, type, IMAP_SEARCH_PARAM_DATE, 0, NULL, false }
	DATE_KEY("BEFORE", IMAP_SEARCH_ARG_BEFORE),
	DATE_KEY("ON", IMAP_SEARCH_ARG_ON),
	DATE_KEY("SINCE", IMAP_SEARCH_ARG_SINCE),
	DATE_KEY("SENTBEFORE", IMAP_SEARCH_ARG_SENTBEFORE),
	DATE_KEY("SENTON", IMAP_SEARCH_ARG_SENTON),
	DATE_KEY("SENTSINCE", IMAP_SEARCH_ARG_SENTSINCE),
#undef DATE_KEY
	{ "LARGER", IMAP_SEARCH_ARG_LARGER, IMAP_SEARCH_PARAM_NUMBER,
	  0, NULL, false },
	{ "SMALLER", IMAP_SEARCH_ARG_SMALLER, IMAP_SEARCH_PARAM_NUMBER,
	  0, NULL, false },
	{ "UID", IMAP_SEARCH_ARG_UIDSET, IMAP_SEARCH_PARAM_SEQSET,
	  0, NULL, false },
	{ "MODSEQ", IMAP_SEARCH_ARG_MODSEQ, IMAP_SEARCH_PARAM_MODSEQ,
	  0, NULL, false },
};

struct imap_search_parser {
	pool_t pool;
	uint32_t messages_count, last_uid;
	const char *error;
};

static int imap_search_parse_key(struct imap_search_parser *parser,
				 const struct imap_arg **args,
				 unsigned int depth,
				 struct imap_search_arg **arg_r);

int imap_search_args_parse_date(const char *str, time_t *time_r)
{
	const char *const *parts = t_strsplit(str, "-");
	unsigned int day, year;
	int month;

	if (str_array_length(parts) != 3 ||
	    strlen(parts[0]) < 1 || strlen(parts[0]) > 2 ||
	    strlen(parts[2]) != 4 ||
	    str_to_uint(parts[0], &day) < 0 || day < 1 || day > 31 ||
	    str_to_uint(parts[2], &year) < 0)
		return 0;
	month = message_date_month_parse(parts[1]);
	if (month == 0)
		return 0;
	*time_r = message_date_utc_mktime(year, month, day, 0, 0, 0);
	return 1;
}

static struct imap_search_arg *
imap_search_arg_new(struct imap_search_parser *parser,
		    enum imap_search_arg_type type)
{
	struct imap_search_arg *arg;

	arg = p_new(parser->pool, struct imap_search_arg, 1);
	arg->type = type;
	return arg;
}

/* Wraps child in a NOT node. */
static struct imap_search_arg *
imap_search_arg_negate(struct imap_search_parser *parser,
		       struct imap_search_arg *child)
{
	struct imap_search_arg *arg;

	arg = imap_search_arg_new(parser, IMAP_SEARCH_ARG_NOT);
	arg->children = child;
	return arg;
}

static int imap_search_error(struct imap_search_parser *parser,
			     const char *error)
{
	parser->error = error;
	return -1;
}

/* Reads the next argument as an astring. */
static int imap_search_read_string(struct imap_search_parser *parser,
				   const char *key,
				   const struct imap_arg **args,
				   const char **str_r)
{
	if (!imap_arg_get_astring(*args, str_r)) {
		return imap_search_error(parser, t_strdup_printf(
			"Missing or invalid parameter for %s", key));
	}
	*str_r = p_strdup(parser->pool, *str_r);
	(*args)++;
	return 0;
}

/* Parses a sequence set: of sequence numbers, or UIDs if uid is true;
   "$" in either case is the saved result. */
static int imap_search_parse_seqset(struct imap_search_parser *parser,
				    const char *str, bool uid,
				    struct imap_search_arg *arg)
{
	const char *error;

	if (strcmp(str, "$") == 0) {
		arg->type = IMAP_SEARCH_ARG_SAVED;
		return 0;
	}
	p_array_init(&arg->seqset, parser->pool, 4);
	if (imap_seqset_parse(str, uid ? parser->last_uid :
			      parser->messages_count,
			      &arg->seqset, &error) < 0) {
		return imap_search_error(parser, t_strdup_printf(
			"Invalid sequence set %s: %s", str, error));
	}
	return 0;
}

/* "[entry-name entry-type-req] mod-sequence-valzer" (RFC 7162 3.1.5):
   the entry name is a quoted string, its type priv, shared or all. */
static int imap_search_parse_modseq(struct imap_search_parser *parser,
				    const struct imap_arg **args,
				    struct imap_search_arg *arg)
{
	const char *str, *type;

	if (!imap_arg_get_atom(*args, &str) &&
	    imap_arg_get_string(*args, &str)) {
		if (!imap_arg_get_atom(*args + 1, &type) ||
		    (strcasecmp(type, "priv") != 0 &&
		     strcasecmp(type, "shared") != 0 &&
		     strcasecmp(type, "all") != 0))
			return imap_search_error(parser,
						 "Invalid MODSEQ entry type");
		*args += 2;
	}
	if (!imap_arg_get_atom(*args, &str) ||
	    !imap_modseq_parse(str, true, &arg->modseq))
		return imap_search_error(parser, "Invalid MODSEQ value");
	(*args)++;
	return 0;
}

static int imap_search_parse_param(struct imap_search_parser *parser,
				   const struct imap_search_key_def *def,
				   const struct imap_arg **args,
				   struct imap_search_arg *arg)
{
	const char *str;

	arg->flags = def->flags;
	arg->hdr_name = def->hdr_name;
	if (def->param == IMAP_SEARCH_PARAM_NONE)
		return 0;
	if (def->param == IMAP_SEARCH_PARAM_MODSEQ)
		return imap_search_parse_modseq(parser, args, arg);
	if (def->param == IMAP_SEARCH_PARAM_HEADER &&
	    imap_search_read_string(parser, def->name, args,
				    &arg->hdr_name) < 0)
		return -1;
	if (imap_search_read_string(parser, def->name, args, &str) < 0)
		return -1;
	switch (def->param) {
	case IMAP_SEARCH_PARAM_DATE:
		if (imap_search_args_parse_date(str, &arg->date) == 0) {
			return imap_search_error(parser, t_strdup_printf(
				"Invalid date for %s: %s", def->name, str));
		}
		return 0;
	case IMAP_SEARCH_PARAM_NUMBER:
		if (str_to_uoff(str, &arg->size) < 0) {
			return imap_search_error(parser, t_strdup_printf(
				"Invalid number for %s: %s", def->name, str));
		}
		return 0;
	case IMAP_SEARCH_PARAM_SEQSET:
		return imap_search_parse_seqset(parser, str, true, arg);
	default:
		arg->str = str;
		return 0;
	}
}

/* Parses the keys of args up to EOL into the children of parent. */
static int imap_search_parse_list(struct imap_search_parser *parser,
				  const struct imap_arg *args,
				  unsigned int depth,
				  struct imap_search_arg *parent)
{
	struct imap_search_arg **next = &parent->children;

	if (imap_arg_is_eol(args))
		return imap_search_error(parser, "Missing search keys");
	while (!imap_arg_is_eol(args)) {
		if (imap_search_parse_key(parser, &args, depth, next) < 0)
			return -1;
		next = &(*next)->next;
	}
	return 0;
}

/* Parses NOT key, OR key key and NEW. Returns 1 if key was one of them,
   0 if not. */
static int imap_search_parse_logic(struct imap_search_parser *parser,
				   const char *key,
				   const struct imap_arg **args,
				   unsigned int depth,
				   struct imap_search_arg **arg_r)
{
	struct imap_search_arg *arg, *child;

	if (strcasecmp(key, "NEW") == 0) {
		/* RFC 3501: equivalent to (RECENT UNSEEN) */
		arg = imap_search_arg_new(parser, IMAP_SEARCH_ARG_AND);
		arg->children = imap_search_arg_new(parser,
						    IMAP_SEARCH_ARG_FLAGS);
		arg->children->flags = MAIL_RECENT;
		child = imap_search_arg_new(parser, IMAP_SEARCH_ARG_FLAGS);
		child->flags = MAIL_SEEN;
		arg->children->next = imap_search_arg_negate(parser, child);
	} else if (strcasecmp(key, "NOT") == 0) {
		if (imap_search_parse_key(parser, args, depth, &child) < 0)
			return -1;
		arg = imap_search_arg_negate(parser, child);
	} else if (strcasecmp(key, "OR") == 0) {
		arg = imap_search_arg_new(parser, IMAP_SEARCH_ARG_OR);
		if (imap_search_parse_key(parser, args, depth,
					  &arg->children) < 0 ||
		    imap_search_parse_key(parser, args, depth,
					  &arg->children->next) < 0)
			return -1;
	} else {
		return 0;
	}
	*arg_r = arg;
	return 1;
}

static const struct imap_search_key_def *
imap_search_key_find(const char *key)
{
	unsigned int i;

	for (i = 0; i < N_ELEMENTS(imap_search_keys); i++) {
		if (strcasecmp(imap_search_keys[i].name, key) == 0)
			return &imap_search_keys[i];
	}
	return NULL;
}

/* Parses an atom key with its parameters. */
static int imap_search_parse_atom(struct imap_search_parser *parser,
				  const char *key,
				  const struct imap_arg **args,
				  unsigned int depth,
				  struct imap_search_arg **arg_r)
{
	const struct imap_search_key_def *def;
	struct imap_search_arg *arg;
	int ret;

	ret = imap_search_parse_logic(parser, key, args, depth, arg_r);
	if (ret != 0)
		return ret < 0 ? -1 : 0;
	if (isdigit((unsigned char)key[0]) || key[0] == '*' ||
	    key[0] == '$') {
		arg = imap_search_arg_new(parser, IMAP_SEARCH_ARG_SEQSET);
		*arg_r = arg;
		return imap_search_parse_seqset(parser, key, false, arg);
	}
	def = imap_search_key_find(key);
	if (def == NULL) {
		return imap_search_error(parser, t_strdup_printf(
			"Unknown argument %s", key));
	}
	arg = imap_search_arg_new(parser, def->type);
	if (imap_search_parse_param(parser, def, args, arg) < 0)
		return -1;
	*arg_r = def->negate ? imap_search_arg_negate(parser, arg) : arg;
	return 0;
}

static int imap_search_parse_key(struct imap_search_parser *parser,
				 const struct imap_arg **args,
				 unsigned int depth,
				 struct imap_search_arg **arg_r)
{
	const struct imap_arg *arg = *args, *list;
	const char *key;

	if (++depth > IMAP_SEARCH_ARGS_MAX_DEPTH)
		return imap_search_error(parser, "Search keys nested too deep");
	(*args)++;
	if (imap_arg_get_list(arg, &list)) {
		*arg_r = imap_search_arg_new(parser, IMAP_SEARCH_ARG_AND);
		return imap_search_parse_list(parser, list, depth, *arg_r);
	}
	if (!imap_arg_get_atom(arg, &key)) {
		*args = arg;
		return imap_search_error(parser, imap_arg_is_eol(arg) ?
					 "Missing search key" :
					 "Search key is not an atom");
	}
	return imap_search_parse_atom(parser, key, args, depth, arg_r);
}

int imap_search_args_parse(pool_t pool, const struct imap_arg *args,
			   uint32_t messages_count, uint32_t last_uid,
			   struct imap_search_arg **root_r,
			   const char **error_r)
{
	struct imap_search_parser parser = {
		.pool = pool,
		.messages_count = messages_count,
		.last_uid = last_uid,
	};
	struct imap_search_arg *root;

	root = imap_search_arg_new(&parser, IMAP_SEARCH_ARG_AND);
	if (imap_search_parse_list(&parser, args, 0, root) < 0) {
		*error_r = parser.error;
		return -1;
	}
	*root_r = root;
	return 0;
}
