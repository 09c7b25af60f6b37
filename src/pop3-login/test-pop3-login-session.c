/* Copyright (c) Cove authors. See AUTHORS. */
/* Pre-login POP3 dialogues against the real pop3-login binary, with the
   fake auth server and worker of src/login/test-login-session.h (u1/p1 is
   the only valid login, "tempfail" fails temporarily). */

#include "lib.h"
#include "str.h"
#include "test-login-session.h"
#include "test-pop3-login.h"

#define GREETING "+OK Cove ready.\r\n"
#define CAPA_BASE "+OK\r\nCAPA\r\nTOP\r\nUIDL\r\nRESP-CODES\r\n" \
	"PIPELINING\r\nAUTH-RESP-CODE\r\n"
#define ERR_PLAINTEXT "-ERR [AUTH] Plaintext authentication disallowed " \
	"on non-secure (SSL/TLS) connections.\r\n"
#define ERR_AUTH_FAILED "-ERR [AUTH] Authentication failed.\r\n"

static void session_connect(void)
{
	test_login_session_connect(NULL, GREETING);
}

static void test_session_commands(void)
{
	session_connect();
	test_login_session_send("CAPA\r\nauth\r\n");
	test_login_session_expect(CAPA_BASE "USER\r\n"
		"SASL " TEST_LOGIN_SESSION_MECHS "\r\n.\r\n"
		"+OK\r\nPLAIN\r\nLOGIN\r\nCRAM-MD5\r\n.\r\n");
	/* without APOP from the auth server, APOP is unknown too */
	test_login_session_send("NOOP\r\nSTAT\r\nFOO bar\r\n\r\nCAPA\tx\r\n"
		"APOP u1 " TEST_LOGIN_SESSION_APOP_DIGEST "\r\n");
	test_login_session_expect("-ERR Unknown command.\r\n"
		"-ERR Unknown command.\r\n-ERR Unknown command.\r\n"
		"-ERR Unknown command.\r\n-ERR Unknown command.\r\n"
		"-ERR Unknown command.\r\n");
	test_login_session_send("STLS\r\nPASS p1\r\nUSER u1\r\n");
	test_login_session_expect("-ERR TLS support isn't enabled.\r\n"
		"-ERR No username given.\r\n+OK\r\n");
	/* bare LF ends a line too */
	test_login_session_send("capa\n");
	test_login_session_expect(CAPA_BASE "USER\r\n");
	test_login_session_expect("SASL " TEST_LOGIN_SESSION_MECHS "\r\n.\r\n");
	test_login_session_send("quit\r\n");
	test_login_session_expect("+OK Logging out\r\n");
	test_login_session_expect_eof();
}

static void test_session_user_pass(void)
{
	session_connect();
	test_login_session_send("USER u1\r\nPASS wrong\r\n");
	test_login_session_expect("+OK\r\n" ERR_AUTH_FAILED);
	/* a failed PASS forgets the user */
	test_login_session_send("PASS p1\r\n");
	test_login_session_expect("-ERR No username given.\r\n");
	test_login_session_send("USER tempfail\r\nPASS x\r\n");
	test_login_session_expect("+OK\r\n"
		"-ERR [SYS/TEMP] Temporary authentication failure.\r\n");
	/* the last USER counts; the password may contain spaces */
	test_login_session_send("USER u2\r\nUSER u1\r\n");
	test_login_session_expect("+OK\r\n+OK\r\n");
	test_login_session_send("PASS p 1\r\n");
	test_login_session_expect(ERR_AUTH_FAILED);
	/* RFC 2449 PIPELINING: what follows PASS goes to the worker */
	test_login_session_send("USER u1\r\nPASS p1\r\nSTAT\r\nLIST\r\n");
	test_login_session_expect("+OK\r\nOK worker tag= user=u1 "
				  "input=STAT\r\nLIST\r\n\r\n");
	test_login_session_expect_eof();

	session_connect();
	test_login_session_send_slowly("USER u1\r\nPASS p1\r\n");
	test_login_session_expect("+OK\r\nOK worker tag= user=u1 input=\r\n");
	test_login_session_expect_eof();
}

