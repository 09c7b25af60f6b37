/* Copyright (c) Cove authors. See AUTHORS. */

/* Tests for imap-search-args: every key, the rewritten forms, nesting
   and the errors. The parsed tree is printed in a prefix notation. */

#include "lib.h"
#include "str.h"
#include "imap-search-args.h"
#include "test-imap.h"

/* 10 messages, last UID 100. */
#define TEST_COUNT 10
#define TEST_LAST_UID 100

static void test_search_dump(string_t *str, const struct imap_search_arg *arg);

static void test_search_dump_seqset(string_t *str,
				    const struct imap_search_arg *arg)
{
	array_foreach(&arg->seqset, range)
		str_printfa(str, " %u-%u", range->seq1, range->seq2);
}

static void test_search_dump_children(string_t *str,
				      const struct imap_search_arg *arg)
{
	const struct imap_search_arg *child;

	for (child = arg->children; child != NULL; child = child->next) {
		str_append_c(str, ' ');
		test_search_dump(str, child);
	}
}

static void test_search_dump(string_t *str, const struct imap_search_arg *arg)
{
	static const char *const names[] = {
		"AND", "OR", "NOT", "ALL", "SEQ", "UID", "SAVED", "FLAGS",
		"KEYWORD",
		"LARGER", "SMALLER", "BEFORE", "ON", "SINCE", "SENTBEFORE",
		"SENTON", "SENTSINCE", "HEADER", "BODY", "TEXT", "MODSEQ",
	};

	str_printfa(str, "(%s", names[arg->type]);
	switch (arg->type) {
	case IMAP_SEARCH_ARG_AND:
	case IMAP_SEARCH_ARG_OR:
	case IMAP_SEARCH_ARG_NOT:
		test_search_dump_children(str, arg);
		break;
	case IMAP_SEARCH_ARG_SEQSET:
	case IMAP_SEARCH_ARG_UIDSET:
		test_search_dump_seqset(str, arg);
		break;
	case IMAP_SEARCH_ARG_FLAGS:
		str_printfa(str, " %#x", arg->flags);
		break;
	case IMAP_SEARCH_ARG_LARGER:
	case IMAP_SEARCH_ARG_SMALLER:
		str_printfa(str, " %llu", (unsigned long long)arg->size);
		break;
	case IMAP_SEARCH_ARG_BEFORE:
	case IMAP_SEARCH_ARG_ON:
	case IMAP_SEARCH_ARG_SINCE:
	case IMAP_SEARCH_ARG_SENTBEFORE:
	case IMAP_SEARCH_ARG_SENTON:
	case IMAP_SEARCH_ARG_SENTSINCE:
		str_printfa(str, " %lld", (long long)arg->date);
		break;
	case IMAP_SEARCH_ARG_HEADER:
		str_printfa(str, " %s", arg->hdr_name);
		/* fall through */
	case IMAP_SEARCH_ARG_KEYWORD:
	case IMAP_SEARCH_ARG_BODY:
	case IMAP_SEARCH_ARG_TEXT:
		str_printfa(str, " [%s]", arg->str);
		break;
	case IMAP_SEARCH_ARG_MODSEQ:
		str_printfa(str, " %llu", (unsigned long long)arg->modseq);
		break;
	case IMAP_SEARCH_ARG_ALL:
	case IMAP_SEARCH_ARG_SAVED:
		break;
	}
	str_append_c(str, ')');
}

