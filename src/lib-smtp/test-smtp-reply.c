/* Copyright (c) Cove authors. See AUTHORS. */

/* Tests for smtp-reply.c. */

#include "lib.h"
#include "str.h"
#include "test-common.h"
#include "smtp-reply.h"

void test_smtp_reply(void);

void test_smtp_reply(void)
{
	static const char *const lhlo[] = {
		"mx.example.com", "8BITMIME", "SIZE 100", NULL
	};
	static const struct {
		unsigned int code;
		const char *enhanced_code;
		bool valid;
	} codes[] = {
		{ 250, "2.1.0", true },
		{ 550, "5.1.1", true },
		{ 451, "4.300.100", true },
		{ 250, "5.1.1", false },
		{ 354, "3.0.0", false },
		{ 250, "2.1", false },
		{ 250, "2.1.0.", false },
		{ 250, "2..0", false },
		{ 250, "2.1000.0", false },
		{ 250, "", false },
	};
	string_t *str = t_str_new(256);

	test_begin("smtp reply");
	smtp_reply_append(str, 250, "2.1.0", "OK");
	test_assert_strcmp(str_c(str), "250 2.1.0 OK\r\n");
	str_truncate(str, 0);
	smtp_reply_append(str, 354, NULL, "OK");
	test_assert_strcmp(str_c(str), "354 OK\r\n");
	str_truncate(str, 0);
	smtp_reply_append_lines(str, 250, NULL, lhlo);
	test_assert_strcmp(str_c(str), "250-mx.example.com\r\n"
			   "250-8BITMIME\r\n250 SIZE 100\r\n");
	str_truncate(str, 0);
	smtp_reply_append(str, 550, "5.1.1", "bad\r\n250 injected");
	test_assert_strcmp(str_c(str), "550 5.1.1 bad  250 injected\r\n");
	for (unsigned int i = 0; i < N_ELEMENTS(codes); i++) {
		test_assert_idx(smtp_reply_code_is_valid(
			codes[i].code, codes[i].enhanced_code) ==
			codes[i].valid, i);
	}
	test_end();
}
