/* Copyright (c) Cove authors. See AUTHORS. */

/* doveadm's search query words translated into IMAP SEARCH keys (see
   admin-search-query.h). The translation only renames keys and rewrites
   dates and sizes; imap_search_args_parse() checks everything else. */

#include "lib.h"
#include "array.h"
#include "strfuncs.h"
#include "imap-parser.h"
#include "imap-search-args.h"
#include "admin-search-query.h"

#include <ctype.h>
#include <inttypes.h>
#include <strings.h>

/* How a key's parameters are translated. */
enum admin_query_param {
	ADMIN_QUERY_PARAM_NONE,
	/* one value, as it is */
	ADMIN_QUERY_PARAM_STRING,
	/* header name and value */
	ADMIN_QUERY_PARAM_HEADER,
	ADMIN_QUERY_PARAM_DATE,
	ADMIN_QUERY_PARAM_SIZE,
	/* one value, as an atom (MODSEQ's number) */
	ADMIN_QUERY_PARAM_ATOM,
};

struct admin_query_key {
	const char *name;
	/* The IMAP key it becomes. */
	const char *imap_name;
	enum admin_query_param param;
};

static const struct admin_query_key admin_query_keys[] = {
	{ "all", "ALL", ADMIN_QUERY_PARAM_NONE },
#define FLAG_KEYS(name, imap) \
	{ name, imap, ADMIN_QUERY_PARAM_NONE }, \
	{ "un" name, "UN" imap, ADMIN_QUERY_PARAM_NONE }
	FLAG_KEYS("answered", "ANSWERED"),
	FLAG_KEYS("deleted", "DELETED"),
	FLAG_KEYS("draft", "DRAFT"),
	FLAG_KEYS("flagged", "FLAGGED"),
	FLAG_KEYS("seen", "SEEN"),
#undef FLAG_KEYS
	{ "keyword", "KEYWORD", ADMIN_QUERY_PARAM_STRING },
	{ "unkeyword", "UNKEYWORD", ADMIN_QUERY_PARAM_STRING },
	{ "recent", "RECENT", ADMIN_QUERY_PARAM_NONE },
	{ "new", "NEW", ADMIN_QUERY_PARAM_NONE },
	{ "old", "OLD", ADMIN_QUERY_PARAM_NONE },
	{ "uid", "UID", ADMIN_QUERY_PARAM_STRING },
	{ "before", "BEFORE", ADMIN_QUERY_PARAM_DATE },
	{ "on", "ON", ADMIN_QUERY_PARAM_DATE },
	{ "since", "SINCE", ADMIN_QUERY_PARAM_DATE },
	{ "savedbefore", "BEFORE", ADMIN_QUERY_PARAM_DATE },
	{ "savedon", "ON", ADMIN_QUERY_PARAM_DATE },
	{ "savedsince", "SINCE", ADMIN_QUERY_PARAM_DATE },
	{ "sentbefore", "SENTBEFORE", ADMIN_QUERY_PARAM_DATE },
	{ "senton", "SENTON", ADMIN_QUERY_PARAM_DATE },
	{ "sentsince", "SENTSINCE", ADMIN_QUERY_PARAM_DATE },
	{ "larger", "LARGER", ADMIN_QUERY_PARAM_SIZE },
	{ "smaller", "SMALLER", ADMIN_QUERY_PARAM_SIZE },
	{ "from", "FROM", ADMIN_QUERY_PARAM_STRING },
	{ "to", "TO", ADMIN_QUERY_PARAM_STRING },
	{ "cc", "CC", ADMIN_QUERY_PARAM_STRING },
	{ "bcc", "BCC", ADMIN_QUERY_PARAM_STRING },
	{ "subject", "SUBJECT", ADMIN_QUERY_PARAM_STRING },
	{ "body", "BODY", ADMIN_QUERY_PARAM_STRING },
	{ "text", "TEXT", ADMIN_QUERY_PARAM_STRING },
	{ "header", "HEADER", ADMIN_QUERY_PARAM_HEADER },
	{ "modseq", "MODSEQ", ADMIN_QUERY_PARAM_ATOM },
};