void test_imap_search_args_parse(void)
{
	static const struct {
		const char *input, *output;
	} tests[] = {
		{ "ALL", "(AND (ALL))" },
		{ "answered", "(AND (FLAGS 0x1))" },
		{ "UNANSWERED", "(AND (NOT (FLAGS 0x1)))" },
		{ "DELETED UNDELETED", "(AND (FLAGS 0x4) (NOT (FLAGS 0x4)))" },
		{ "DRAFT UNDRAFT", "(AND (FLAGS 0x10) (NOT (FLAGS 0x10)))" },
		{ "FLAGGED UNFLAGGED", "(AND (FLAGS 0x2) (NOT (FLAGS 0x2)))" },
		{ "SEEN UNSEEN", "(AND (FLAGS 0x8) (NOT (FLAGS 0x8)))" },
		{ "RECENT OLD", "(AND (FLAGS 0x20) (NOT (FLAGS 0x20)))" },
		{ "NEW", "(AND (AND (FLAGS 0x20) (NOT (FLAGS 0x8))))" },
		{ "KEYWORD $Label1 UNKEYWORD foo",
		  "(AND (KEYWORD [$Label1]) (NOT (KEYWORD [foo])))" },
		{ "BCC a CC b FROM c TO d SUBJECT \"e f\"",
		  "(AND (HEADER BCC [a]) (HEADER CC [b]) (HEADER FROM [c]) "
		  "(HEADER TO [d]) (HEADER SUBJECT [e f]))" },
		{ "HEADER X-Foo {3+}\r\nbar", "(AND (HEADER X-Foo [bar]))" },
		{ "HEADER Cc \"\"", "(AND (HEADER Cc []))" },
		{ "BODY x TEXT NIL", "(AND (BODY [x]) (TEXT [NIL]))" },
		{ "BEFORE 1-Feb-1994 ON \"01-feb-1994\" SINCE 28-Feb-2000",
		  "(AND (BEFORE 760060800) (ON 760060800) (SINCE 951696000))" },
		{ "SENTBEFORE 1-Jan-1970 SENTON 2-Jan-1970 "
		  "SENTSINCE 31-Dec-1969",
		  "(AND (SENTBEFORE 0) (SENTON 86400) (SENTSINCE -86400))" },
		{ "LARGER 100 SMALLER 0", "(AND (LARGER 100) (SMALLER 0))" },
		{ "MODSEQ 0 modseq 9223372036854775807",
		  "(AND (MODSEQ 0) (MODSEQ 9223372036854775807))" },
		{ "MODSEQ \"/flags/\\\\seen\" all 5 MODSEQ \"/flags/x\" PRIV 6 "
		  "MODSEQ \"/flags/y\" shared 7",
		  "(AND (MODSEQ 5) (MODSEQ 6) (MODSEQ 7))" },
		{ "1:3,5 *", "(AND (SEQ 1-3 5-5) (SEQ 10-10))" },
		{ "1000 12:*", "(AND (SEQ 1000-1000) (SEQ 10-12))" },
		{ "UID 5:* UID 1,7", "(AND (UID 5-100) (UID 1-1 7-7))" },
		{ "$ UID $ NOT $", "(AND (SAVED) (SAVED) (NOT (SAVED)))" },
		{ "NOT SEEN", "(AND (NOT (FLAGS 0x8)))" },
		{ "NOT NOT SEEN", "(AND (NOT (NOT (FLAGS 0x8))))" },
		{ "OR SEEN FLAGGED", "(AND (OR (FLAGS 0x8) (FLAGS 0x2)))" },
		{ "OR (SEEN DRAFT) NOT 1", "(AND (OR (AND (FLAGS 0x8) "
		  "(FLAGS 0x10)) (NOT (SEQ 1-1))))" },
		{ "OR OR SEEN DRAFT DELETED", "(AND (OR (OR (FLAGS 0x8) "
		  "(FLAGS 0x10)) (FLAGS 0x4)))" },
		{ "((ALL))", "(AND (AND (AND (ALL))))" },
	};
	struct imap_search_arg *root;
	const char *error;
	string_t *str;
	unsigned int i;
	pool_t pool;

	test_begin("imap search args parse");
	for (i = 0; i < N_ELEMENTS(tests); i++) T_BEGIN {
		pool = pool_alloconly_create("search args", 1024);
		str = t_str_new(128);
		test_assert_idx(imap_search_args_parse(pool,
			test_imap_args_parse(tests[i].input), TEST_COUNT,
			TEST_LAST_UID, &root, &error) == 0, i);
		test_search_dump(str, root);
		test_assert_strcmp(str_c(str), tests[i].output);
		test_imap_args_free();
		pool_unref(&pool);
	} T_END;
	test_end();
}

