/* Copyright (c) Cove authors. See AUTHORS. */

/* Tests for auth-cache.c (expiry, negative entries, the size bound and
   flushing) and for the cache in auth requests: a changed passwd-file,
   user unknown and userdb fields. */

#include "lib.h"
#include "ioloop.h"
#include "test-common.h"
#include "auth.h"
#include "auth-cache.h"
#include "test-auth-common.h"

#include <stdio.h>

void test_auth_cache_table(void)
{
	struct auth_cache *cache;
	const char *value;

	test_begin("auth cache table");
	cache = auth_cache_create(1024 * 1024, 100, 10);
	test_assert(auth_cache_lookup(cache, "k1", 1000, &value) == -1);
	auth_cache_insert(cache, "k1", "u1", "v1", 1000);
	auth_cache_insert(cache, "k2", "u1", NULL, 1000);
	auth_cache_insert(cache, "k3", "u2", "v3", 1000);
	test_assert(auth_cache_count(cache) == 3);
	test_assert(auth_cache_lookup(cache, "k1", 1099, &value) == 1);
	test_assert_strcmp(value, "v1");
	test_assert(auth_cache_lookup(cache, "k2", 1009, &value) == 0);

	/* negative entries live negative_ttl, positive ones ttl */
	test_assert(auth_cache_lookup(cache, "k2", 1010, &value) == -1);
	test_assert(auth_cache_lookup(cache, "k1", 1100, &value) == -1);
	test_assert(auth_cache_count(cache) == 1);

	/* a new value replaces the old */
	auth_cache_insert(cache, "k3", "u2", "v3b", 1000);
	test_assert(auth_cache_lookup(cache, "k3", 1000, &value) == 1);
	test_assert_strcmp(value, "v3b");
	test_assert(auth_cache_count(cache) == 1);
	/* and a negative one too */
	auth_cache_insert(cache, "k3", "u2", NULL, 1000);
	test_assert(auth_cache_lookup(cache, "k3", 1000, &value) == 0);

	/* flushing one user, then all */
	auth_cache_insert(cache, "k1", "u1", "v1", 1000);
	auth_cache_insert(cache, "k2", "u1", "v2", 1000);
	test_assert(auth_cache_flush(cache, "u1") == 2);
	test_assert(auth_cache_flush(cache, "u1") == 0);
	test_assert(auth_cache_count(cache) == 1);
	test_assert(auth_cache_flush(cache, NULL) == 1);
	test_assert(auth_cache_used_size(cache) == 0);
	auth_cache_destroy(&cache);

	/* negative_ttl 0: negative entries are not kept */
	cache = auth_cache_create(1024, 100, 0);
	auth_cache_insert(cache, "k1", "u1", NULL, 1000);
	test_assert(auth_cache_count(cache) == 0);
	test_assert(auth_cache_lookup(cache, "k1", 1000, &value) == -1);
	auth_cache_destroy(&cache);
	test_end();
}

void test_auth_cache_size(void)
{
	struct auth_cache *cache;
	const char *value, *key;
	char big[2048];
	size_t one;

	test_begin("auth cache size");
	cache = auth_cache_create(1024, 100, 100);
	auth_cache_insert(cache, "k0", "u", "v", 1000);
	one = auth_cache_used_size(cache);
	for (unsigned int i = 1; i < 100; i++) {
		key = t_strdup_printf("k%u", i);
		auth_cache_insert(cache, key, "u", "v", 1000);
		/* k0 stays the most recently used */
		test_assert(auth_cache_lookup(cache, "k0", 1000, &value) == 1);
		test_assert(auth_cache_used_size(cache) <= 1024);
	}
	test_assert(auth_cache_count(cache) == 1024 / one);
	test_assert(auth_cache_lookup(cache, "k99", 1000, &value) == 1);
	test_assert(auth_cache_lookup(cache, "k1", 1000, &value) == -1);

	/* an entry bigger than the cache is not kept, and pushes none out */
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	auth_cache_insert(cache, "big", "u", big, 1000);
	test_assert(auth_cache_lookup(cache, "big", 1000, &value) == -1);
	test_assert(auth_cache_count(cache) == 1024 / one);
	auth_cache_destroy(&cache);
	test_end();
}

/* Replaces the passwd-file at path with contents (a new inode, so that
   the passdb reloads it). */
