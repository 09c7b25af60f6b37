/* Copyright (c) Cove authors. See AUTHORS. */

/* Tests for imap-fetch-items. */

#include "lib.h"
#include "array.h"
#include "str.h"
#include "imap-fetch.h"
#include "test-imap.h"

/* Writes the request as "fields;body,body;seen". */
static const char *test_fetch_request_str(const struct imap_fetch_request *req)
{
	string_t *str = t_str_new(64);

	str_printfa(str, "%x;", req->fields);
	array_foreach(&req->bodies, body) {
		str_printfa(str, "%s/%d", body->name, body->section);
		if (body->partial) {
			str_printfa(str, "+%llu.%llu",
				    (unsigned long long)body->origin,
				    (unsigned long long)body->count);
		}
		str_append_c(str, ',');
	}
	str_append(str, req->set_seen ? ";seen" : ";peek");
	if (req->changedsince != 0) {
		str_printfa(str, ";since=%llu",
			    (unsigned long long)req->changedsince);
	}
	if (req->vanished)
		str_append(str, ";vanished");
	return str_c(str);
}

static const struct {
	const char *input;
	/* NULL = error */
	const char *output;
} fetch_item_tests[] = {
	{ "FLAGS", "2;;peek" },
	{ "(uid flags)", "3;;peek" },
	{ "(UID FLAGS INTERNALDATE RFC822.SIZE)", "f;;peek" },
	{ "ALL", "1e;;peek" },
	{ "fast", "e;;peek" },
	{ "FULL", "3e;;peek" },
	{ "BODY[]", "0;BODY[]/0,;seen" },
	{ "BODY.PEEK[]", "0;BODY[]/0,;peek" },
	{ "(BODY.PEEK[HEADER] BODY.PEEK[TEXT])",
	  "0;BODY[HEADER]/1,BODY[TEXT]/2,;peek" },
	{ "(body[header] BODY[text] UID)",
	  "1;BODY[HEADER]/1,BODY[TEXT]/2,;seen" },
	{ "(BODY[] BODY.PEEK[])", "0;BODY[]/0,;seen" },
	{ "RFC822", "0;RFC822/0,;seen" },
	{ "RFC822.HEADER", "0;RFC822.HEADER/1,;peek" },
	{ "(RFC822.TEXT RFC822.SIZE)", "8;RFC822.TEXT/2,;seen" },
	{ "ENVELOPE", "10;;peek" },
	{ "(BODYSTRUCTURE body)", "60;;peek" },
	{ "BODY[1]", "0;BODY[1]/0,;seen" },
	{ "BODY.PEEK[1.2.3]<0.5>", "0;BODY[1.2.3]<0>/0+0.5,;peek" },
	{ "BODY[2.header]", "0;BODY[2.HEADER]/1,;seen" },
	{ "BODY[1.2.TEXT]", "0;BODY[1.2.TEXT]/2,;seen" },
	{ "BODY[3.MIME]", "0;BODY[3.MIME]/5,;seen" },
	{ "BODY.PEEK[1.HEADER.FIELDS (A B)]",
	  "0;BODY[1.HEADER.FIELDS (A B)]/3,;peek" },
	{ "BODY[MIME]", NULL },
	{ "BODY[0]", NULL },
	{ "BODY[1.]", NULL },
	{ "BODY[.1]", NULL },
	{ "BODY[1..2]", NULL },
	{ "BODY[1.HEADERX]", NULL },
	{ "BODY[4294967296]", NULL },
	{ "BODY[TEXT.MIME]", NULL },
	{ "BODY[]<0.10>", "0;BODY[]<0>/0+0.10,;seen" },
	{ "BODY.PEEK[TEXT]<5.1>", "0;BODY[TEXT]<5>/2+5.1,;peek" },
	{ "BODY.PEEK[HEADER.FIELDS (A)]<1.2>",
	  "0;BODY[HEADER.FIELDS (A)]<1>/3+1.2,;peek" },
	{ "BODY[]<0.0>", NULL },
	{ "BODY[]<0>", NULL },
	{ "BODY[]<a.1>", NULL },
	{ "BODY[]<0.1>x", NULL },
	{ "BODY[]<0.99999999999999999999>", NULL },
	{ "RFC822<0.1>", NULL },
	{ "BODY[HEADER.FIELDS (From)]",
	  "0;BODY[HEADER.FIELDS (FROM)]/3,;seen" },
	{ "(body.peek[header.fields.not (A B)] body.peek[]<0.1>)",
	  "0;BODY[HEADER.FIELDS.NOT (A B)]/4,BODY[]<0>/0+0.1,;peek" },
	{ "BODY.PEEK[header.fields.not (A  B)]",
	  "0;BODY[HEADER.FIELDS.NOT (A B)]/4,;peek" },
	{ "BODY[HEADER.FIELDS ()]", NULL },
	{ "BODY[HEADER.FIELDS (A:)]", NULL },
	{ "BODY[HEADER.FIELDS (A)]<0.5>",
	  "0;BODY[HEADER.FIELDS (A)]<0>/3+0.5,;seen" },
	{ "BODY[HEADER.FIELDS A]", NULL },
	{ "BODY[HEADER.FIELDS]", NULL },
	{ "(ALL)", NULL },
	{ "()", NULL },
	{ "(FLAGS (UID))", NULL },
	{ "\"FLAGS\"", NULL },
	{ "FLAGS UID", NULL },
	{ "", NULL },
	/* RFC 7162 modifiers */
	{ "MODSEQ", "80;;peek" },
	{ "(UID modseq)", "81;;peek" },
	{ "FLAGS (CHANGEDSINCE 5)", "82;;peek;since=5" },
	{ "(FLAGS) (changedsince 9223372036854775807 vanished)",
	  "82;;peek;since=9223372036854775807;vanished" },
	{ "FLAGS (VANISHED CHANGEDSINCE 1)", "82;;peek;since=1;vanished" },
	{ "FLAGS (CHANGEDSINCE 0)", NULL },
	{ "FLAGS (CHANGEDSINCE 9223372036854775808)", NULL },
	{ "FLAGS (CHANGEDSINCE x)", NULL },
	{ "FLAGS (CHANGEDSINCE)", NULL },
	{ "FLAGS (CHANGEDSINCE 1 CHANGEDSINCE 2)", NULL },
	{ "FLAGS (VANISHED)", NULL },
	{ "FLAGS (CHANGEDSINCE 1 VANISHED VANISHED)", NULL },
	{ "FLAGS (FOO)", NULL },
	{ "FLAGS ()", "2;;peek" },
	{ "FLAGS (CHANGEDSINCE 1) UID", NULL },
	{ "FLAGS (CHANGEDSINCE 1) (VANISHED)", NULL },
};