static void test_session_auth(void)
{
	session_connect();
	test_login_session_send("AUTH PLAIN\r\n");
	test_login_session_expect("+ \r\n");
	test_login_session_send("*\r\n");
	test_login_session_expect("-ERR Authentication aborted by client.\r\n");
	test_login_session_send("AUTH PLAIN\r\n");
	test_login_session_expect("+ \r\n");
	test_login_session_send("not base64\r\n");
	test_login_session_expect(
		"-ERR [AUTH] Invalid base64 data in response.\r\n");
	test_login_session_send("AUTH FOO\r\nAUTH PLAIN =\r\n"
				"AUTH PLAIN x y\r\n");
	test_login_session_expect(
		"-ERR [AUTH] Unsupported authentication mechanism.\r\n"
		ERR_AUTH_FAILED
		"-ERR [AUTH] Invalid base64 data in response.\r\n");
	/* "\0u1\0p1" after the challenge, then a pipelined command */
	test_login_session_send("AUTH PLAIN\r\n");
	test_login_session_expect("+ \r\n");
	test_login_session_send("AHUxAHAx\r\nSTAT\r\n");
	test_login_session_expect("OK worker tag= user=u1 input=STAT\r\n\r\n");
	test_login_session_expect_eof();

	/* initial response (RFC 5034 4) */
	session_connect();
	test_login_session_send("auth plain AHUxAHAx\r\nLIST\r\nQUIT\r\n");
	test_login_session_expect("OK worker tag= user=u1 "
				  "input=LIST\r\nQUIT\r\n\r\n");
	test_login_session_expect_eof();
}

static void test_session_limits(void)
{
	string_t *str = t_str_new(16384);
	unsigned int i;

	session_connect();
	for (i = 1; i <= 3; i++) {
		test_login_session_send("USER u2\r\nPASS x\r\n");
		test_login_session_expect("+OK\r\n" ERR_AUTH_FAILED);
	}
	test_login_session_expect("-ERR Too many authentication failures.\r\n");
	test_login_session_expect_eof();

	session_connect();
	for (i = 0; i < 10; i++)
		test_login_session_send("x\r\n");
	for (i = 0; i < 10; i++)
		test_login_session_expect("-ERR Unknown command.\r\n");
	test_login_session_expect("-ERR Too many invalid commands.\r\n");
	test_login_session_expect_eof();

	session_connect();
	str_append(str, "USER ");
	for (i = 0; i < 9000; i++)
		str_append_c(str, 'x');
	str_append(str, "\r\n");
	test_login_session_send(str_c(str));
	test_login_session_expect("-ERR Input line too long.\r\n");
	test_login_session_expect_eof();

	/* a long pipeline is not a long line */
	session_connect();
	str_truncate(str, 0);
	for (i = 0; i < 2000; i++)
		str_append(str, "USER u1\r\n");
	test_login_session_send(str_c(str));
	str_truncate(str, 0);
	for (i = 0; i < 2000; i++)
		str_append(str, "+OK\r\n");
	test_login_session_expect(str_c(str));
	test_login_session_disconnect();
}

void test_pop3_login_session(void)
{
	const char *log;

	test_begin("pop3-login session");
	test_login_session_init("pop3", "");
	test_session_commands();
	test_session_user_pass();
	test_session_auth();
	test_session_limits();
	log = test_login_session_deinit();
	test_login_session_assert_common_log(log);
	test_end();
}

/* Plaintext authentication on an insecure connection, then the same
   client in login_trusted_networks. */
void test_pop3_login_session_insecure(void)
{
	const char *log;

	test_begin("pop3-login session insecure");
	test_login_session_init("pop3", "");
	test_login_session_connect(TEST_LOGIN_SESSION_INSECURE_IP, GREETING);
	test_login_session_send("CAPA\r\nAUTH\r\n");
	test_login_session_expect(CAPA_BASE "SASL CRAM-MD5\r\n.\r\n"
				  "+OK\r\nCRAM-MD5\r\n.\r\n");
	test_login_session_send("USER u1\r\nPASS p1\r\nAUTH PLAIN AHUxAHAx\r\n"
				"AUTH login\r\n");
	test_login_session_expect(ERR_PLAINTEXT ERR_PLAINTEXT ERR_PLAINTEXT
				  ERR_PLAINTEXT);
	test_login_session_send("AUTH CRAM-MD5\r\n");
	test_login_session_expect("+ \r\n");
	test_login_session_send("*\r\nQUIT\r\n");
	test_login_session_expect("-ERR Authentication aborted by client.\r\n"
				  "+OK Logging out\r\n");
	test_login_session_expect_eof();
	log = test_login_session_deinit();
	test_assert(strstr(log, "Info: Disconnected: Logged out (tried to use "
			   "disallowed plaintext auth): user=<>, "
			   "method=CRAM-MD5, rip="
			   TEST_LOGIN_SESSION_INSECURE_IP ", ") != NULL);

	test_login_session_check_trusted("pop3", GREETING,
		"CAPA\r\nUSER u1\r\nPASS p1\r\n",
		CAPA_BASE "USER\r\nSASL " TEST_LOGIN_SESSION_MECHS "\r\n.\r\n"
		"+OK\r\nOK worker tag= user=u1 input=\r\n");
	test_end();
}

