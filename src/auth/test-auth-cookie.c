/* Copyright (c) Cove authors. See AUTHORS. */

/* Tests for login cookies: format, single use, expiry. */

#include "lib.h"
#include "test-auth-common.h"
#include "auth-cookie.h"

void test_auth_cookies(void)
{
	struct auth_cookies *cookies = auth_cookies_create();
	pool_t pool = pool_alloconly_create("test cookies", 1024);
	struct auth_field_list *fields, *got;
	const char *cookie, *cookie2, *user;
	time_t now = 1000000;

	test_begin("auth cookies");
	fields = auth_field_list_create(pool);
	auth_field_list_set(fields, "uid", "1000");
	auth_field_list_set(fields, "home", "/home/u1");

	cookie = t_strdup(auth_cookies_add(cookies, "u1", fields, now));
	test_assert(strlen(cookie) == AUTH_COOKIE_HEX_LEN);
	test_assert(strspn(cookie, "0123456789abcdef") == AUTH_COOKIE_HEX_LEN);
	cookie2 = t_strdup(auth_cookies_add(cookies, "u2", fields, now));
	test_assert(strcmp(cookie, cookie2) != 0);
	test_assert(auth_cookies_count(cookies) == 2);

	/* single use */
	test_assert(auth_cookies_take(cookies, cookie, now + 1, pool, &user,
				      &got) == 1);
	test_assert_strcmp(user, "u1");
	test_assert_strcmp(auth_field_list_get(got, "home"), "/home/u1");
	test_assert(auth_cookies_take(cookies, cookie, now + 1, pool, &user,
				      &got) == 0);
	test_assert(auth_cookies_take(cookies, "nosuch", now, pool, &user,
				      &got) == 0);

	/* expiry */
	test_assert(auth_cookies_take(cookies, cookie2,
				      now + AUTH_COOKIE_EXPIRE_SECS, pool,
				      &user, &got) == 0);
	test_assert(auth_cookies_count(cookies) == 0);
	cookie = t_strdup(auth_cookies_add(cookies, "u3", fields, now));
	test_assert(auth_cookies_take(cookies, cookie,
				      now + AUTH_COOKIE_EXPIRE_SECS - 1, pool,
				      &user, &got) == 1);
	/* expired ones are swept when new ones are added */
	(void)auth_cookies_add(cookies, "u4", fields, now);
	(void)auth_cookies_add(cookies, "u5", fields,
			       now + AUTH_COOKIE_EXPIRE_SECS);
	test_assert(auth_cookies_count(cookies) == 1);

	auth_cookies_destroy(&cookies);
	pool_unref(&pool);
	test_end();
}