void test_imap_search_args_errors(void)
{
	static const struct {
		const char *input, *error;
	} tests[] = {
		{ "", "Missing search keys" },
		{ "FOO", "Unknown argument FOO" },
		{ "$1", "Invalid sequence set $1: " },
		{ "UID $,1", "Invalid sequence set $,1: " },
		{ "\"ALL\"", "Search key is not an atom" },
		{ "()", "Missing search keys" },
		{ "SEEN ()", "Missing search keys" },
		{ "NOT", "Missing search key" },
		{ "OR SEEN", "Missing search key" },
		{ "FROM", "Missing or invalid parameter for FROM" },
		{ "HEADER Subject", "Missing or invalid parameter for HEADER" },
		{ "HEADER", "Missing or invalid parameter for HEADER" },
		{ "BODY (x)", "Missing or invalid parameter for BODY" },
		{ "KEYWORD", "Missing or invalid parameter for KEYWORD" },
		{ "BEFORE", "Missing or invalid parameter for BEFORE" },
		{ "BEFORE 1994-02-01", "Invalid date for BEFORE: 1994-02-01" },
		{ "ON 32-Feb-1994", "Invalid date for ON: 32-Feb-1994" },
		{ "SINCE 1-Foo-1994", "Invalid date for SINCE: 1-Foo-1994" },
		{ "SENTON 1-Feb-94", "Invalid date for SENTON: 1-Feb-94" },
		{ "LARGER x", "Invalid number for LARGER: x" },
		{ "MODSEQ", "Invalid MODSEQ value" },
		{ "MODSEQ x", "Invalid MODSEQ value" },
		{ "MODSEQ -1", "Invalid MODSEQ value" },
		{ "MODSEQ 9223372036854775808", "Invalid MODSEQ value" },
		{ "MODSEQ \"/flags/x\" 5", "Invalid MODSEQ entry type" },
		{ "MODSEQ \"/flags/x\" foo 5", "Invalid MODSEQ entry type" },
		{ "MODSEQ \"/flags/x\" all", "Invalid MODSEQ value" },
		{ "SMALLER -1", "Invalid number for SMALLER: -1" },
		{ "LARGER 99999999999999999999999",
		  "Invalid number for LARGER: 99999999999999999999999" },
		{ "UID", "Missing or invalid parameter for UID" },
		{ "0", "Invalid sequence set 0: " },
		{ "1:x", "Invalid sequence set 1:x: " },
		{ "UID 1,,2", "Invalid sequence set 1,,2: " },
	};
	struct imap_search_arg *root;
	const char *error;
	unsigned int i;
	pool_t pool;

	test_begin("imap search args errors");
	for (i = 0; i < N_ELEMENTS(tests); i++) T_BEGIN {
		pool = pool_alloconly_create("search args", 1024);
		error = NULL;
		test_assert_idx(imap_search_args_parse(pool,
			test_imap_args_parse(tests[i].input), TEST_COUNT,
			TEST_LAST_UID, &root, &error) == -1, i);
		test_assert_idx(error != NULL &&
				str_begins(error, tests[i].error), i);
		test_imap_args_free();
		pool_unref(&pool);
	} T_END;
	test_end();
}

/* Nesting is bounded: the limit itself is fine, one more is an error. */
static void test_imap_search_args_depth(void)
{
	struct imap_search_arg *root;
	const char *error;
	string_t *line;
	unsigned int i, depth;
	pool_t pool;
	int ret;

	for (depth = IMAP_SEARCH_ARGS_MAX_DEPTH;
	     depth <= IMAP_SEARCH_ARGS_MAX_DEPTH + 1; depth++) T_BEGIN {
		pool = pool_alloconly_create("search args", 1024);
		line = t_str_new(256);
		for (i = 1; i < depth; i++)
			str_append(line, i % 2 == 0 ? "NOT " : "(");
		str_append(line, "SEEN");
		for (i = 1; i < depth; i++) {
			if (i % 2 != 0)
				str_append_c(line, ')');
		}
		ret = imap_search_args_parse(pool,
			test_imap_args_parse(str_c(line)), TEST_COUNT,
			TEST_LAST_UID, &root, &error);
		if (depth <= IMAP_SEARCH_ARGS_MAX_DEPTH) {
			test_assert(ret == 0);
		} else {
			test_assert(ret == -1 && strcmp(error,
				"Search keys nested too deep") == 0);
		}
		test_imap_args_free();
		pool_unref(&pool);
	} T_END;
}

void test_imap_search_args_date(void)
{
	static const struct {
		const char *input;
		int ret;
		time_t time;
	} tests[] = {
		{ "1-Jan-1970", 1, 0 },
		{ "01-jan-1970", 1, 0 },
		{ "29-FEB-2000", 1, 951782400 },
		{ "31-Dec-2037", 1, 2145830400 },
		{ "1-Jan-70", 0, 0 },
		{ "1 Jan 1970", 0, 0 },
		{ "001-Jan-1970", 0, 0 },
		{ "0-Jan-1970", 0, 0 },
		{ "1-January-1970", 0, 0 },
		{ "1-Jan-1970-", 0, 0 },
		{ "", 0, 0 },
	};
	unsigned int i;
	time_t t;

	test_begin("imap search args date and depth");
	for (i = 0; i < N_ELEMENTS(tests); i++) {
		t = -1;
		test_assert_idx(imap_search_args_parse_date(tests[i].input,
				&t) == tests[i].ret, i);
		if (tests[i].ret > 0)
			test_assert_idx(t == tests[i].time, i);
	}
	test_imap_search_args_depth();
	test_end();
}
