/* Copyright (c) Cove authors. See AUTHORS. */

/* Tests for admin-search-query: each doveadm key and its IMAP form,
   dates (with a fixed "now" in UTC), sizes, nesting, and the errors. The
   IMAP keys are printed back as a line: atoms bare, strings quoted. */

#include "lib.h"
#include "str.h"
#include "imap-parser.h"
#include "admin-search-query.h"
#include "test-common.h"

#include <stdlib.h>

/* main() and the prototypes of the tests below */
#define TEST_REGISTRY "test-admin.inc"
#include "test-main.h"

/* 2024-02-10 12:00:00 UTC */
#define TEST_NOW 1707566400

static void test_query_dump(string_t *str, const struct imap_arg *args)
{
	const struct imap_arg *list;
	const char *value;

	for (; !imap_arg_is_eol(args); args++) {
		if (str_len(str) > 0 && str_data(str)[str_len(str) - 1] != '(')
			str_append_c(str, ' ');
		if (imap_arg_get_list(args, &list)) {
			str_append_c(str, '(');
			test_query_dump(str, list);
			str_append_c(str, ')');
		} else if (imap_arg_get_atom(args, &value)) {
			str_append(str, value);
		} else if (imap_arg_get_string(args, &value)) {
			str_printfa(str, "\"%s\"", value);
		}
	}
}

/* Parses words split at spaces. Returns the dump, or "error: ...". */
static const char *test_query_parse(pool_t pool, const char *line,
				    const char **mailbox_r)
{
	struct admin_search_query query;
	const char *const *words = t_strsplit_spaces(line, " ");
	const char *error;
	string_t *str = t_str_new(128);

	if (admin_search_query_parse(pool, words, TEST_NOW, &query,
				     &error) < 0)
		return t_strconcat("error: ", error, NULL);
	test_query_dump(str, query.args);
	*mailbox_r = query.mailbox;
	return str_c(str);
}

static void test_set_utc(void)
{
	if (setenv("TZ", "UTC", 1) < 0)
		i_fatal("setenv(TZ) failed: %m");
	tzset();
}

void test_admin_search_query_parse(void)
{
	static const struct {
		const char *input, *output, *mailbox;
	} tests[] = {
		{ "seen", "SEEN", NULL },
		{ "mailbox INBOX seen since 30d from alice body invoice",
		  "SEEN SINCE \"11-Jan-2024\" FROM \"alice\" BODY \"invoice\"",
		  "INBOX" },
		{ "mailbox Arch*", "ALL", "Arch*" },
		{ "all", "ALL", NULL },
		{ "1:3 uid 5,7:*", "1:3 UID \"5,7:*\"", NULL },
		{ "* 2,4", "* 2,4", NULL },
		{ "seen OR flagged", "OR SEEN FLAGGED", NULL },
		{ "seen or flagged or deleted or draft",
		  "OR SEEN OR FLAGGED OR DELETED DRAFT", NULL },
		{ "not seen or ( draft answered )",
		  "OR NOT SEEN (DRAFT ANSWERED)", NULL },
		{ "not ( seen or flagged ) recent",
		  "NOT (OR SEEN FLAGGED) RECENT", NULL },
		{ "savedon 2007-04-13 ( seen or ( flagged not draft ) )",
		  "ON \"13-Apr-2007\" (OR SEEN (FLAGGED NOT DRAFT))", NULL },
		{ "not not seen", "NOT NOT SEEN", NULL },
		{ "new old recent unseen undeleted unflagged undraft "
		  "unanswered", "NEW OLD RECENT UNSEEN UNDELETED UNFLAGGED "
		  "UNDRAFT UNANSWERED", NULL },
		{ "before 2024-01-31", "BEFORE \"31-Jan-2024\"", NULL },
		{ "on 2024-12-01", "ON \"1-Dec-2024\"", NULL },
		{ "on 31-Jan-2024", "ON \"31-Jan-2024\"", NULL },
		{ "since 1707566400", "SINCE \"10-Feb-2024\"", NULL },
		{ "since 0", "SINCE \"01-Jan-1970\"", NULL },
		{ "savedsince 2w", "SINCE \"27-Jan-2024\"", NULL },
		{ "savedbefore 1days savedon 36hours",
		  "BEFORE \"09-Feb-2024\" ON \"09-Feb-2024\"", NULL },
		{ "sentbefore 1h sentsince 90s senton 3mins",
		  "SENTBEFORE \"10-Feb-2024\" SENTSINCE \"10-Feb-2024\" "
		  "SENTON \"10-Feb-2024\"", NULL },
		{ "larger 10k smaller 2M",
		  "LARGER \"10240\" SMALLER \"2097152\"",
		  NULL },
		{ "larger 1G smaller 0", "LARGER \"1073741824\" SMALLER \"0\"",
		  NULL },
		{ "header X-Spam yes", "HEADER \"X-Spam\" \"yes\"", NULL },
		{ "modseq 5", "MODSEQ 5", NULL },
		{ "keyword $Label1 unkeyword foo",
		  "KEYWORD \"$Label1\" UNKEYWORD \"foo\"", NULL },
		{ "text hi to bob cc c bcc d subject s",
		  "TEXT \"hi\" TO \"bob\" CC \"c\" BCC \"d\" SUBJECT \"s\"",
		  NULL },
		{ "SEEN Mailbox Sent FROM x", "SEEN FROM \"x\"", "Sent" },
	};
	pool_t pool;
	const char *mailbox;

	test_set_utc();
	test_begin("admin search query parse");
	for (unsigned int i = 0; i < N_ELEMENTS(tests); i++) T_BEGIN {
		pool = pool_alloconly_create("test query", 1024);
		mailbox = NULL;
		test_assert_strcmp(test_query_parse(pool, tests[i].input,
						    &mailbox),
				   tests[i].output);
		test_assert_idx(null_strcmp(mailbox, tests[i].mailbox) == 0, i);
		pool_unref(&pool);
	} T_END;
	test_end();
}

