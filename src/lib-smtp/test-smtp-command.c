/* Copyright (c) Cove authors. See AUTHORS. */

/* Tests for smtp-command.c: MAIL and RCPT arguments. */

#include "lib.h"
#include "test-common.h"
#include "smtp-command.h"

void test_smtp_command_parse_mail(void);
void test_smtp_command_parse_rcpt(void);
void test_smtp_command_parse_bdat(void);

#define BAD_SYNTAX SMTP_COMMAND_ARG_ERROR_BAD_SYNTAX
#define BAD_ADDRESS SMTP_COMMAND_ARG_ERROR_BAD_ADDRESS
#define UNSUPPORTED SMTP_COMMAND_ARG_ERROR_UNSUPPORTED

void test_smtp_command_parse_mail(void)
{
	static const struct {
		const char *args;
		int ret;
		enum smtp_command_arg_error error_code;
		const char *from;
		uoff_t size;
		enum smtp_body_type body;
	} tests[] = {
		{ "FROM:<a@example.com>", 0, 0, "a@example.com", 0, 0 },
		{ "from:<a@example.com>", 0, 0, "a@example.com", 0, 0 },
		{ "FROM: <a@example.com>", 0, 0, "a@example.com", 0, 0 },
		{ "FROM:<>", 0, 0, "", 0, 0 },
		{ "FROM:<\"x y\"@example.com>", 0, 0,
		  "\"x y\"@example.com", 0, 0 },
		{ "FROM:<a@b> SIZE=1000", 0, 0, "a@b", 1000, 0 },
		{ "FROM:<a@b> size=1000 body=8bitmime", 0, 0, "a@b", 1000,
		  SMTP_BODY_TYPE_8BITMIME },
		{ "FROM:<a@b>  BODY=7BIT ", 0, 0, "a@b", 0,
		  SMTP_BODY_TYPE_7BIT },
		{ "FROM:<a@b> SIZE=x", -1, BAD_SYNTAX, NULL, 0, 0 },
		{ "FROM:<a@b> SIZE=", -1, BAD_SYNTAX, NULL, 0, 0 },
		{ "FROM:<a@b> SIZE", -1, BAD_SYNTAX, NULL, 0, 0 },
		{ "FROM:<a@b> SIZE=1 SIZE=2", -1, BAD_SYNTAX, NULL, 0, 0 },
		{ "FROM:<a@b> SIZE=99999999999999999999999", -1, BAD_SYNTAX,
		  NULL, 0, 0 },
		{ "FROM:<a@b> BODY=BINARYMIME", -1, BAD_SYNTAX, NULL, 0, 0 },
		{ "FROM:<a@b> SMTPUTF8", 0, 0, "a@b", 0, 0 },
		{ "FROM:<\xc3\xa9@b> SMTPUTF8 BODY=8BITMIME", 0, 0,
		  "\xc3\xa9@b", 0, SMTP_BODY_TYPE_8BITMIME },
		{ "FROM:<\xc3\xa9@b>", -1, BAD_ADDRESS, NULL, 0, 0 },
		{ "FROM:<a@b> SMTPUTF8=x", -1, BAD_SYNTAX, NULL, 0, 0 },
		{ "FROM:<a@b> SMTPUTF8 SMTPUTF8", -1, BAD_SYNTAX, NULL, 0, 0 },
		{ "FROM:<a@b> AUTH=<>", -1, UNSUPPORTED, NULL, 0, 0 },
		{ "FROM:<a@b> =x", -1, BAD_SYNTAX, NULL, 0, 0 },
		{ "FROM:<a@b> A=\x01", -1, BAD_SYNTAX, NULL, 0, 0 },
		{ "FROM:a@b", -1, BAD_ADDRESS, NULL, 0, 0 },
		{ "FROM:<a@b", -1, BAD_ADDRESS, NULL, 0, 0 },
		{ "FROM:<a@b>x", -1, BAD_ADDRESS, NULL, 0, 0 },
		{ "TO:<a@b>", -1, BAD_SYNTAX, NULL, 0, 0 },
		{ "", -1, BAD_SYNTAX, NULL, 0, 0 },
	};
	pool_t pool = pool_alloconly_create("test smtp mail", 1024);

	test_begin("smtp command parse mail");
	for (unsigned int i = 0; i < N_ELEMENTS(tests); i++) {
		struct smtp_mail_args mail;
		enum smtp_command_arg_error error_code;
		const char *error;
		int ret;

		ret = smtp_command_parse_mail(pool, tests[i].args, 0, &mail,
					      &error_code, &error);
		test_assert_idx(ret == tests[i].ret, i);
		if (ret < 0) {
			test_assert_idx(error_code == tests[i].error_code, i);
			continue;
		}
		if (tests[i].ret < 0)
			continue;
		test_assert_strcmp(smtp_address_encode(mail.from),
				   tests[i].from);
		test_assert_idx(mail.size == tests[i].size, i);
		test_assert_idx(mail.body == tests[i].body, i);
	}
	test_end();
	pool_unref(&pool);
}

