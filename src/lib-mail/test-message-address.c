/* Copyright (c) Cove authors. See AUTHORS. */

/* Tests for address-list parsing. */

#include "lib.h"
#include "str.h"
#include "message-address.h"
#include "test-lib-mail.h"

struct message_address_test {
	const char *input;
	/* name|route|mailbox|domain per address, ";" between; "!" marks
	   invalid syntax */
	const char *output;
};

static const struct message_address_test message_address_tests[] = {
	{ "user@example.com", "|||user|example.com" },
	{ "John Doe <john@example.com>", "|John Doe||john|example.com" },
	{ "\"Doe, John\" <john@example.com>, b@c",
	  "|Doe, John||john|example.com;|||b|c" },
	{ "john@example.com (John Doe)", "|John Doe||john|example.com" },
	{ "<@r1,@r2:u@d>", "||@r1,@r2|u|d" },
	{ "friends: a@b, C <c@d>;, e@f",
	  "|||friends|;|||a|b;|C||c|d;||||;|||e|f" },
	{ "undisclosed-recipients:;", "|||undisclosed-recipients|;||||" },
	{ "<>", "!|||MISSING_MAILBOX|MISSING_DOMAIN" },
	{ "user", "|||user|MISSING_DOMAIN" },
	{ "Name <user@>", "!|Name||user|SYNTAX_ERROR" },
	{ "<a@b", "!|||a|SYNTAX_ERROR" },
	{ "Name <a@b.>", "!|Name||a|SYNTAX_ERROR" },
	{ "a@b.", "!|||a|MISSING_DOMAIN" },
	{ "a..b@c", "|||a..b|c" },
	{ "x <@>", "!|x|INVALID_ROUTE|MISSING_MAILBOX|MISSING_DOMAIN" },
	{ "\"quoted\"", "!|quoted||MISSING_MAILBOX|MISSING_DOMAIN" },
	{ "a b c", "!|a b c||MISSING_MAILBOX|MISSING_DOMAIN" },
	{ ": a@b;", "||||;|||a|b;||||" },
	{ "g: , a@b;",
	  "|||g|;!|||MISSING_MAILBOX|MISSING_DOMAIN;|||a|b;||||" },
	{ ", a@b,", "!|||MISSING_MAILBOX|MISSING_DOMAIN;|||a|b" },
	{ "Name <>", "!|Name||MISSING_MAILBOX|MISSING_DOMAIN" },
	{ "@@@", "!|||MISSING_MAILBOX|MISSING_DOMAIN" },
	{ "J. Smith <j@s>", "|J. Smith||j|s" },
	{ "\"a b\"@c", "|||a b|c" },
	{ "a@b junk, c@d", "!|||a|b" },
	{ "Name <a@b.>, c@d", "!|Name||a|SYNTAX_ERROR" },
	{ "@@@, c@d", "!|||MISSING_MAILBOX|MISSING_DOMAIN" },
	{ "g: a@b x; c@d", "|||g|;!|||a|b;||||" },
	{ "a b c, d@e", "!|a b c||MISSING_MAILBOX|MISSING_DOMAIN;|||d|e" },
	{ "", "" },
	{ " , ,", "!|||MISSING_MAILBOX|MISSING_DOMAIN;"
		  "!|||MISSING_MAILBOX|MISSING_DOMAIN" },
};

static const char *message_address_dump(const struct message_address *addr)
{
	string_t *str = t_str_new(128);

	for (; addr != NULL; addr = addr->next) {
		if (str_len(str) > 0)
			str_append_c(str, ';');
		str_printfa(str, "%s|%s|%s|%s|%s",
			    addr->invalid_syntax ? "!" : "",
			    addr->name == NULL ? "" : addr->name,
			    addr->route == NULL ? "" : addr->route,
			    addr->mailbox == NULL ? "" : addr->mailbox,
			    addr->domain == NULL ? "" : addr->domain);
	}
	return str_c(str);
}

void test_message_address(void)
{
	struct message_address *addr;
	pool_t pool = pool_alloconly_create("test address", 1024);
	unsigned int i;

	test_begin("message address");
	for (i = 0; i < N_ELEMENTS(message_address_tests); i++) {
		const char *in = message_address_tests[i].input;

		addr = message_address_parse(pool, (const void *)in,
					     strlen(in), 100);
		test_assert_strcmp(message_address_dump(addr),
				   message_address_tests[i].output);
	}
	addr = message_address_parse(pool, (const void *)"a@b, c@d, e@f", 13,
				     2);
	test_assert_strcmp(message_address_dump(addr), "|||a|b;|||c|d");
	pool_unref(&pool);
	test_end();
}