void test_admin_search_query_errors(void)
{
	static const struct {
		const char *input, *error;
	} tests[] = {
		{ "", "Empty search query" },
		{ "bogus", "Unknown search key: bogus" },
		{ "$", "Unknown search key: $" },
		{ "since yesterday", "Invalid date for since: yesterday" },
		{ "since 2024-13-01", "Invalid date for since: 2024-13-01" },
		{ "since 30y", "Invalid date for since: 30y" },
		{ "since 99999999999", "Invalid date for since: 99999999999" },
		{ "since 99999999999999999999d",
		  "Invalid date for since: 99999999999999999999d" },
		{ "on 32-Jan-2024", "Invalid date for ON: 32-Jan-2024" },
		{ "larger 10x", "Invalid size for larger: 10x" },
		{ "larger k", "Invalid size for larger: k" },
		{ "larger 99999999999G",
		  "Invalid size for larger: 99999999999G" },
		{ "from", "from needs a value" },
		{ "header X", "header needs a value" },
		{ "header", "header needs a name" },
		{ "( seen", "Missing ')'" },
		{ "seen )", "Unexpected ')'" },
		{ "( )", "Empty parentheses" },
		{ "( ( ) )", "Empty parentheses" },
		{ "not", "Missing search key" },
		{ "not )", "Missing search key" },
		{ "or seen", "OR needs a search key on each side" },
		{ "seen or", "OR needs a search key on each side" },
		{ "seen or or flagged", "OR needs a search key on each side" },
		{ "( seen or )", "OR needs a search key on each side" },
		{ "seen or flagged deleted",
		  "Use parentheses when mixing ANDs and ORs" },
		{ "seen flagged or deleted",
		  "Use parentheses when mixing ANDs and ORs" },
		{ "mailbox X or seen",
		  "mailbox cannot be ORed with other keys" },
		{ "seen or mailbox X",
		  "mailbox cannot be ORed with other keys" },
		{ "( mailbox X )", "mailbox is allowed only at the top level" },
		{ "mailbox A mailbox B", "mailbox is allowed only once" },
		{ "mailbox", "mailbox needs a name" },
		{ "mailbox-guid 0123",
		  "mailbox-guid: Cove has no mailbox GUIDs" },
		{ "uid 1:x", NULL },
		{ "1:x", NULL },
		{ "modseq x", "Invalid MODSEQ value" },
		{ "modseq", "modseq needs a value" },
	};
	string_t *deep = t_str_new(256);
	pool_t pool;
	const char *mailbox, *result;

	test_set_utc();
	test_begin("admin search query errors");
	for (unsigned int i = 0; i < N_ELEMENTS(tests); i++) T_BEGIN {
		pool = pool_alloconly_create("test query", 1024);
		result = test_query_parse(pool, tests[i].input, &mailbox);
		if (tests[i].error != NULL) {
			test_assert_strcmp(result, t_strconcat("error: ",
				tests[i].error, NULL));
		} else {
			test_assert_idx(str_begins(result,
				"error: Invalid sequence set"), i);
		}
		pool_unref(&pool);
	} T_END;
	for (unsigned int i = 0; i < 40; i++)
		str_append(deep, "not ");
	str_append(deep, "seen");
	pool = pool_alloconly_create("test query", 1024);
	test_assert_strcmp(test_query_parse(pool, str_c(deep), &mailbox),
			   "error: Query nested too deeply");
	pool_unref(&pool);
	test_end();
}