/* Interval units: "30d", "2weeks". */
static const struct {
	const char *name;
	unsigned int secs;
} admin_query_units[] = {
	{ "s", 1 }, { "sec", 1 }, { "secs", 1 }, { "second", 1 },
	{ "seconds", 1 },
	{ "m", 60 }, { "min", 60 }, { "mins", 60 }, { "minute", 60 },
	{ "minutes", 60 },
	{ "h", 3600 }, { "hour", 3600 }, { "hours", 3600 },
	{ "d", 86400 }, { "day", 86400 }, { "days", 86400 },
	{ "w", 7 * 86400 }, { "week", 7 * 86400 }, { "weeks", 7 * 86400 },
};

struct admin_query_parser {
	pool_t pool;
	const char *const *words;
	time_t now;
	struct admin_search_query *query;
	const char *error;
};

static int admin_query_parse_key(struct admin_query_parser *parser,
				 ARRAY_TYPE(imap_arg_list) *out,
				 unsigned int depth);

static int admin_query_error(struct admin_query_parser *parser,
			     const char *error)
{
	parser->error = error;
	return -1;
}

static void admin_query_push(struct admin_query_parser *parser,
			     ARRAY_TYPE(imap_arg_list) *out,
			     enum imap_arg_type type, const char *str)
{
	struct imap_arg *arg = array_append_space(out);

	arg->type = type;
	arg->_data.str = p_strdup(parser->pool, str);
	arg->str_len = strlen(str);
}

static void admin_query_push_eol(ARRAY_TYPE(imap_arg_list) *out)
{
	struct imap_arg *arg = array_append_space(out);

	arg->type = IMAP_ARG_EOL;
}

/* The day of t in the local time zone, as an IMAP date. */
static const char *admin_query_imap_day(time_t t)
{
	char buf[32];
	struct tm tm;

	if (localtime_r(&t, &tm) == NULL ||
	    strftime(buf, sizeof(buf), "%d-%b-%Y", &tm) == 0)
		return NULL;
	return t_strdup(buf);
}

/* "2024-01-31" as an IMAP date, NULL if str is not one. */
static const char *admin_query_iso_day(const char *str)
{
	static const char *const months[] = {
		"Jan", "Feb", "Mar", "Apr", "May", "Jun",
		"Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
	};
	unsigned int year, month, day;

	if (strlen(str) != 10 || str[4] != '-' || str[7] != '-' ||
	    str_to_uint(t_strndup(str, 4), &year) < 0 ||
	    str_to_uint(t_strndup(str + 5, 2), &month) < 0 ||
	    str_to_uint(str + 8, &day) < 0 ||
	    month < 1 || month > 12 || day < 1 || day > 31)
		return NULL;
	return t_strdup_printf("%u-%s-%04u", day, months[month - 1], year);
}

/* A doveadm date as an IMAP date, NULL if str is not one. IMAP dates
   ("31-Jan-2024") are passed on for imap_search_args_parse() to check. */
static const char *admin_query_date(struct admin_query_parser *parser,
				    const char *str)
{
	const char *p, *day;
	uint64_t num;
	unsigned int i;

	if ((day = admin_query_iso_day(str)) != NULL)
		return day;
	if (str_parse_uint64(str, &num, &p) < 0)
		return NULL;
	if (*p == '-' && isalpha((unsigned char)p[1]))
		return str;
	if (num > (uint64_t)parser->now)
		return NULL;
	if (*p == '\0')
		return admin_query_imap_day((time_t)num);
	for (i = 0; i < N_ELEMENTS(admin_query_units); i++) {
		if (strcasecmp(p, admin_query_units[i].name) == 0)
			break;
	}
	if (i == N_ELEMENTS(admin_query_units) ||
	    num > (uint64_t)parser->now / admin_query_units[i].secs)
		return NULL;
	return admin_query_imap_day(parser->now -
				    (time_t)num * admin_query_units[i].secs);
}

/* A size with an optional k/M/G suffix in bytes, NULL if it is not one. */
static const char *admin_query_size(const char *str)
{
	static const char suffixes[] = "kmg";
	const char *p, *suffix;
	uint64_t num;
	unsigned int shift = 0;

	if (str_parse_uint64(str, &num, &p) < 0)
		return NULL;
	if (*p != '\0') {
		suffix = strchr(suffixes, tolower((unsigned char)*p));
		if (suffix == NULL || p[1] != '\0')
			return NULL;
		shift = 10 * (suffix - suffixes + 1);
		if (num > (UINT64_MAX >> shift))
			return NULL;
	}
	return t_strdup_printf("%"PRIu64, num << shift);
}

