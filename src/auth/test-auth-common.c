/* Copyright (c) Cove authors. See AUTHORS. */

/* Test fixtures: temporary passwd-files and an auth built over them. */

#include "lib.h"
#include "array.h"
#include "buffer.h"
#include "file-util.h"
#include "test-common.h"
#include "auth.h"
#include "auth-request.h"
#include "test-auth-common.h"

const char *test_auth_write_file(const char *contents)
{
	char path[] = "/tmp/test-auth-passwd.XXXXXX";
	int fd;

	fd = mkstemp(path);
	if (fd == -1)
		i_fatal("mkstemp(%s) failed: %m", path);
	if (write_full(fd, contents, strlen(contents)) < 0)
		i_fatal("write(%s) failed: %m", path);
	if (close(fd) < 0)
		i_fatal("close(%s) failed: %m", path);
	return t_strdup(path);
}

static struct auth_db_settings *
test_auth_db_settings(pool_t pool, const char *driver, const char *args)
{
	struct auth_db_settings *db = p_new(pool, struct auth_db_settings, 1);

	db->name = "";
	db->driver = driver;
	db->args = p_strdup(pool, args);
	db->default_fields = "";
	db->override_fields = "";
	return db;
}

void test_auth_begin(struct test_auth *t, const char *name,
		     const char *mechanisms)
{
	struct auth_db_settings *db;
	const char *error;

	test_begin(name);
	t->pool = pool_alloconly_create("test auth", 1024);
	t->path = p_strdup(t->pool,
			   test_auth_write_file(TEST_AUTH_PASSWD_FILE));
	t->set = p_new(t->pool, struct auth_settings, 1);
	t->set->auth_mechanisms = mechanisms;
	t->set->auth_username_format = "%Ln";
	t->set->auth_default_realm = "";
	t->set->auth_realms = "";
	t->set->disable_plaintext_auth = true;
	p_array_init(&t->set->passdbs, t->pool, 1);
	p_array_init(&t->set->userdbs, t->pool, 1);
	db = test_auth_db_settings(t->pool, "passwd-file",
				   t_strconcat("scheme=CRYPT ", t->path, NULL));
	array_push_back(&t->set->passdbs, &db);
	db = test_auth_db_settings(t->pool, "passwd-file", t->path);
	array_push_back(&t->set->userdbs, &db);

	if (auth_init(t->set, &t->auth, &error) < 0)
		i_fatal("auth_init() failed: %s", error);
}

void test_auth_end(struct test_auth *t)
{
	auth_deinit(&t->auth);
	if (unlink(t->path) < 0)
		i_error("unlink(%s) failed: %m", t->path);
	pool_unref(&t->pool);
	test_end();
}

static void test_auth_reply_callback(struct auth_request *request,
				     enum auth_request_reply reply,
				     const void *data, size_t size)
{
	struct test_auth_reply *r = request->context;

	r->count++;
	r->reply = reply;
	memset(r->data, 0, sizeof(r->data));
	if (data != NULL)
		memcpy(r->data, data, I_MIN(size, sizeof(r->data) - 1));
	if (reply == AUTH_REQUEST_REPLY_CONTINUE)
		return;
	i_assert(!r->freed);
	snprintf(r->user, sizeof(r->user), "%s",
		 request->user == NULL ? "" : request->user);
	snprintf(r->reason, sizeof(r->reason), "%s",
		 request->fail_reason == NULL ? "" : request->fail_reason);
	r->temp = request->fail_temp;
	r->freed = true;
	auth_request_free(&request);
}

struct auth_request *
test_auth_request_new(struct auth *auth, const char *mech_name,
		      struct test_auth_reply *reply)
{
	struct auth_request *request;

	memset(reply, 0, sizeof(*reply));
	request = auth_request_new(auth, auth_find_mech(auth, mech_name),
				   test_auth_reply_callback, reply);
	i_assert(request->mech != NULL);
	request->service = "imap";
	request->want_userdb = true;
	request->no_penalty = true;
	(void)net_addr2ip("127.0.0.1", &request->remote_ip);
	return request;
}

void test_auth_request_input(struct auth_request *request, bool initial,
			     const void *data, size_t size)
{
	unsigned char *copy = NULL;

	if (data != NULL) {
		copy = t_malloc(size + 1);
		memcpy(copy, data, size);
	}
	if (initial)
		auth_request_initial(request, copy, size);
	else
		(void)auth_request_continue(request, copy, size);
}
