/* Copyright (c) Cove authors. See AUTHORS. */

/* Tests for ENVELOPE, BODY and BODYSTRUCTURE of parsed messages, read
   whole and in reads of every size. */

#include "lib.h"
#include "str.h"
#include "istream.h"
#include "message-parser.h"
#include "imap-envelope.h"
#include "imap-bodystructure.h"
#include "test-lib-imap.h"

struct imap_bodystructure_test {
	const char *message;
	const char *envelope;
	const char *body;
	const char *bodystructure;
};

static const struct imap_bodystructure_test imap_bodystructure_tests[] = {
	{
		"From: A <a@b.c>\nSubject: hi\n\nbody\n",
		"(NIL \"hi\" ((\"A\" NIL \"a\" \"b.c\")) "
		"((\"A\" NIL \"a\" \"b.c\")) ((\"A\" NIL \"a\" \"b.c\")) "
		"NIL NIL NIL NIL NIL)",
		"\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL "
		"\"7bit\" 6 1",
		"\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL "
		"\"7bit\" 6 1 NIL NIL NIL NIL",
	},
	{
		"Content-Type: multipart/mixed; boundary=x\n"
		"Content-Language: en, fr\n\n"
		"--x\nContent-Type: text/html; charset=utf-8\n"
		"Content-ID: <id@x>\nContent-Transfer-Encoding: base64\n\n"
		"PHA+\n--x\n"
		"Content-Type: application/pdf; name=\"a.pdf\"\n"
		"Content-Disposition: attachment; filename=\"a.pdf\"\n"
		"Content-Location: http://x/a.pdf\n\nJVBE\n--x--\n",
		"(NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL)",
		"(\"text\" \"html\" (\"charset\" \"utf-8\") \"<id@x>\" NIL "
		"\"base64\" 4 0)(\"application\" \"pdf\" (\"name\" \"a.pdf\") "
		"NIL NIL \"7bit\" 4) \"mixed\"",
		"(\"text\" \"html\" (\"charset\" \"utf-8\") \"<id@x>\" NIL "
		"\"base64\" 4 0 NIL NIL NIL NIL)(\"application\" \"pdf\" "
		"(\"name\" \"a.pdf\") NIL NIL \"7bit\" 4 NIL "
		"(\"attachment\" (\"filename\" \"a.pdf\")) NIL "
		"\"http://x/a.pdf\") \"mixed\" (\"boundary\" \"x\") NIL "
		"(\"en\" \"fr\") NIL",
	},
	{
		"Content-Type: message/rfc822\n\n"
		"Subject: inner\nTo: undisclosed-recipients:;\n\nx\n",
		"(NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL)",
		"\"message\" \"rfc822\" NIL NIL NIL \"7bit\" 51 "
		"(NIL \"inner\" NIL NIL NIL "
		"((NIL NIL \"undisclosed-recipients\" NIL)(NIL NIL NIL NIL)) "
		"NIL NIL NIL NIL) "
		"(\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL "
		"\"7bit\" 3 1) 4",
		NULL,
	},
};

static void
test_imap_bodystructure_one(const struct imap_bodystructure_test *test,
			    size_t limit)
{
	struct message_parser *parser;
	struct message_block block;
	struct message_part *parts;
	struct istream *input;
	string_t *str = t_str_new(512);
	const char *error;
	pool_t pool;

	pool = pool_alloconly_create("test parts", 1024);
	input = test_istream_create_data(test->message,
					 strlen(test->message));
	test_istream_set_read_limit(input, limit);
	parser = message_parser_init(pool, input);
	while (message_parser_parse_next_block(parser, &block) > 0)
		imap_bodystructure_parse_block(pool, &block);
	test_assert(message_parser_deinit(&parser, &parts, &error) == 0);
	imap_envelope_write(imap_bodystructure_get_envelope(parts), str);
	test_assert_strcmp(str_c(str), test->envelope);
	str_truncate(str, 0);
	imap_bodystructure_write(parts, str, false);
	test_assert_strcmp(str_c(str), test->body);
	if (test->bodystructure != NULL) {
		str_truncate(str, 0);
		imap_bodystructure_write(parts, str, true);
		test_assert_strcmp(str_c(str), test->bodystructure);
	}
	i_stream_destroy(&input);
	pool_unref(&pool);
}

void test_imap_bodystructure(void)
{
	unsigned int i;
	size_t limit;

	test_begin("imap bodystructure");
	for (i = 0; i < N_ELEMENTS(imap_bodystructure_tests); i++) {
		for (limit = 0; limit < 40; limit++) T_BEGIN {
			test_imap_bodystructure_one(&imap_bodystructure_tests[i],
						    limit);
		} T_END;
	}
	test_end();
}
