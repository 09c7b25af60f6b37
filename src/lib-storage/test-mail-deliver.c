/* Copyright (c) Cove authors. See AUTHORS. */

/* Tests for the parts of mail-deliver that need no storage or userdb:
   the Message-ID for the log, finding a Delivered-To and LMTP's Received
   header. */

#include "lib.h"
#include "str.h"
#include "smtp-spool.h"
#include "mail-deliver.h"
#include "test-storage-common.h"

struct mail_deliver_msgid_test {
	const char *input;
	const char *msgid;
};

static const struct mail_deliver_msgid_test mail_deliver_msgid_tests[] = {
	{ "Message-ID: <a@b>\r\n\r\nbody\r\n", "<a@b>" },
	{ "Subject: x\nmessage-id:   <x@y>\n\tfolded\n\nbody\n",
	  "<x@y> folded" },
	{ "Message-ID: \t<a@b>\r\n continued\r\nSubject: x\r\n",
	  "<a@b> continued" },
	{ "Subject: x\r\n\r\nMessage-ID: <body@x>\r\n", "unspecified" },
	{ "Subject: no id\r\n", "unspecified" },
	{ "", "unspecified" },
	{ "Message-ID: <a\x01" "b\x7f>\r\n\r\n", "<ab>" },
	{ "Message-ID:<tight@x>", "<tight@x>" },
	{ "X-Message-ID: <not@this>\r\n\r\n", "unspecified" },
};

static void test_mail_deliver_msgid(void)
{
	const char *error;

	test_begin("mail_deliver_get_msgid");
	for (unsigned int i = 0; i < N_ELEMENTS(mail_deliver_msgid_tests);
	     i++) T_BEGIN {
		const struct mail_deliver_msgid_test *t =
			&mail_deliver_msgid_tests[i];
		struct smtp_spool *spool = smtp_spool_create("/tmp", 4096);

		test_assert_idx(t->input[0] == '\0' ||
				smtp_spool_append(spool, t->input,
						  strlen(t->input),
						  &error) == 0, i);
		test_assert_strcmp(mail_deliver_get_msgid(spool), t->msgid);
		smtp_spool_destroy(&spool);
	} T_END;

	/* the logged value is bounded */
	struct smtp_spool *spool = smtp_spool_create("/tmp", 4096);
	string_t *input = t_str_new(1100);

	str_append(input, "Message-ID: <");
	for (unsigned int i = 0; i < 1000; i++)
		str_append_c(input, 'x');
	str_append(input, ">\r\n");
	test_assert(smtp_spool_append(spool, str_data(input),
				      str_len(input), &error) == 0);
	test_assert(strlen(mail_deliver_get_msgid(spool)) == 200);
	smtp_spool_destroy(&spool);
	test_end();
}

static void test_mail_deliver_lmtp_received(void)
{
	const char *value;

	test_begin("mail_deliver_lmtp_received");
	value = mail_deliver_lmtp_received("mx.example", "192.0.2.1",
					   "mail.example", "ID1",
					   "u@example.org");
	test_assert(str_begins(value, "Received: from mx.example "
		"([192.0.2.1])\r\n\tby mail.example with LMTP id ID1\r\n"
		"\tfor <u@example.org>; "));
	test_assert(str_ends(value, "\r\n"));
	value = mail_deliver_lmtp_received("mx.example", NULL, "h", "ID2",
					   "u@x");
	test_assert(str_begins(value, "Received: from mx.example\r\n"
			       "\tby h with LMTP id ID2\r\n\tfor <u@x>; "));
	test_end();
}

static void test_mail_deliver_has_delivered_to(void)
{
	static const struct {
		const char *input;
		bool result;
	} tests[] = {
		{ "Delivered-To: u1@localhost\r\n\r\nbody\r\n", true },
		{ "delivered-to:U1@LocalHost\n\n", true },
		{ "Delivered-To: <u1@localhost> \r\n\r\n", true },
		{ "Delivered-To: other@localhost\r\n"
		  "X-Original-To: u1@localhost\r\n"
		  "Delivered-To: u1@localhost\r\n\r\n", true },
		{ "Delivered-To: other@localhost\r\n\r\n", false },
		{ "Delivered-To: u1@localhost.example\r\n\r\n", false },
		{ "Delivered-To: xu1@localhost\r\n\r\n", false },
		{ "X-Delivered-To: u1@localhost\r\n\r\n", false },
		{ "Subject: x\r\n\r\nDelivered-To: u1@localhost\r\n",
		  false },
		{ "Delivered-To:\r\n\r\n", false },
		{ "", false },
	};
	const char *error;

	test_begin("mail_deliver_has_delivered_to");
	for (unsigned int i = 0; i < N_ELEMENTS(tests); i++) T_BEGIN {
		struct smtp_spool *spool = smtp_spool_create("/tmp", 4096);

		test_assert_idx(tests[i].input[0] == '\0' ||
				smtp_spool_append(spool, tests[i].input,
						  strlen(tests[i].input),
						  &error) == 0, i);
		test_assert_idx(mail_deliver_has_delivered_to(spool,
			"u1@localhost") == tests[i].result, i);
		smtp_spool_destroy(&spool);
	} T_END;
	test_end();
}

void test_mail_deliver(void)
{
	test_mail_deliver_msgid();
	test_mail_deliver_has_delivered_to();
	test_mail_deliver_lmtp_received();
}