/* Connects with APOP offered and returns the greeting's timestamp
   (temporary frame), checking that it is "<PID.TIME.RANDOM@HOST>". */
static const char *session_connect_apop(const char *source_ip)
{
	const char *challenge, *at;

	test_login_session_connect(source_ip, "+OK Cove ready. <");
	challenge = t_strconcat("<", test_login_session_read_line(), NULL);
	test_assert(challenge[strlen(challenge) - 1] == '>');
	test_assert(strchr(challenge, ' ') == NULL);
	at = strchr(challenge, '@');
	test_assert(at != NULL && at[1] != '>');
	if (at != NULL) {
		test_assert(str_array_length(t_strsplit(
			t_strndup(challenge, at - challenge), ".")) == 3);
	}
	return challenge;
}

void test_pop3_login_session_apop(void)
{
	const char *challenge, *challenge2, *log;

	test_begin("pop3-login session APOP");
	test_login_session_set_extra_mech("APOP");
	test_login_session_init("pop3", "");
	/* APOP does not send the password: allowed on insecure
	   connections */
	challenge = session_connect_apop(TEST_LOGIN_SESSION_INSECURE_IP);
	/* never advertised, and not usable through AUTH */
	test_login_session_send("CAPA\r\nAUTH\r\nAUTH APOP AHUxAHAx\r\n");
	test_login_session_expect(CAPA_BASE "SASL CRAM-MD5\r\n.\r\n"
		"+OK\r\nCRAM-MD5\r\n.\r\n"
		"-ERR [AUTH] Unsupported authentication mechanism.\r\n");
	test_login_session_send("APOP\r\nAPOP u1\r\nAPOP u1 x\r\n"
		"APOP " TEST_LOGIN_SESSION_APOP_DIGEST "\r\n"
		"APOP u1 " TEST_LOGIN_SESSION_APOP_DIGEST "0\r\n"
		"APOP u1 0123456789abcdef0123456789abcdeg\r\n");
	test_login_session_expect("-ERR Invalid parameters.\r\n"
		"-ERR Invalid parameters.\r\n-ERR Invalid parameters.\r\n"
		"-ERR Invalid parameters.\r\n-ERR Invalid parameters.\r\n"
		"-ERR Invalid parameters.\r\n");
	test_login_session_send("apop u1 00000000000000000000000000000000\r\n");
	test_login_session_expect(ERR_AUTH_FAILED);
	test_assert_strcmp(test_login_session_get_last_auth(),
		t_strdup_printf("APOP\t%s\tu1\t"
				"00000000000000000000000000000000", challenge));
	/* the user name is everything before the last space */
	test_login_session_send("APOP u 2 " TEST_LOGIN_SESSION_APOP_DIGEST
				"\r\n");
	test_login_session_expect(ERR_AUTH_FAILED);
	test_assert_strcmp(test_login_session_get_last_auth(),
		t_strdup_printf("APOP\t%s\tu 2\t"
				TEST_LOGIN_SESSION_APOP_DIGEST, challenge));
	/* what follows a successful APOP goes to the worker */
	test_login_session_send("APOP u1 " TEST_LOGIN_SESSION_APOP_DIGEST
				"\r\nSTAT\r\n");
	test_login_session_expect("OK worker tag= user=u1 input=STAT\r\n"
				  "\r\n");
	test_login_session_expect_eof();

	/* every greeting has its own timestamp */
	challenge2 = session_connect_apop(NULL);
	test_assert(strcmp(challenge, challenge2) != 0);
	test_login_session_send("QUIT\r\n");
	test_login_session_expect("+OK Logging out\r\n");
	test_login_session_expect_eof();
	log = test_login_session_deinit();
	test_assert(strstr(log, "Info: Login: user=<u1>, method=APOP, rip="
			   TEST_LOGIN_SESSION_INSECURE_IP ", ") != NULL);
	test_end();
}

void test_pop3_login_session_timeout(void)
{
	test_begin("pop3-login session timeout");
	test_login_session_check_timeout("pop3", "+OK Hi.\r\n",
		"-ERR Disconnected for inactivity.\r\n");
	test_end();
}
