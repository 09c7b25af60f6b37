/* Copyright (c) Cove authors. See AUTHORS. */
/* Pre-login SMTP dialogues against the real submission-login binary,
   with the fake auth server and worker of src/login/test-login-session.h
   (u1/p1 is the only valid login, "tempfail" fails temporarily). */

#include "lib.h"
#include "str.h"
#include "test-login-session.h"
#include "test-submission-login.h"

#include <limits.h>
#include <unistd.h>

#define CONFIG "hostname = mx.test\n"
#define GREETING "220 mx.test Cove ready.\r\n"
#define EHLO_TAIL "250-PIPELINING\r\n250-SIZE\r\n" \
	"250-ENHANCEDSTATUSCODES\r\n250 8BITMIME\r\n"
#define ERR_AUTH_FAILED "535 5.7.8 Authentication failed.\r\n"
#define ERR_NEED_AUTH "530 5.7.0 Authentication required\r\n"

/* The greeting of the harness's own configs, which have no hostname:
   the system's name then. */
static const char *system_greeting(const char *text)
{
	char name[HOST_NAME_MAX + 1];

	if (gethostname(name, sizeof(name)) < 0)
		i_fatal("gethostname() failed: %m");
	name[sizeof(name) - 1] = '\0';
	return t_strdup_printf("220 %s %s\r\n", name, text);
}

static void session_connect(void)
{
	test_login_session_connect(NULL, GREETING);
}

static void test_session_commands(void)
{
	session_connect();
	test_login_session_send("EHLO client.test\r\n");
	test_login_session_expect("250-mx.test\r\n"
		"250-AUTH " TEST_LOGIN_SESSION_MECHS "\r\n" EHLO_TAIL);
	test_login_session_send("EHLO\r\nhelo c\r\nMAIL FROM:<a@b.c>\r\n"
		"RCPT TO:<x@y.z>\r\nDATA\r\nBDAT 1 LAST\r\nNOOP\r\nRSET\r\n"
		"FOO\r\n\r\nSTARTTLS\r\n");
	test_login_session_expect("501 5.5.4 Missing hostname\r\n"
		"250 mx.test\r\n" ERR_NEED_AUTH ERR_NEED_AUTH ERR_NEED_AUTH
		ERR_NEED_AUTH "250 2.0.0 OK\r\n250 2.0.0 OK\r\n"
		"500 5.5.2 Unknown command\r\n500 5.5.2 Unknown command\r\n"
		"454 4.7.0 TLS not available\r\n");
	test_login_session_send("quit\r\n");
	test_login_session_expect("221 2.0.0 Bye\r\n");
	test_login_session_expect_eof();
}

static void test_session_auth(void)
{
	session_connect();
	test_login_session_send("AUTH\r\nAUTH FOO\r\nAUTH PLAIN !!\r\n");
	test_login_session_expect("501 5.5.4 Missing mechanism\r\n"
		"504 5.5.4 Unsupported authentication mechanism.\r\n"
		"501 5.5.2 Invalid base64 data in response.\r\n");
	/* AUTH PLAIN without an initial response: an empty challenge */
	test_login_session_send("AUTH PLAIN\r\n");
	test_login_session_expect("334 \r\n");
	test_login_session_send("*\r\n");
	test_login_session_expect(
		"501 5.5.2 Authentication aborted by client.\r\n");
	test_login_session_send("AUTH PLAIN AHRlbXBmYWlsAHg=\r\n");
	test_login_session_expect(
		"454 4.7.0 Temporary authentication failure.\r\n");
	test_login_session_send("AUTH PLAIN AHUxAHgx\r\n");
	test_login_session_expect(ERR_AUTH_FAILED);
	test_login_session_send("AUTH PLAIN AHUxAHAx\r\n");
	test_login_session_expect("OK worker tag= user=u1 input=\r\n");
	test_login_session_expect_eof();

	/* what a client sends after AUTH goes to the worker */
	session_connect();
	test_login_session_send("AUTH PLAIN\r\nAHUxAHAx\r\nNOOP\r\n");
	test_login_session_expect("334 \r\nOK worker tag= user=u1 "
				  "input=NOOP\r\n\r\n");
	test_login_session_expect_eof();
}

static void test_session_limits(void)
{
	string_t *str = t_str_new(16384);
	unsigned int i;

	session_connect();
	for (i = 1; i <= 3; i++) {
		test_login_session_send("AUTH PLAIN AHUyAHg=\r\n");
		test_login_session_expect(ERR_AUTH_FAILED);
	}
	test_login_session_expect(
		"421 4.4.2 Too many authentication failures.\r\n");
	test_login_session_expect_eof();

	session_connect();
	for (i = 0; i < 10; i++)
		test_login_session_send("MAIL FROM:<a@b.c>\r\n");
	for (i = 0; i < 10; i++)
		test_login_session_expect(ERR_NEED_AUTH);
	test_login_session_expect(
		"421 4.4.2 Too many invalid commands.\r\n");
	test_login_session_expect_eof();

	session_connect();
	str_append(str, "NOOP ");
	for (i = 0; i < 9000; i++)
		str_append_c(str, 'x');
	str_append(str, "\r\n");
	test_login_session_send(str_c(str));
	test_login_session_expect("500 5.5.2 Line too long\r\n");
	test_login_session_expect_eof();
}

void test_submission_login_session(void)
{
	const char *log;

	test_begin("submission-login session");
	test_login_session_init("submission", CONFIG);
	test_session_commands();
	test_session_auth();
	test_session_limits();
	log = test_login_session_deinit();
	test_login_session_assert_common_log(log);
	test_end();
}

/* Plaintext mechanisms are neither advertised nor usable on an insecure
   connection. */
void test_submission_login_session_insecure(void)
{
	const char *err_plaintext = "538 5.7.11 Plaintext authentication "
		"disallowed on non-secure (SSL/TLS) connections.\r\n";

	test_begin("submission-login session insecure");
	test_login_session_init("submission", CONFIG);
	test_login_session_connect(TEST_LOGIN_SESSION_INSECURE_IP, GREETING);
	test_login_session_send("EHLO c\r\n");
	test_login_session_expect("250-mx.test\r\n250-AUTH CRAM-MD5\r\n"
				  EHLO_TAIL);
	test_login_session_send("AUTH PLAIN AHUxAHAx\r\nAUTH LOGIN\r\n");
	test_login_session_expect(t_strconcat(err_plaintext, err_plaintext,
					      NULL));
	test_login_session_send("QUIT\r\n");
	test_login_session_expect("221 2.0.0 Bye\r\n");
	test_login_session_expect_eof();
	(void)test_login_session_deinit();
	test_login_session_check_trusted("submission",
		system_greeting("Cove ready."),
		"AUTH PLAIN AHUxAHAx\r\n", "OK worker tag= user=u1 input=\r\n");
	test_end();
}

void test_submission_login_session_timeout(void)
{
	test_begin("submission-login session timeout");
	test_login_session_check_timeout("submission", system_greeting("Hi."),
		"421 4.4.2 Disconnected for inactivity.\r\n");
	test_end();
}