/* The number of body items is bounded. */
static void test_imap_fetch_items_limit(pool_t pool)
{
	struct imap_fetch_request req;
	string_t *str = t_str_new(4096);
	const char *error;
	unsigned int i;

	for (i = 0; i < 51; i++) {
		str_append(str, i == 0 ? "(" : " ");
		str_printfa(str, "BODY.PEEK[HEADER.FIELDS (X%u)]", i);
		if (i == 49) {
			test_assert(imap_fetch_request_parse(
				test_imap_args_parse(t_strconcat(str_c(str),
					")", NULL)), pool, &req, &error) == 0);
		}
	}
	str_append_c(str, ')');
	test_assert(imap_fetch_request_parse(test_imap_args_parse(str_c(str)),
					     pool, &req, &error) < 0);
}

void test_imap_fetch_items(void)
{
	struct imap_fetch_request req;
	pool_t pool;
	const char *error;
	unsigned int i;
	int ret;

	test_begin("imap fetch items");
	pool = pool_alloconly_create("test fetch", 1024);
	for (i = 0; i < N_ELEMENTS(fetch_item_tests); i++) T_BEGIN {
		const char *output = fetch_item_tests[i].output;

		ret = imap_fetch_request_parse(
			test_imap_args_parse(fetch_item_tests[i].input), pool,
			&req, &error);
		if (output == NULL) {
			test_assert_idx(ret < 0, i);
		} else {
			test_assert_idx(ret == 0, i);
			test_assert_strcmp(test_fetch_request_str(&req),
					   output);
		}
	} T_END;
	test_imap_fetch_items_limit(pool);
	test_imap_args_free();
	pool_unref(&pool);
	test_end();
}
