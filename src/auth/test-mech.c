/* Copyright (c) Cove authors. See AUTHORS. */

/* Tests for the PLAIN, LOGIN and APOP mechanisms: message parsing
   including malformed input, and whole exchanges against a
   passwd-file. */

#include "lib.h"
#include "array.h"
#include "file-util.h"
#include "test-common.h"
#include "auth.h"
#include "mech.h"
#include "test-auth-common.h"

#include <fcntl.h>

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

/* MD5("<1.2@host>secret1"), u1's password */
#define APOP_U1_DIGEST "76817b3fea036d743a4c23122abce37c"
/* A passwd-file line without a scheme, and MD5("<1.2@host>secret3") */
#define APOP_U3_LINE "u3:secret3:1003:1003::/home/u3\n"
#define APOP_U3_DIGEST "3a819d5965a3c7bc36a98193dadbb870"

struct apop_test {
	const char *data;
	size_t size;
	enum auth_request_reply reply;
	const char *user;
};

static const struct apop_test apop_tests[] = {
	{ PT("<1.2@host>\0u1\0" APOP_U1_DIGEST), AUTH_REQUEST_REPLY_OK, "u1" },
	{ PT("<1.2@host>\0u1\0" "76817B3FEA036D743A4C23122ABCE37C"),
	  AUTH_REQUEST_REPLY_OK, "u1" },
	/* wrong digest, or the right one for another challenge */
	{ PT("<1.2@host>\0u1\0" "76817b3fea036d743a4c23122abce37d"),
	  AUTH_REQUEST_REPLY_FAIL, "u1" },
	{ PT("<1.3@host>\0u1\0" APOP_U1_DIGEST), AUTH_REQUEST_REPLY_FAIL,
	  "u1" },
	{ PT("<1.2@host>\0nosuch\0" APOP_U1_DIGEST),
	  AUTH_REQUEST_REPLY_FAIL, "nosuch" },
	/* no password: never matches */
	{ PT("<1.2@host>\0nopass\0" "0a496b2b8f0a5a4fb2e1e4b6dfd2cb6c"),
	  AUTH_REQUEST_REPLY_FAIL, "nopass" },
	/* malformed data */
	{ PT(""), AUTH_REQUEST_REPLY_FAIL, "" },
	{ PT("<1.2@host>"), AUTH_REQUEST_REPLY_FAIL, "" },
	{ PT("<1.2@host>\0u1"), AUTH_REQUEST_REPLY_FAIL, "" },
	{ PT("<1.2@host>\0u1\0" "76817b3fea036d743a4c23122abce37"),
	  AUTH_REQUEST_REPLY_FAIL, "" },
	{ PT("<1.2@host>\0u1\0" APOP_U1_DIGEST "0"), AUTH_REQUEST_REPLY_FAIL,
	  "" },
	{ PT("<1.2@host>\0u1\0" "76817b3fea036d743a4c23122abce3zz"),
	  AUTH_REQUEST_REPLY_FAIL, "" },
	{ PT("<1.2@host>\0u1\0" APOP_U1_DIGEST "\0"), AUTH_REQUEST_REPLY_FAIL,
	  "" },
	{ PT("<1.2@host>\0\0" APOP_U1_DIGEST), AUTH_REQUEST_REPLY_FAIL, "" },
	/* bad challenges */
	{ PT("\0u1\0" APOP_U1_DIGEST), AUTH_REQUEST_REPLY_FAIL, "" },
	{ PT("1.2@host\0u1\0" APOP_U1_DIGEST), AUTH_REQUEST_REPLY_FAIL, "" },
	{ PT("<1.2host>\0u1\0" APOP_U1_DIGEST), AUTH_REQUEST_REPLY_FAIL, "" },
	{ PT("<@host>\0u1\0" APOP_U1_DIGEST), AUTH_REQUEST_REPLY_FAIL, "" },
	{ PT("<1.2@>\0u1\0" APOP_U1_DIGEST), AUTH_REQUEST_REPLY_FAIL, "" },
	{ PT("<1 2@host>\0u1\0" APOP_U1_DIGEST), AUTH_REQUEST_REPLY_FAIL,
	  "" },
	{ PT("<<1.2@host>\0u1\0" APOP_U1_DIGEST), AUTH_REQUEST_REPLY_FAIL,
	  "" },
};

/* Feeds data to request as its initial response and returns what was
   logged meanwhile (temporary frame). */
