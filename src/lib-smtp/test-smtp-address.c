/* Copyright (c) Cove authors. See AUTHORS. */

/* Tests for smtp-address.c. */

#include "lib.h"
#include "test-common.h"
#include "smtp-address.h"

#define ALLOW_EMPTY SMTP_ADDRESS_PARSE_FLAG_ALLOW_EMPTY
#define ALLOW_LOCAL SMTP_ADDRESS_PARSE_FLAG_ALLOW_LOCALPART
#define ALLOW_UTF8 SMTP_ADDRESS_PARSE_FLAG_ALLOW_UTF8

void test_smtp_address_parse(void);
void test_smtp_address_encode(void);
void test_smtp_address_split_detail(void);
void test_smtp_address_is_users(void);

static const struct {
	const char *input;
	enum smtp_address_parse_flags flags;
	int ret;
	const char *localpart;
	const char *domain;
	/* what follows the path */
	const char *rest;
} parse_tests[] = {
	{ "<user@example.com>", 0, 0, "user", "example.com", "" },
	{ "<first.last@sub.example.com> SIZE=1", 0, 0,
	  "first.last", "sub.example.com", " SIZE=1" },
	{ "<\"odd user\"@example.com>", 0, 0, "odd user", "example.com", "" },
	{ "<\"a\\\"b\\\\c\"@x>", 0, 0, "a\"b\\c", "x", "" },
	{ "<u@[192.0.2.1]>", 0, 0, "u", "[192.0.2.1]", "" },
	{ "<@relay.example,@r2:user@example.com>", 0, 0,
	  "user", "example.com", "" },
	{ "<>", ALLOW_EMPTY, 0, "", NULL, "" },
	{ "<>", 0, -1, NULL, NULL, NULL },
	{ "<postmaster>", ALLOW_LOCAL, 0, "postmaster", NULL, "" },
	{ "<postmaster>", 0, -1, NULL, NULL, NULL },
	{ "<us\xc3\xa9r@example.com>", ALLOW_UTF8, 0, "us\xc3\xa9r",
	  "example.com", "" },
	{ "<\"\xc3\xa9 x\"@k\xc3\xb6ln.de>", ALLOW_UTF8, 0, "\xc3\xa9 x",
	  "k\xc3\xb6ln.de", "" },
	{ "<us\xc3\xa9r@example.com>", 0, -1, NULL, NULL, NULL },
	{ "<\xf0\x9f\x98\x80@\xe6\x97\xa5.jp>", ALLOW_UTF8, 0,
	  "\xf0\x9f\x98\x80", "\xe6\x97\xa5.jp", "" },
	{ "<us\xc3r@example.com>", ALLOW_UTF8, -1, NULL, NULL, NULL },
	{ "<\xc0\xafx@example.com>", ALLOW_UTF8, -1, NULL, NULL, NULL },
	{ "<\xed\xa0\x80@example.com>", ALLOW_UTF8, -1, NULL, NULL, NULL },
	{ "<\xf4\x90\x80\x80@example.com>", ALLOW_UTF8, -1, NULL, NULL,
	  NULL },
	{ "<u@ex\xff" "ample.com>", ALLOW_UTF8, -1, NULL, NULL, NULL },
	{ "<u\xe6\x97@example.com>", ALLOW_UTF8, -1, NULL, NULL, NULL },
	{ "<\"\xc3\xa9\"@example.com>", 0, -1, NULL, NULL, NULL },
	{ "<user@k\xc3\xb6ln.de>", 0, -1, NULL, NULL, NULL },
	{ "user@example.com", 0, -1, NULL, NULL, NULL },
	{ "<user@example.com", 0, -1, NULL, NULL, NULL },
	{ "<user@example.com x>", 0, -1, NULL, NULL, NULL },
	{ "<a..b@example.com>", 0, -1, NULL, NULL, NULL },
	{ "<.a@example.com>", 0, -1, NULL, NULL, NULL },
	{ "<a.@example.com>", 0, -1, NULL, NULL, NULL },
	{ "<a@b..c>", 0, -1, NULL, NULL, NULL },
	{ "<a@>", 0, -1, NULL, NULL, NULL },
	{ "<@example.com>", 0, -1, NULL, NULL, NULL },
	{ "<\"unterminated@example.com>", 0, -1, NULL, NULL, NULL },
	{ "<\"ctl\x01\"@example.com>", 0, -1, NULL, NULL, NULL },
	{ "<a b@example.com>", 0, -1, NULL, NULL, NULL },
	{ "<a@[1.2.3.4>", 0, -1, NULL, NULL, NULL },
	{ "", 0, -1, NULL, NULL, NULL },
};

