/* Copyright (c) Cove authors. See AUTHORS. */

/* Tests for auth_fields_find() (auth-client.c). */

#include "lib.h"
#include "test-lib-auth.h"
#include "auth-client.h"

void test_auth_fields_find(void)
{
	static const char *const args[] = {
		"user=alice", "usertag=x", "temp", "cookie=", "reason=a=b",
		NULL
	};

	test_begin("auth fields find");
	test_assert_strcmp(auth_fields_find(args, "user"), "alice");
	test_assert_strcmp(auth_fields_find(args, "usertag"), "x");
	test_assert_strcmp(auth_fields_find(args, "temp"), "");
	test_assert_strcmp(auth_fields_find(args, "cookie"), "");
	test_assert_strcmp(auth_fields_find(args, "reason"), "a=b");
	test_assert(auth_fields_find(args, "use") == NULL);
	test_assert(auth_fields_find(args, "nosuch") == NULL);
	test_end();
}
