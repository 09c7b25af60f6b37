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
	array_foreach(&req->bodies, body)
		str_printfa(str, "%s/%d,", body->name, body->section);
	str_append(str, req->set_seen ? ";seen" : ";peek");
	return str_c(str);
}

void test_imap_fetch_items(void)
{
	static const struct {
		const char *input;
		/* NULL = error */
		const char *output;
	} tests[] = {
		{ "FLAGS", "2;;peek" },
		{ "(uid flags)", "3;;peek" },
		{ "(UID FLAGS INTERNALDATE RFC822.SIZE)", "f;;peek" },
		{ "ALL", "e;;peek" },
		{ "fast", "e;;peek" },
		{ "FULL", "e;;peek" },
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
		{ "ENVELOPE", NULL },
		{ "BODYSTRUCTURE", NULL },
		{ "BODY", NULL },
		{ "BODY[]<0.10>", NULL },
		{ "BODY[1]", NULL },
		{ "BODY[HEADER.FIELDS (From)]",
		  "0;BODY[HEADER.FIELDS (From)]/3,;seen" },
		{ "(body.peek[header.fields.not (A B)] body.peek[]<0.1>)",
		  NULL },
		{ "BODY.PEEK[header.fields.not (A  B)]",
		  "0;BODY[HEADER.FIELDS.NOT (A B)]/4,;peek" },
		{ "BODY[HEADER.FIELDS ()]", NULL },
		{ "BODY[HEADER.FIELDS (A:)]", NULL },
		{ "BODY[HEADER.FIELDS (A)]<0.5>", NULL },
		{ "BODY[HEADER.FIELDS A]", NULL },
		{ "BODY[HEADER.FIELDS]", NULL },
		{ "(ALL)", NULL },
		{ "()", NULL },
		{ "(FLAGS (UID))", NULL },
		{ "\"FLAGS\"", NULL },
		{ "FLAGS UID", NULL },
		{ "", NULL },
	};
	struct imap_fetch_request req;
	pool_t pool;
	const char *error;
	unsigned int i;
	int ret;

	test_begin("imap fetch items");
	pool = pool_alloconly_create("test fetch", 1024);
	for (i = 0; i < N_ELEMENTS(tests); i++) T_BEGIN {
		ret = imap_fetch_request_parse(
			test_imap_args_parse(tests[i].input), pool, &req,
			&error);
		if (tests[i].output == NULL) {
			test_assert_idx(ret < 0, i);
		} else {
			test_assert_idx(ret == 0, i);
			test_assert_strcmp(test_fetch_request_str(&req),
					   tests[i].output);
		}
	} T_END;
	test_imap_args_free();
	pool_unref(&pool);
	test_end();
}
