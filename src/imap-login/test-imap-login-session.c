/* Copyright (c) Cove authors. See AUTHORS. */
/* Pre-login IMAP dialogues against the real imap-login binary, with the
   fake auth server and worker of src/login/test-login-session.h (u1/p1 is
   the only valid login, "tempfail" fails temporarily). */

#include "lib.h"
#include "str.h"
#include "test-login-session.h"
#include "test-imap-login.h"

#define CAPS_BASE "IMAP4rev1 SASL-IR LITERAL+ ID ENABLE IDLE"
#define CAPS CAPS_BASE " AUTH=PLAIN AUTH=LOGIN AUTH=CRAM-MD5"
#define GREETING "* OK [CAPABILITY " CAPS "] Cove ready.\r\n"
#define ERR_AUTH_FAILED "NO [AUTHENTICATIONFAILED] Authentication failed.\r\n"
#define ERR_PLAINTEXT "NO [PRIVACYREQUIRED] Plaintext authentication " \
	"disallowed on non-secure (SSL/TLS) connections.\r\n"

static void session_connect(void)
{
	test_login_session_connect(NULL, GREETING);
}

static void test_session_commands(void)
{
	session_connect();
	test_login_session_send("a CAPABILITY\r\nb noop\r\n");
	test_login_session_expect("* CAPABILITY " CAPS "\r\n"
		"a OK Pre-login capabilities listed, post-login capabilities have more.\r\n"
		"b OK NOOP completed.\r\n");
	test_login_session_send("c SELECT INBOX\r\nd FOO\r\n"
				"e STARTTLS\r\n\r\n");
	test_login_session_expect("c BAD Please login first\r\n"
		"d BAD Error in IMAP command received by server.\r\n"
		"e BAD TLS support isn't enabled.\r\n"
		"* BAD Error in IMAP command received by server.\r\n");
	test_login_session_send("f LOGIN u1\r\ng LOGIN \"u1\r\n");
	test_login_session_expect("f BAD Invalid arguments.\r\n"
				  "g BAD Missing '\"'\r\n");
	/* ID (RFC 2971) */
	test_login_session_send("i1 ID (\"name\" \"Foxmail\")\r\n"
				"i2 id NIL\r\ni3 ID (\"name\")\r\n");
	test_login_session_expect("* ID (\"name\" \"Cove\")\r\n"
		"i1 OK ID completed.\r\n"
		"* ID (\"name\" \"Cove\")\r\n"
		"i2 OK ID completed.\r\n"
		"i3 BAD Invalid parameters.\r\n");
	test_login_session_send("h LOGOUT\r\n");
	test_login_session_expect("* BYE Logging out\r\n"
				  "h OK Logout completed.\r\n");
	test_login_session_expect_eof();
}

static void test_session_login(void)
{
	session_connect();
	test_login_session_send("a LOGIN u1 wrong\r\n");
	test_login_session_expect("a " ERR_AUTH_FAILED);
	test_login_session_send("b LOGIN tempfail x\r\n");
	test_login_session_expect(
		"b NO [UNAVAILABLE] Temporary authentication failure.\r\n");
	/* literals, LITERAL+, and a pipelined command for the worker */
	test_login_session_send("c LOGIN {2}\r\n");
	test_login_session_expect("+ OK\r\n");
	test_login_session_send("u1 {2+}\r\np1\r\nd SELECT INBOX\r\n");
	test_login_session_expect(
		"OK worker tag=c user=u1 input=d SELECT INBOX\r\n\r\n");
	test_login_session_expect_eof();

	session_connect();
	test_login_session_send_slowly("x LOGIN \"u1\" \"p1\"\r\n");
	test_login_session_expect("OK worker tag=x user=u1 input=\r\n");
	test_login_session_expect_eof();
}

static void test_session_authenticate(void)
{
	session_connect();
	test_login_session_send("a AUTHENTICATE PLAIN\r\n");
	test_login_session_expect("+ \r\n");
	test_login_session_send("*\r\n");
	test_login_session_expect(
		"a BAD Authentication aborted by client.\r\n");
	test_login_session_send("b AUTHENTICATE PLAIN\r\n");
	test_login_session_expect("+ \r\n");
	test_login_session_send("not base64\r\n");
	test_login_session_expect("b BAD Invalid base64 data in response.\r\n");
	test_login_session_send("c AUTHENTICATE FOO\r\n"
				"d AUTHENTICATE PLAIN =\r\n");
	test_login_session_expect(
		"c NO Unsupported authentication mechanism.\r\n"
		"d " ERR_AUTH_FAILED);
	/* "\0u1\0p1", sent after the challenge */
	test_login_session_send("e AUTHENTICATE PLAIN\r\n");
	test_login_session_expect("+ \r\n");
	test_login_session_send("AHUxAHAx\r\n");
	test_login_session_expect("OK worker tag=e user=u1 input=\r\n");
	test_login_session_expect_eof();

	/* SASL-IR (RFC 4959) */
	session_connect();
	test_login_session_send("f authenticate plain AHUxAHAx\r\n");
	test_login_session_expect("OK worker tag=f user=u1 input=\r\n");
	test_login_session_expect_eof();
}