static const char *admin_query_next(struct admin_query_parser *parser)
{
	const char *word = *parser->words;

	if (word != NULL)
		parser->words++;
	return word;
}

/* Reads the parameter of key; value_r is what the IMAP key gets. */
static int admin_query_param(struct admin_query_parser *parser,
			     const char *key, enum admin_query_param param,
			     const char **value_r)
{
	const char *value = admin_query_next(parser);

	if (value == NULL) {
		return admin_query_error(parser, t_strdup_printf(
			"%s needs a value", key));
	}
	switch (param) {
	case ADMIN_QUERY_PARAM_DATE:
		*value_r = admin_query_date(parser, value);
		break;
	case ADMIN_QUERY_PARAM_SIZE:
		*value_r = admin_query_size(value);
		break;
	default:
		*value_r = value;
		break;
	}
	if (*value_r == NULL) {
		return admin_query_error(parser, t_strdup_printf(
			"Invalid %s for %s: %s",
			param == ADMIN_QUERY_PARAM_DATE ? "date" : "size",
			key, value));
	}
	return 0;
}

/* Parses the keys up to the end or to a ")" (left unread) into out:
   ANDed, or joined with infix ORs, but not both mixed (as doveadm).
   a OR b OR c becomes IMAP's OR a OR b c. */
static int admin_query_parse_keys(struct admin_query_parser *parser,
				  ARRAY_TYPE(imap_arg_list) *out,
				  unsigned int depth)
{
	ARRAY(ARRAY_TYPE(imap_arg_list)) items;
	ARRAY_TYPE(imap_arg_list) *item;
	bool and_seen = false, or_seen = false;
	unsigned int i, count;

	p_array_init(&items, parser->pool, 8);
	while (*parser->words != NULL && strcmp(*parser->words, ")") != 0) {
		if (array_count(&items) > 0) {
			if (strcasecmp(*parser->words, "or") == 0) {
				or_seen = true;
				parser->words++;
			} else {
				and_seen = true;
			}
		}
		if (and_seen && or_seen) {
			return admin_query_error(parser,
				"Use parentheses when mixing ANDs and ORs");
		}
		if (*parser->words == NULL ||
		    strcasecmp(*parser->words, "or") == 0 ||
		    strcmp(*parser->words, ")") == 0) {
			return admin_query_error(parser,
				"OR needs a search key on each side");
		}
		item = array_append_space(&items);
		p_array_init(item, parser->pool, 4);
		if (admin_query_parse_key(parser, item, depth) < 0)
			return -1;
	}
	if (or_seen && depth == 0 && parser->query->mailbox != NULL) {
		return admin_query_error(parser,
			"mailbox cannot be ORed with other keys");
	}
	count = array_count(&items);
	for (i = 0; i < count; i++) {
		if (or_seen && i + 1 < count)
			admin_query_push(parser, out, IMAP_ARG_ATOM, "OR");
		array_foreach(array_idx(&items, i), arg)
			array_push_back(out, arg);
	}
	return 0;
}

/* "( keys )": an IMAP list. */
static int admin_query_parse_list(struct admin_query_parser *parser,
				  ARRAY_TYPE(imap_arg_list) *out,
				  unsigned int depth)
{
	struct imap_arg *arg;
	ARRAY_TYPE(imap_arg_list) list;

	if (depth >= IMAP_SEARCH_ARGS_MAX_DEPTH)
		return admin_query_error(parser, "Query nested too deeply");
	p_array_init(&list, parser->pool, 8);
	if (admin_query_parse_keys(parser, &list, depth + 1) < 0)
		return -1;
	if (admin_query_next(parser) == NULL)
		return admin_query_error(parser, "Missing ')'");
	if (array_count(&list) == 0)
		return admin_query_error(parser, "Empty parentheses");
	admin_query_push_eol(&list);
	arg = array_append_space(out);
	arg->type = IMAP_ARG_LIST;
	arg->_data.list = list;
	return 0;
}

