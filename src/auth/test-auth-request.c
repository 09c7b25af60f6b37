/* Copyright (c) Cove authors. See AUTHORS. */

/* Tests for auth-request.c: plaintext policy, the failure delay, and
   userdb lookups (passwd-file and static, default/override fields). */

#include "lib.h"
#include "array.h"
#include "ioloop.h"
#include "test-common.h"
#include "auth.h"
#include "test-auth-common.h"

/* Logs u1 in with PLAIN from a remote (not localhost) address. */
static void test_plain_remote_login(struct auth *auth, bool secured,
				    struct test_auth_reply *reply)
{
	struct auth_request *request;

	request = test_auth_request_new(auth, "PLAIN", reply);
	test_assert(net_addr2ip("192.0.2.1", &request->remote_ip) == 0);
	request->secured = secured;
	test_auth_request_input(request, true, PT("\0u1\0secret1"));
}

void test_auth_request_plaintext_disabled(void)
{
	struct test_auth_reply reply;
	struct test_auth t;

	test_auth_begin(&t, "auth request plaintext disabled", "plain");
	test_plain_remote_login(t.auth, false, &reply);
	test_assert(reply.reply == AUTH_REQUEST_REPLY_FAIL);
	test_assert(strstr(reply.reason, "Plaintext") != NULL);
	test_assert(!reply.temp);

	/* secured connection */
	test_plain_remote_login(t.auth, true, &reply);
	test_assert(reply.reply == AUTH_REQUEST_REPLY_OK);

	/* disable_plaintext_auth=no */
	t.set->disable_plaintext_auth = false;
	test_plain_remote_login(t.auth, false, &reply);
	test_assert(reply.reply == AUTH_REQUEST_REPLY_OK);

	test_auth_end(&t);
}

static void test_stop_ioloop(struct ioloop *ioloop)
{
	io_loop_stop(ioloop);
}

void test_auth_request_failure_delay(void)
{
	struct test_auth_reply reply;
	struct auth_request *request;
	struct ioloop *ioloop;
	struct timeout *to;
	struct test_auth t;

	test_auth_begin(&t, "auth request failure delay", "plain");
	ioloop = io_loop_create();
	t.set->auth_failure_delay = 1;

	/* the FAIL comes from a timer, not at once */
	request = test_auth_request_new(t.auth, "PLAIN", &reply);
	test_auth_request_input(request, true, PT("\0u1\0wrong"));
	test_assert(reply.count == 0);
	test_assert(request->to_fail_delay != NULL);
	to = timeout_add(1500, test_stop_ioloop, ioloop);
	io_loop_run(ioloop);
	timeout_remove(&to);
	test_assert(reply.count == 1);
	test_assert(reply.reply == AUTH_REQUEST_REPLY_FAIL);

	/* freeing a delayed request removes its timer */
	request = test_auth_request_new(t.auth, "PLAIN", &reply);
	test_auth_request_input(request, true, PT("\0u1\0wrong"));
	test_assert(reply.count == 0);
	auth_request_free(&request);

	/* success is never delayed */
	request = test_auth_request_new(t.auth, "PLAIN", &reply);
	test_auth_request_input(request, true, PT("\0u1\0secret1"));
	test_assert(reply.reply == AUTH_REQUEST_REPLY_OK);

	io_loop_destroy(&ioloop);
	test_auth_end(&t);
}

static enum userdb_result test_userdb_result;

static void test_userdb_callback(enum userdb_result result,
				 struct auth_request *request ATTR_UNUSED)
{
	test_userdb_result = result;
}

static struct auth_request *
test_userdb_lookup(struct auth *auth, const char *user)
{
	struct auth_request *request;
	const char *error;

	request = auth_request_new(auth, NULL, NULL, NULL);
	request->service = "lmtp";
	test_userdb_result = USERDB_RESULT_INTERNAL_FAILURE;
	if (auth_request_set_username(request, user, &error) < 0)
		i_fatal("%s", error);
	auth_request_lookup_user(request, test_userdb_callback);
	return request;
}

/* Checks the userdb fields of request against expected: key, value,
   ..., NULL. */
static void test_assert_userdb_fields(struct auth_request *request,
				      const char *const *expected)
{
	for (; expected[0] != NULL; expected += 2) {
		test_assert_strcmp(auth_field_list_get(request->userdb_fields,
						       expected[0]),
				   expected[1]);
	}
}

void test_auth_request_userdb(void)
{
	static const char *const passwd_file_fields[] = {
		"uid", "1000",
		"home", "/home/u1",
		"mail", "maildir:~/Mail",
		NULL
	};
	static const char *const static_fields[] = {
		"uid", "0",
		"gid", "1234",
		"home", "/var/vmail/u2",
		"mail", "maildir:~/Maildir",
		"quota", "u2",
		NULL
	};
	struct auth_request *request;
	struct auth_db_settings *db;
	struct test_auth t;
	const char *error;

	test_auth_begin(&t, "auth request userdb lookup", "plain");
	request = test_userdb_lookup(t.auth, "u1@localhost");
	test_assert(test_userdb_result == USERDB_RESULT_OK);
	test_assert_strcmp(request->user, "u1");
	test_assert_userdb_fields(request, passwd_file_fields);
	auth_request_free(&request);
	request = test_userdb_lookup(t.auth, "nosuch");
	test_assert(test_userdb_result == USERDB_RESULT_USER_UNKNOWN);
	auth_request_free(&request);
	auth_deinit(&t.auth);

	/* static userdb: only users a passdb knows; templates expanded,
	   names resolved, default and override fields applied */
	db = array_idx_elem(&t.set->userdbs, 0);
	db->driver = "static";
	db->args = "uid=root gid=1234 home=/var/vmail/%n";
	db->default_fields = "mail=maildir:~/Maildir home=/nothere";
	db->override_fields = "quota=%u";
	if (auth_init(t.set, &t.auth, &error) < 0)
		i_fatal("%s", error);
	request = test_userdb_lookup(t.auth, "U2");
	test_assert(test_userdb_result == USERDB_RESULT_OK);
	test_assert_userdb_fields(request, static_fields);
	auth_request_free(&request);
	request = test_userdb_lookup(t.auth, "nosuch");
	test_assert(test_userdb_result == USERDB_RESULT_USER_UNKNOWN);
	auth_request_free(&request);

	test_auth_end(&t);
}
