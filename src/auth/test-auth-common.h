/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef TEST_AUTH_COMMON_H
#define TEST_AUTH_COMMON_H

/* Fixtures shared by the auth unit tests: a temporary passwd-file and an
   auth set up over it without a config file; and the prototypes of the
   tests in test-auth.inc. */

#include "test-common.h"
#include "auth-settings.h"
#include "auth-request.h"

#define TEST_AUTH_PASSWD_FILE \
	"u1:{PLAIN}secret1:1000:1000::/home/u1::userdb_mail=maildir:~/Mail\n" \
	"u2:$6$qaXNbmZiHfkgu74S$4ewSCHkGdf8drE/ifxOZO.Af/C.D7s4hIVd/6YB2" \
	"NpxDwZBtuEfd9ls0FQClqrmLahG4XOjeQo9SlwuTo0rKK1:1001:1001::/home/u2\n" \
	"nopass::1002:1002::/home/nopass\n"

/* A string literal as mechanism data: its bytes and size, NULs included
   (the terminating NUL excluded). */
#define PT(str) str, sizeof(str) - 1

/* Writes contents to a new temporary file and returns its path
   (temporary frame). */
const char *test_auth_write_file(const char *contents);

/* One test's auth over a temporary TEST_AUTH_PASSWD_FILE. */
struct test_auth {
	pool_t pool;
	/* in pool; a test may change them */
	struct auth_settings *set;
	struct auth *auth;
	const char *path;
};

/* Opens the test (test_begin(name)) and builds t->auth for mechanisms:
   passdb passwd-file with scheme=CRYPT, userdb passwd-file,
   auth_username_format=%Ln, auth_failure_delay=0. */
void test_auth_begin(struct test_auth *t, const char *name,
		     const char *mechanisms);
/* Frees t->auth and the file, and ends the test (test_end()). */
void test_auth_end(struct test_auth *t);

/* What the reply callback saw last. */
struct test_auth_reply {
	unsigned int count;
	enum auth_request_reply reply;
	char data[256];
	char user[256];
	char reason[256];
	bool temp;
	/* OK or FAIL freed the request */
	bool freed;
};

/* A request for mech_name ("PLAIN") from 127.0.0.1 whose replies go to
   reply, with no_penalty set (a test of the penalty clears it). */
struct auth_request *
test_auth_request_new(struct auth *auth, const char *mech_name,
		      struct test_auth_reply *reply);
/* Feeds data (size bytes, copied NUL-terminated) to the mechanism:
   as the initial response if initial, else as a continuation. data NULL
   means no initial response. */
void test_auth_request_input(struct auth_request *request, bool initial,
			     const void *data, size_t size);

#define TEST(name) void name(void);
#define FATAL(name) enum fatal_test_state name(unsigned int stage);
#include "test-auth.inc"
#undef TEST
#undef FATAL

#endif
