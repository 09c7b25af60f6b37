/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef TEST_LOGIN_SESSION_H
#define TEST_LOGIN_SESSION_H

/* A harness for pre-login dialogues against a real login binary (built
   beside the test program), started as the master would start it. The
   test process plays the three peers:

   - the auth server: a canned auth-client protocol peer offering PLAIN,
     LOGIN and CRAM-MD5. A response that decodes to "\0u1\0p1" succeeds
     (user=u1), a PLAIN response for user "tempfail" fails temporarily,
     anything else fails. AUTH without an initial response gets an empty
     challenge first.
   - the post-login worker: it takes the handed-off fd, writes what
     worker_reply() returns to the client and closes it.
   - the client, connecting to 127.0.0.1 from a chosen loopback address.

   Everything stays in a temporary directory and on a port the kernel
   picks. One session (one login process) at a time. */

#include "login-handoff.h"

#define TEST_LOGIN_SESSION_MECHS "PLAIN LOGIN CRAM-MD5"

struct test_login_session_settings {
	/* Binary name in the test program's directory ("pop3-login"). */
	const char *binary;
	/* Listener name and handoff socket name ("pop3"). */
	const char *protocol;
	/* The fake worker's reply to the handed-off client (temporary
	   frame). */
	const char *(*worker_reply)(const struct login_handoff *handoff);
};

/* Starts the login binary with config (cove.conf text) and waits until it
   has connected to the fake auth server. */
void test_login_session_init(const struct test_login_session_settings *set,
			     const char *config);
/* Stops the login process (checking that it exits with 0), removes the
   temporary files and returns its log (temporary frame). */
const char *test_login_session_deinit(void);

/* Connects from source_ip (NULL: 127.0.0.1, which the login process
   counts as secured; "127.0.0.2" is an insecure client) and checks that
   greeting is what the server sends first. */
void test_login_session_connect(const char *source_ip, const char *greeting);
/* Closes the client side. */
void test_login_session_disconnect(void);
void test_login_session_send(const char *data);
/* Sends data one byte at a time, letting the server see each byte. */
void test_login_session_send_slowly(const char *data);
/* Checks that the client receives exactly expected next. */
void test_login_session_expect(const char *expected);
/* Checks that the server closes the connection now without sending more,
   and closes the client side. */
void test_login_session_expect_eof(void);

#endif
