/* Copyright (c) Cove authors. See AUTHORS. */

/* Tests for the PLAIN and LOGIN mechanisms: message parsing including
   malformed input, and whole exchanges against a passwd-file. */

#include "lib.h"
#include "test-common.h"
#include "auth.h"
#include "mech.h"
#include "test-auth-common.h"

struct plain_test {
	const char *data;
	size_t size;
	int ret;
	const char *authcid, *password;
};

static const struct plain_test plain_tests[] = {
	{ PT("\0u1\0secret"), 0, "u1", "secret" },
	{ PT("u1\0u1\0secret"), 0, "u1", "secret" },
	{ PT("\0u1\0"), 0, "u1", "" },
	{ PT("\0u1@localhost\0p w\tx"), 0, "u1@localhost", "p w\tx" },
	/* malformed */
	{ PT(""), -1, NULL, NULL },
	{ PT("u1"), -1, NULL, NULL },
	{ PT("\0u1"), -1, NULL, NULL },
	{ PT("\0\0secret"), -1, NULL, NULL },
	{ PT("\0u1\0sec\0ret"), -1, NULL, NULL },
	/* acting as another user is refused */
	{ PT("admin\0u1\0secret"), -1, NULL, NULL },
};

void test_mech_plain_parse(void)
{
	const char *authcid, *password, *error;
	unsigned char buf[64];

	test_begin("mech PLAIN parse");
	for (unsigned int i = 0; i < N_ELEMENTS(plain_tests); i++) {
		const struct plain_test *t = &plain_tests[i];
		int ret;

		memcpy(buf, t->data, t->size);
		buf[t->size] = '\0';
		error = NULL;
		ret = mech_plain_parse(buf, t->size, &authcid, &password,
				       &error);
		test_assert_idx(ret == t->ret, i);
		test_assert_idx((ret < 0) == (error != NULL), i);
		if (ret == 0 && t->ret == 0) {
			test_assert_idx(strcmp(authcid, t->authcid) == 0, i);
			test_assert_idx(strcmp(password, t->password) == 0, i);
		}
	}
	test_end();
}

/* A PLAIN request on a secured connection. */
static struct auth_request *
test_plain_request_new(struct auth *auth, struct test_auth_reply *reply)
{
	struct auth_request *request;

	request = test_auth_request_new(auth, "PLAIN", reply);
	request->secured = true;
	return request;
}

struct plain_exchange_test {
	const char *data;
	size_t size;
	enum auth_request_reply reply;
	const char *user;
};

static const struct plain_exchange_test plain_exchange_tests[] = {
	{ PT("\0u1\0secret1"), AUTH_REQUEST_REPLY_OK, "u1" },
	/* auth_username_format=%Ln */
	{ PT("\0U1@localhost\0secret1"), AUTH_REQUEST_REPLY_OK, "u1" },
	{ PT("\0u2\0secret"), AUTH_REQUEST_REPLY_OK, "u2" },
	{ PT("\0u1\0wrong"), AUTH_REQUEST_REPLY_FAIL, "u1" },
	{ PT("\0nosuch\0secret1"), AUTH_REQUEST_REPLY_FAIL, "nosuch" },
	{ PT("\0nopass\0"), AUTH_REQUEST_REPLY_FAIL, "nopass" },
	{ PT("u1\0u1"), AUTH_REQUEST_REPLY_FAIL, "" },
	{ PT("\0u\x01" "1\0secret1"), AUTH_REQUEST_REPLY_FAIL, "" },
	{ PT(""), AUTH_REQUEST_REPLY_FAIL, "" },
};

void test_mech_plain(void)
{
	struct test_auth_reply reply;
	struct auth_request *request;
	struct test_auth t;

	test_auth_begin(&t, "mech PLAIN", "plain login");
	for (unsigned int i = 0; i < N_ELEMENTS(plain_exchange_tests); i++) {
		const struct plain_exchange_test *test =
			&plain_exchange_tests[i];

		request = test_plain_request_new(t.auth, &reply);
		test_auth_request_input(request, true, test->data, test->size);
		test_assert_idx(reply.count == 1, i);
		test_assert_idx(reply.freed, i);
		test_assert_idx(reply.reply == test->reply, i);
		test_assert_idx(strcmp(reply.user, test->user) == 0, i);
	}

	/* no initial response: empty challenge first */
	request = test_plain_request_new(t.auth, &reply);
	test_auth_request_input(request, true, NULL, 0);
	test_assert(reply.count == 1);
	test_assert(reply.reply == AUTH_REQUEST_REPLY_CONTINUE);
	test_assert_strcmp(reply.data, "");
	test_auth_request_input(request, false, PT("\0u1\0secret1"));
	test_assert(reply.count == 2);
	test_assert(reply.reply == AUTH_REQUEST_REPLY_OK);

	test_auth_end(&t);
}

void test_mech_login(void)
{
	struct test_auth_reply reply;
	struct auth_request *request;
	struct test_auth t;

	test_auth_begin(&t, "mech LOGIN", "LOGIN");
	test_assert(auth_find_mech(t.auth, "PLAIN") == NULL);

	request = test_auth_request_new(t.auth, "LOGIN", &reply);
	test_auth_request_input(request, true, NULL, 0);
	test_assert(reply.reply == AUTH_REQUEST_REPLY_CONTINUE);
	test_assert_strcmp(reply.data, "Username:");
	test_auth_request_input(request, false, PT("u1"));
	test_assert(reply.reply == AUTH_REQUEST_REPLY_CONTINUE);
	test_assert_strcmp(reply.data, "Password:");
	test_auth_request_input(request, false, PT("secret1"));
	test_assert(reply.count == 3);
	test_assert(reply.reply == AUTH_REQUEST_REPLY_OK);
	test_assert_strcmp(reply.user, "u1");

	/* initial response is the user name */
	request = test_auth_request_new(t.auth, "LOGIN", &reply);
	test_auth_request_input(request, true, PT("u2"));
	test_assert_strcmp(reply.data, "Password:");
	test_auth_request_input(request, false, PT("bad"));
	test_assert(reply.reply == AUTH_REQUEST_REPLY_FAIL);
	test_assert_strcmp(reply.user, "u2");

	/* NUL in a response */
	request = test_auth_request_new(t.auth, "LOGIN", &reply);
	test_auth_request_input(request, true, NULL, 0);
	test_auth_request_input(request, false, PT("u1\0x"));
	test_assert(reply.reply == AUTH_REQUEST_REPLY_FAIL);
	test_assert_strcmp(reply.user, "");

	/* a response nobody asked for is refused */
	request = test_auth_request_new(t.auth, "LOGIN", &reply);
	test_assert(auth_request_continue(request, (const void *)"", 0) < 0);
	test_assert(reply.count == 0);
	auth_request_free(&request);

	test_auth_end(&t);
}