static void test_cache_rewrite(const char *path, const char *contents)
{
	const char *tmp = test_auth_write_file(contents);

	if (rename(tmp, path) < 0)
		i_fatal("rename(%s, %s) failed: %m", tmp, path);
}

/* A PLAIN login of user with password: returns the reply. */
static enum auth_request_reply
test_cache_login(struct auth *auth, const char *user, const char *password)
{
	struct test_auth_reply reply;
	struct auth_request *request;
	string_t *data = t_str_new(64);

	str_append_c(data, '\0');
	str_append(data, user);
	str_append_c(data, '\0');
	str_append(data, password);
	request = test_auth_request_new(auth, "PLAIN", &reply);
	test_auth_request_input(request, true, str_data(data), str_len(data));
	i_assert(reply.count == 1);
	return reply.reply;
}

void test_auth_cache_request(void)
{
	struct test_auth t;
	const char *error;
	time_t start;

	test_auth_begin(&t, "auth cache request", "plain");
	auth_deinit(&t.auth);
	t.set->auth_cache_size = 1024 * 1024;
	t.set->auth_cache_ttl = 100;
	t.set->auth_cache_negative_ttl = 10;
	if (auth_init(t.set, &t.auth, &error) < 0)
		i_fatal("%s", error);
	start = ioloop_time;

	/* a login caches the passdb result and the userdb fields */
	test_assert(test_cache_login(t.auth, "u1", "secret1") ==
		    AUTH_REQUEST_REPLY_OK);
	test_assert(auth_cache_count(t.auth->cache) == 2);
	test_assert(test_cache_login(t.auth, "nosuch", "x") ==
		    AUTH_REQUEST_REPLY_FAIL);
	test_assert(auth_cache_count(t.auth->cache) == 3);

	/* the password changes, nosuch appears */
	test_cache_rewrite(t.path,
		"u1:{PLAIN}new1:1000:1000::/home/u1\n"
		"nosuch:{PLAIN}x:1003:1003::/home/nosuch\n");
	/* the old password works from the cache, a wrong one does not */
	test_assert(test_cache_login(t.auth, "u1", "secret1") ==
		    AUTH_REQUEST_REPLY_OK);
	test_assert(test_cache_login(t.auth, "u1", "wrong") ==
		    AUTH_REQUEST_REPLY_FAIL);
	/* nosuch is still unknown until the negative ttl */
	test_assert(test_cache_login(t.auth, "nosuch", "x") ==
		    AUTH_REQUEST_REPLY_FAIL);
	ioloop_time = start + 10;
	test_assert(test_cache_login(t.auth, "nosuch", "x") ==
		    AUTH_REQUEST_REPLY_OK);
	/* the new password works at once and replaces the cached one */
	test_assert(test_cache_login(t.auth, "u1", "new1") ==
		    AUTH_REQUEST_REPLY_OK);
	test_assert(test_cache_login(t.auth, "u1", "secret1") ==
		    AUTH_REQUEST_REPLY_FAIL);

	/* after the ttl the old password is gone even unused */
	test_cache_rewrite(t.path, "u1:{PLAIN}new2:1000:1000::/home/u1\n");
	test_assert(test_cache_login(t.auth, "u1", "new1") ==
		    AUTH_REQUEST_REPLY_OK);
	ioloop_time = start + 10 + 100;
	test_assert(test_cache_login(t.auth, "u1", "new1") ==
		    AUTH_REQUEST_REPLY_FAIL);
	test_assert(test_cache_login(t.auth, "u1", "new2") ==
		    AUTH_REQUEST_REPLY_OK);

	/* flushing the user forgets it at once */
	test_cache_rewrite(t.path, "u1:{PLAIN}new3:1000:1000::/home/u1\n");
	test_assert(test_cache_login(t.auth, "u1", "new2") ==
		    AUTH_REQUEST_REPLY_OK);
	test_assert(auth_cache_flush(t.auth->cache, "u1") > 0);
	test_assert(test_cache_login(t.auth, "u1", "new2") ==
		    AUTH_REQUEST_REPLY_FAIL);
	test_assert(test_cache_login(t.auth, "u1", "new3") ==
		    AUTH_REQUEST_REPLY_OK);

	ioloop_time = start;
	test_auth_end(&t);
}