void test_smtp_command_parse_rcpt(void)
{
	static const struct {
		const char *args;
		enum smtp_address_parse_flags flags;
		int ret;
		enum smtp_command_arg_error error_code;
		const char *to;
	} tests[] = {
		{ "TO:<a@example.com>", 0, 0, 0, "a@example.com" },
		{ "to:<a+box@example.com>", 0, 0, 0, "a+box@example.com" },
		{ "TO:<user>", SMTP_ADDRESS_PARSE_FLAG_ALLOW_LOCALPART, 0, 0,
		  "user" },
		{ "TO:<user>", 0, -1, BAD_ADDRESS, NULL },
		{ "TO:<>", SMTP_ADDRESS_PARSE_FLAG_ALLOW_EMPTY, -1,
		  BAD_ADDRESS, NULL },
		{ "TO:<a@b> NOTIFY=NEVER", 0, -1, UNSUPPORTED, NULL },
		{ "TO:<\xc3\xa9@b>", SMTP_ADDRESS_PARSE_FLAG_ALLOW_UTF8, 0, 0,
		  "\xc3\xa9@b" },
		{ "TO:<\xc3\xa9@b>", 0, -1, BAD_ADDRESS, NULL },
		{ "TO:a@b", 0, -1, BAD_ADDRESS, NULL },
		{ "FROM:<a@b>", 0, -1, BAD_SYNTAX, NULL },
	};
	pool_t pool = pool_alloconly_create("test smtp rcpt", 1024);

	test_begin("smtp command parse rcpt");
	for (unsigned int i = 0; i < N_ELEMENTS(tests); i++) {
		struct smtp_rcpt_args rcpt;
		enum smtp_command_arg_error error_code;
		const char *error;
		int ret;

		ret = smtp_command_parse_rcpt(pool, tests[i].args,
					      tests[i].flags, &rcpt,
					      &error_code, &error);
		test_assert_idx(ret == tests[i].ret, i);
		if (ret < 0) {
			test_assert_idx(error_code == tests[i].error_code, i);
			continue;
		}
		if (tests[i].ret == 0)
			test_assert_strcmp(smtp_address_encode(rcpt.to),
					   tests[i].to);
	}
	test_end();
	pool_unref(&pool);
}

void test_smtp_command_parse_bdat(void)
{
	static const struct {
		const char *args;
		int ret;
		uoff_t size;
		bool last;
	} tests[] = {
		{ "0", 0, 0, false },
		{ "1000", 0, 1000, false },
		{ "1000 LAST", 0, 1000, true },
		{ "0 last", 0, 0, true },
		{ "", -1, 0, false },
		{ "LAST", -1, 0, false },
		{ "-1", -1, 0, false },
		{ "+1", -1, 0, false },
		{ "1x", -1, 0, false },
		{ "1 LAST x", -1, 0, false },
		{ "1 FIRST", -1, 0, false },
		{ "1  LAST", -1, 0, false },
		{ "99999999999999999999999", -1, 0, false },
	};

	test_begin("smtp command parse bdat");
	for (unsigned int i = 0; i < N_ELEMENTS(tests); i++) {
		uoff_t size = 0;
		bool last = false;
		const char *error;
		int ret;

		ret = smtp_command_parse_bdat(tests[i].args, &size, &last,
					      &error);
		test_assert_idx(ret == tests[i].ret, i);
		if (ret == 0) {
			test_assert_idx(size == tests[i].size, i);
			test_assert_idx(last == tests[i].last, i);
		}
	}
	test_end();
}
