/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef TEST_LOGIN_SESSION_H
#define TEST_LOGIN_SESSION_H

/* A harness for pre-login dialogues against a real login binary (built
   beside the test program), started as the master would start it. The
   test process plays the three peers:

   - the auth server: a canned auth-client protocol peer offering PLAIN,
     LOGIN and CRAM-MD5 (and optionally one more mechanism). A response
     that decodes to "\0u1\0p1" succeeds (user=u1), a PLAIN response for
     user "tempfail" fails temporarily, anything else fails. For APOP,
     "challenge\0u1\0" TEST_LOGIN_SESSION_APOP_DIGEST succeeds. AUTH
     without an initial response gets an empty challenge first.
   - the post-login worker: it takes the handed-off fd, writes
     "OK worker tag=<tag> user=<user> input=<pipelined input>\r\n" to the
     client and closes it.
   - the client, connecting to 127.0.0.1 from a chosen loopback address.

   Everything stays in a temporary directory and on a port the kernel
   picks. One session (one login process) at a time. */

#define TEST_LOGIN_SESSION_MECHS "PLAIN LOGIN CRAM-MD5"
/* The APOP digest that the fake auth server accepts for u1. */
#define TEST_LOGIN_SESSION_APOP_DIGEST "0123456789abcdef0123456789abcdef"
/* A client address that the login process does not count as secured. */
#define TEST_LOGIN_SESSION_INSECURE_IP "127.0.0.2"

/* Makes the fake auth server of the next test_login_session_init() offer
   mech ("APOP") after the usual ones; test_login_session_deinit() resets
   it. */
void test_login_session_set_extra_mech(const char *mech);
/* Makes the fake worker of the next test_login_session_init() refuse
   every handoff with LIMIT and reason (as mail_max_userip_connections
   does); test_login_session_deinit() resets it. */
void test_login_session_set_worker_refusal(const char *reason);
/* Starts protocol's login binary ("imap": imap-login in the test
   program's directory, listener and handoff socket "imap") with config
   (cove.conf text) and waits until it has connected to the fake auth
   server. protocol must stay valid until test_login_session_deinit(). */
void test_login_session_init(const char *protocol, const char *config);
/* Stops the login process (checking that it exits with 0), removes the
   temporary files and returns its log (temporary frame). */
const char *test_login_session_deinit(void);
/* Checks that log (from test_login_session_deinit()) is the login
   process's and has the lines of a PLAIN login of u1, a logout without
   auth attempts and a disconnect after three failed PLAIN logins of u2,
   all from 127.0.0.1: the dialogues every protocol's main session test
   runs. */
void test_login_session_assert_common_log(const char *log);
/* Runs a whole session of protocol with login_timeout = 1s and
   login_greeting = "Hi.": checks that a client that stays silent gets
   greeting, then bye and EOF, and that the login process logs the
   inactivity. */
void test_login_session_check_timeout(const char *protocol,
				      const char *greeting, const char *bye);
/* Runs a whole session of protocol from TEST_LOGIN_SESSION_INSECURE_IP
   with login_trusted_networks = 127.0.0.0/24, which makes that client
   secured: after greeting, sends login (a plaintext login of u1), checks
   that the client gets reply and EOF, and that the login is logged. */
void test_login_session_check_trusted(const char *protocol,
				      const char *greeting, const char *login,
				      const char *reply);

/* Connects from source_ip (NULL: 127.0.0.1, which the login process
   counts as secured) and checks that greeting is what the server sends
   first. */
void test_login_session_connect(const char *source_ip, const char *greeting);
/* Closes the client side. */
void test_login_session_disconnect(void);
void test_login_session_send(const char *data);
/* Sends data one byte at a time, letting the server see each byte. */
void test_login_session_send_slowly(const char *data);
/* Checks that the client receives exactly expected next. */
void test_login_session_expect(const char *expected);
/* Waits for the next CRLF-terminated line from the server and returns it
   without the CRLF (temporary frame; "" after a failed check). */
const char *test_login_session_read_line(void);
/* The last AUTH request that the fake auth server answered: its
   mechanism, a tab, and its decoded initial response with each NUL
   shown as a tab (temporary frame; "" if there was none). */
const char *test_login_session_get_last_auth(void);
/* Checks that the server closes the connection now without sending more,
   and closes the client side. */
void test_login_session_expect_eof(void);

#endif