/* Returns prefix, part repeated count times, and suffix (temporary
   frame). */
static const char *session_repeat(const char *prefix, const char *part,
				  unsigned int count, const char *suffix)
{
	string_t *str = t_str_new(strlen(part) * count + 64);

	str_append(str, prefix);
	for (unsigned int i = 0; i < count; i++)
		str_append(str, part);
	str_append(str, suffix);
	return str_c(str);
}

/* A new session sends line, which is too long: BYE and disconnect. */
static void session_expect_too_long(const char *line)
{
	session_connect();
	test_login_session_send(line);
	test_login_session_expect("* BYE Input line too long.\r\n");
	test_login_session_expect_eof();
}

static void test_session_limits(void)
{
	unsigned int i;

	session_connect();
	for (i = 1; i <= 3; i++) {
		test_login_session_send("a LOGIN u2 x\r\n");
		test_login_session_expect("a " ERR_AUTH_FAILED);
	}
	test_login_session_expect(
		"* BYE Too many authentication failures.\r\n");
	test_login_session_expect_eof();

	session_connect();
	for (i = 0; i < 10; i++)
		test_login_session_send("a x\r\n");
	for (i = 0; i < 10; i++) {
		test_login_session_expect(
			"a BAD Error in IMAP command received by server.\r\n");
	}
	test_login_session_expect("* BYE Too many invalid commands.\r\n");
	test_login_session_expect_eof();

	session_expect_too_long(session_repeat("a LOGIN ", "x", 9000, "\r\n"));
	/* many short arguments */
	session_expect_too_long(session_repeat("a NOOP", " x", 4600, "\r\n"));

	/* a long pipeline is not a long line */
	session_connect();
	test_login_session_send(session_repeat("", "n NOOP\r\n", 2000, ""));
	test_login_session_expect(
		session_repeat("", "n OK NOOP completed.\r\n", 2000, ""));
	test_login_session_disconnect();

	session_expect_too_long("a LOGIN {100000+}\r\n");
}

void test_imap_login_session(void)
{
	const char *log;

	test_begin("imap-login session");
	test_login_session_init("imap", "");
	test_session_commands();
	test_session_login();
	test_session_authenticate();
	test_session_limits();
	log = test_login_session_deinit();
	test_login_session_assert_common_log(log);
	test_end();
}

/* Plaintext authentication on an insecure connection (RFC 3501 6.2.3
   LOGINDISABLED), then the same client in login_trusted_networks. */
void test_imap_login_session_insecure(void)
{
	const char *log;

	test_begin("imap-login session insecure");
	test_login_session_init("imap", "");
	test_login_session_connect(TEST_LOGIN_SESSION_INSECURE_IP,
		"* OK [CAPABILITY " CAPS_BASE " LOGINDISABLED AUTH=CRAM-MD5] "
		"Cove ready.\r\n");
	test_login_session_send("a LOGIN u1 p1\r\n"
				"b AUTHENTICATE PLAIN AHUxAHAx\r\n"
				"c AUTHENTICATE LOGIN\r\n");
	test_login_session_expect("a " ERR_PLAINTEXT "b " ERR_PLAINTEXT
				  "c " ERR_PLAINTEXT);
	test_login_session_send("d AUTHENTICATE CRAM-MD5\r\n");
	test_login_session_expect("+ \r\n");
	test_login_session_send("*\r\ne LOGOUT\r\n");
	test_login_session_expect("d BAD Authentication aborted by client.\r\n"
				  "* BYE Logging out\r\n"
				  "e OK Logout completed.\r\n");
	test_login_session_expect_eof();
	log = test_login_session_deinit();
	test_assert(strstr(log, "Info: Disconnected: Logged out (tried to use "
			   "disallowed plaintext auth): user=<u1>, "
			   "method=CRAM-MD5, rip="
			   TEST_LOGIN_SESSION_INSECURE_IP ", ") != NULL);

	test_login_session_check_trusted("imap", GREETING, "a LOGIN u1 p1\r\n",
		"OK worker tag=a user=u1 input=\r\n");
	test_end();
}

/* The worker refuses the session (mail_max_userip_connections): the
   client gets the reason after NO [LIMIT] and is disconnected. */
void test_imap_login_session_refused(void)
{
	const char *log;

	test_begin("imap-login session refused");
	test_login_session_set_worker_refusal("Too many.");
	test_login_session_init("imap", "");
	session_connect();
	test_login_session_send("a LOGIN u1 p1\r\n");
	test_login_session_expect("a NO [LIMIT] Too many.\r\n");
	test_login_session_expect_eof();
	log = test_login_session_deinit();
	test_assert(strstr(log, "Info: Disconnected: Too many.") != NULL);
	test_end();
}

void test_imap_login_session_timeout(void)
{
	test_begin("imap-login session timeout");
	test_login_session_check_timeout("imap",
		"* OK [CAPABILITY " CAPS "] Hi.\r\n",
		"* BYE Disconnected for inactivity.\r\n");
	test_end();
}