/* Parses one key (NOT key, or a parenthesized list) into out. */
static int admin_query_parse_key(struct admin_query_parser *parser,
				 ARRAY_TYPE(imap_arg_list) *out,
				 unsigned int depth)
{
	const struct admin_query_key *def = NULL;
	const char *key = admin_query_next(parser), *value;
	unsigned int i;

	if (key == NULL || strcmp(key, ")") == 0)
		return admin_query_error(parser, "Missing search key");
	if (strcmp(key, "(") == 0)
		return admin_query_parse_list(parser, out, depth);
	if (strcasecmp(key, "mailbox") == 0) {
		if (depth > 0)
			return admin_query_error(parser,
				"mailbox is allowed only at the top level");
		if (parser->query->mailbox != NULL)
			return admin_query_error(parser,
				"mailbox is allowed only once");
		value = admin_query_next(parser);
		if (value == NULL)
			return admin_query_error(parser,
						 "mailbox needs a name");
		parser->query->mailbox = p_strdup(parser->pool, value);
		return 0;
	}
	if (strcasecmp(key, "mailbox-guid") == 0) {
		return admin_query_error(parser,
			"mailbox-guid: Cove has no mailbox GUIDs");
	}
	if (strcasecmp(key, "not") == 0) {
		if (depth >= IMAP_SEARCH_ARGS_MAX_DEPTH)
			return admin_query_error(parser,
						 "Query nested too deeply");
		admin_query_push(parser, out, IMAP_ARG_ATOM, "NOT");
		return admin_query_parse_key(parser, out, depth + 1);
	}
	if (isdigit((unsigned char)key[0]) || key[0] == '*') {
		/* a sequence set */
		admin_query_push(parser, out, IMAP_ARG_ATOM, key);
		return 0;
	}
	for (i = 0; i < N_ELEMENTS(admin_query_keys); i++) {
		if (strcasecmp(admin_query_keys[i].name, key) == 0)
			def = &admin_query_keys[i];
	}
	if (def == NULL) {
		return admin_query_error(parser, t_strdup_printf(
			"Unknown search key: %s", key));
	}
	admin_query_push(parser, out, IMAP_ARG_ATOM, def->imap_name);
	if (def->param == ADMIN_QUERY_PARAM_NONE)
		return 0;
	if (def->param == ADMIN_QUERY_PARAM_HEADER) {
		value = admin_query_next(parser);
		if (value == NULL)
			return admin_query_error(parser,
						 "header needs a name");
		admin_query_push(parser, out, IMAP_ARG_STRING, value);
	}
	if (admin_query_param(parser, key, def->param, &value) < 0)
		return -1;
	admin_query_push(parser, out, def->param == ADMIN_QUERY_PARAM_ATOM ?
			 IMAP_ARG_ATOM : IMAP_ARG_STRING, value);
	return 0;
}

int admin_search_query_parse(pool_t pool, const char *const *words,
			     time_t now, struct admin_search_query *query_r,
			     const char **error_r)
{
	struct admin_query_parser parser;
	ARRAY_TYPE(imap_arg_list) args;
	struct imap_search_arg *root;

	i_zero(query_r);
	i_zero(&parser);
	parser.pool = pool;
	parser.words = words;
	parser.now = now;
	parser.query = query_r;
	if (words[0] == NULL) {
		*error_r = "Empty search query";
		return -1;
	}
	p_array_init(&args, pool, 16);
	if (admin_query_parse_keys(&parser, &args, 0) < 0) {
		*error_r = parser.error;
		return -1;
	}
	if (*parser.words != NULL) {
		*error_r = "Unexpected ')'";
		return -1;
	}
	if (array_count(&args) == 0) {
		/* "mailbox X" alone means all of its messages */
		admin_query_push(&parser, &args, IMAP_ARG_ATOM, "ALL");
	}
	admin_query_push_eol(&args);
	query_r->args = array_front(&args);
	/* check the keys now, before any mailbox is opened */
	return admin_search_query_keys(pool, query_r, 0, 0, &root, error_r);
}

int admin_search_query_keys(pool_t pool,
			    const struct admin_search_query *query,
			    uint32_t messages_count, uint32_t last_uid,
			    struct imap_search_arg **root_r,
			    const char **error_r)
{
	return imap_search_args_parse(pool, query->args, messages_count,
				      last_uid, root_r, error_r);
}