static const char *
test_mech_input_get_log(struct auth_request *request, const void *data,
			size_t size)
{
	const char *path = test_auth_write_file(""), *error;
	buffer_t *log;
	int fd, saved_stderr;

	fd = open(path, O_WRONLY | O_APPEND);
	saved_stderr = dup(STDERR_FILENO);
	if (fd < 0 || saved_stderr < 0 || dup2(fd, STDERR_FILENO) < 0)
		i_fatal("Redirecting stderr to %s failed: %m", path);
	test_auth_request_input(request, true, data, size);
	if (dup2(saved_stderr, STDERR_FILENO) < 0)
		i_fatal("dup2(stderr) failed: %m");
	i_close_fd(&saved_stderr);
	i_close_fd(&fd);
	if (file_read_all(path, datastack_pool, 65536, &log, NULL,
			  &error) < 0)
		i_fatal("%s", error);
	if (unlink(path) < 0)
		i_error("unlink(%s) failed: %m", path);
	return t_strndup(log->data, log->used);
}

/* Rebuilds t->auth over TEST_AUTH_PASSWD_FILE plus a user u3 whose
   password "secret3" has no scheme, with the passdb's scheme=PLAIN. */
static void test_mech_use_plain_scheme(struct test_auth *t)
{
	struct auth_db_settings *const *passdbs;
	const char *error;
	int fd;

	auth_deinit(&t->auth);
	fd = open(t->path, O_WRONLY | O_APPEND);
	if (fd < 0 || write_full(fd, APOP_U3_LINE, strlen(APOP_U3_LINE)) < 0)
		i_fatal("Appending to %s failed: %m", t->path);
	i_close_fd(&fd);
	passdbs = array_front(&t->set->passdbs);
	passdbs[0]->args = p_strconcat(t->pool, "scheme=PLAIN ", t->path,
				       NULL);
	if (auth_init(t->set, &t->auth, &error) < 0)
		i_fatal("auth_init() failed: %s", error);
}

void test_mech_apop(void)
{
	struct test_auth_reply reply;
	struct auth_request *request;
	struct test_auth t;
	const char *log;

	test_auth_begin(&t, "mech APOP", "plain apop");
	for (unsigned int i = 0; i < N_ELEMENTS(apop_tests); i++) {
		const struct apop_test *test = &apop_tests[i];

		/* not plaintext: allowed on an insecure connection */
		request = test_auth_request_new(t.auth, "APOP", &reply);
		(void)net_addr2ip("192.0.2.1", &request->remote_ip);
		test_auth_request_input(request, true, test->data, test->size);
		test_assert_idx(reply.count == 1, i);
		test_assert_idx(reply.freed, i);
		test_assert_idx(reply.reply == test->reply, i);
		test_assert_idx(strcmp(reply.user, test->user) == 0, i);
		test_assert_idx(!reply.temp, i);
	}

	/* an initial response is required */
	request = test_auth_request_new(t.auth, "APOP", &reply);
	test_auth_request_input(request, true, NULL, 0);
	test_assert(reply.reply == AUTH_REQUEST_REPLY_FAIL);

	/* u2's password is a SHA512-CRYPT hash: APOP cannot work */
	request = test_auth_request_new(t.auth, "APOP", &reply);
	log = test_mech_input_get_log(request,
		PT("<1.2@host>\0u2\0" "6a9f4ab2d2c2a61fe0ba7ca3b5b86f0b"));
	test_assert(strstr(log, "apop(u2,127.0.0.1): APOP needs a plaintext "
			   "password, but the passdb has a CRYPT password")
		    != NULL);
	test_assert(reply.reply == AUTH_REQUEST_REPLY_FAIL);
	test_assert_strcmp(reply.user, "u2");
	test_auth_end(&t);

	/* a password without a scheme is plaintext with scheme=PLAIN */
	test_auth_begin(&t, "mech APOP scheme=PLAIN", "apop");
	test_mech_use_plain_scheme(&t);
	request = test_auth_request_new(t.auth, "APOP", &reply);
	test_auth_request_input(request, true,
		PT("<1.2@host>\0u3\0" APOP_U3_DIGEST));
	test_assert(reply.reply == AUTH_REQUEST_REPLY_OK);
	test_assert_strcmp(reply.user, "u3");
	test_auth_end(&t);

	/* not offered unless configured */
	test_auth_begin(&t, "mech APOP not configured", "plain login");
	test_assert(auth_find_mech(t.auth, "APOP") == NULL);
	test_auth_end(&t);
}