void test_smtp_address_parse(void)
{
	pool_t pool = pool_alloconly_create("test smtp address", 1024);

	test_begin("smtp address parse");
	for (unsigned int i = 0; i < N_ELEMENTS(parse_tests); i++) {
		struct smtp_address *address;
		const char *endp, *error;
		int ret;

		ret = smtp_address_parse_path(pool, parse_tests[i].input,
					      parse_tests[i].flags, &address,
					      &endp, &error);
		test_assert_idx(ret == parse_tests[i].ret, i);
		if (ret < 0 || parse_tests[i].ret < 0)
			continue;
		test_assert_strcmp(address->localpart,
				   parse_tests[i].localpart);
		if (parse_tests[i].domain == NULL)
			test_assert_idx(address->domain == NULL, i);
		else
			test_assert_strcmp(address->domain,
					   parse_tests[i].domain);
		test_assert_strcmp(endp, parse_tests[i].rest);
	}
	test_end();
	pool_unref(&pool);
}

void test_smtp_address_encode(void)
{
	static const struct {
		const char *localpart, *domain, *output;
	} tests[] = {
		{ "user", "example.com", "user@example.com" },
		{ "odd user", "example.com", "\"odd user\"@example.com" },
		{ "a\"b\\c", "x", "\"a\\\"b\\\\c\"@x" },
		{ "a..b", "x", "\"a..b\"@x" },
		{ "postmaster", NULL, "postmaster" },
		{ "", NULL, "" },
	};

	test_begin("smtp address encode");
	for (unsigned int i = 0; i < N_ELEMENTS(tests); i++) {
		struct smtp_address address = {
			.localpart = tests[i].localpart,
			.domain = tests[i].domain,
		};
		test_assert_strcmp(smtp_address_encode(&address),
				   tests[i].output);
	}
	test_end();
}

void test_smtp_address_split_detail(void)
{
	static const struct {
		const char *localpart, *delimiters, *base, *detail;
	} tests[] = {
		{ "user+box", "+", "user", "box" },
		{ "user+box+more", "+", "user", "box+more" },
		{ "user-box", "+-", "user", "box" },
		{ "user", "+", "user", "" },
		{ "user+box", "", "user+box", "" },
	};
	pool_t pool = pool_alloconly_create("test smtp detail", 1024);

	test_begin("smtp address split detail");
	for (unsigned int i = 0; i < N_ELEMENTS(tests); i++) {
		struct smtp_address address = {
			.localpart = tests[i].localpart,
			.domain = "example.com",
		};
		struct smtp_address *base;
		const char *detail;

		smtp_address_split_detail(pool, &address,
					  tests[i].delimiters, &base, &detail);
		test_assert_strcmp(base->localpart, tests[i].base);
		test_assert_strcmp(base->domain, "example.com");
		test_assert_strcmp(detail, tests[i].detail);
	}
	test_end();
	pool_unref(&pool);
}

void test_smtp_address_is_users(void)
{
	static const struct {
		const char *localpart, *domain, *username;
		bool result;
	} tests[] = {
		{ "u1", "example.org", "u1", true },
		{ "U1", "other.example", "u1", true },
		{ "u1", NULL, "u1", true },
		{ "u10", "example.org", "u1", false },
		{ "u", "example.org", "u1", false },
		{ "", NULL, "u1", true },
		{ "u1", "example.org", "u1@example.org", true },
		{ "u1", "EXAMPLE.org", "U1@example.org", true },
		{ "u1", "example.com", "u1@example.org", false },
		{ "u1", NULL, "u1@example.org", false },
		{ "u", "example.org", "u1@example.org", false },
		{ "u12", "example.org", "u1@example.org", false },
		{ "", NULL, "u1@example.org", true },
	};

	test_begin("smtp address is user's");
	for (unsigned int i = 0; i < N_ELEMENTS(tests); i++) {
		struct smtp_address address = {
			.localpart = tests[i].localpart,
			.domain = tests[i].domain,
		};
		test_assert_idx(smtp_address_is_users(&address,
			tests[i].username) == tests[i].result, i);
	}
	test_end();
}
