/* Copyright (c) Cove authors. See AUTHORS. */
/* Pre-login IMAP dialogues against the real imap-login binary (built
   beside this test), started as the master would start it, with this
   process playing the auth server (a canned auth-client protocol peer:
   u1/p1 is the only valid login, "tempfail" fails temporarily), the
   post-login worker (it takes the handed-off fd and answers
   "<tag> OK worker user=<u> input=<pipelined input>") and the client.
   Everything stays in a temporary directory and on 127.0.0.1 with a port
   the kernel picks. */

#include "lib.h"
#include "str.h"
#include "base64.h"
#include "file-util.h"
#include "net.h"
#include "login-handoff.h"
#include "test-imap-login.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#define SESSION_TIMEOUT_MSECS 5000
#define SESSION_DIR_TEMPLATE "/tmp/test-imap-login.XXXXXX"
#define SESSION_AUTH_HANDSHAKE \
	"VERSION\t1\t2\nMECH\tPLAIN\tplaintext\nMECH\tLOGIN\tplaintext\n" \
	"MECH\tCRAM-MD5\nSPID\t1\nCUID\t1\nCOOKIE\t00\nDONE\n"
#define SESSION_CAPS "IMAP4rev1 SASL-IR LITERAL+ AUTH=PLAIN AUTH=LOGIN " \
	"AUTH=CRAM-MD5"
#define SESSION_GREETING "* OK [CAPABILITY " SESSION_CAPS "] Cove ready.\r\n"

struct session_test_env {
	char dir[64];
	pid_t login_pid;
	int auth_listen_fd, auth_fd, handoff_listen_fd;
	in_port_t port;
	string_t *auth_input;
	bool auth_handshake_done;

	int client_fd;
	string_t *client_input;
	bool client_eof;
};

static struct session_test_env env;

static void session_auth_check(const char *id, const char *resp_base64)
{
	buffer_t *raw = t_str_new(64);
	const char *user = "", *reply;
	const unsigned char *data, *nul;

	if (base64_decode(resp_base64, strlen(resp_base64), raw) < 0)
		buffer_set_used_size(raw, 0);
	data = raw->data;
	/* "\0user\0password" */
	if (raw->used > 1 && data[0] == '\0' &&
	    (nul = memchr(data + 1, '\0', raw->used - 1)) != NULL)
		user = t_strndup(data + 1, nul - data - 1);
	if (raw->used == 6 && memcmp(data, "\0u1\0p1", 6) == 0)
		reply = t_strdup_printf("OK\t%s\tuser=u1\tcookie=c0ffee\n", id);
	else if (strcmp(user, "tempfail") == 0)
		reply = t_strdup_printf("FAIL\t%s\tuser=%s\ttemp\n", id, user);
	else
		reply = t_strdup_printf("FAIL\t%s\tuser=%s\n", id, user);
	if (write(env.auth_fd, reply, strlen(reply)) < 0)
		i_fatal("write(auth) failed: %m");
}

static void session_auth_line(const char *line)
{
	const char *const *args = t_strsplit_tabescaped(line);
	const char *resp = NULL;

	if (strcmp(args[0], "CPID") == 0) {
		env.auth_handshake_done = true;
		return;
	}
	if (strcmp(args[0], "CONT") == 0 && args[1] != NULL &&
	    args[2] != NULL) {
		session_auth_check(args[1], args[2]);
		return;
	}
	if (strcmp(args[0], "AUTH") != 0 || args[1] == NULL)
		return;
	for (unsigned int i = 2; args[i] != NULL; i++) {
		if (str_begins(args[i], "resp="))
			resp = args[i] + 5;
	}
	if (resp != NULL)
		session_auth_check(args[1], resp);
	else {
		const char *cont = t_strdup_printf("CONT\t%s\t\n", args[1]);

		if (write(env.auth_fd, cont, strlen(cont)) < 0)
			i_fatal("write(auth) failed: %m");
	}
}

static void session_auth_input(void)
{
	char buf[1024], *lf;
	ssize_t ret;

	ret = read(env.auth_fd, buf, sizeof(buf));
	if (ret <= 0) {
		(void)close(env.auth_fd);
		env.auth_fd = -1;
		return;
	}
	str_append_data(env.auth_input, buf, ret);
	while ((lf = memchr(str_c(env.auth_input), '\n',
			    str_len(env.auth_input))) != NULL) {
		size_t len = lf - str_c(env.auth_input);

		T_BEGIN {
			session_auth_line(t_strndup(str_c(env.auth_input),
						    len));
		} T_END;
		str_delete(env.auth_input, 0, len + 1);
	}
}

/* The worker's side of the handoff: take the fd, answer for the tag. */
static void session_handoff_accept(void)
{
	struct login_handoff handoff;
	const char *error, *reply;
	pool_t pool;
	int sock, client_fd;

	sock = net_accept(env.handoff_listen_fd, NULL, NULL);
	if (sock < 0)
		return;
	fd_set_nonblock(sock, false);
	pool = pool_alloconly_create("handoff", 1024);
	if (login_handoff_receive(sock, pool, &handoff, &client_fd,
				  SESSION_TIMEOUT_MSECS, &error) < 0) {
		test_assert_strcmp(error, "");
		login_handoff_reply(sock, false, "test");
	} else {
		login_handoff_reply(sock, true, NULL);
		T_BEGIN {
			reply = t_strdup_printf(
				"%s OK worker user=%s input=%s\r\n",
				handoff.tag, handoff.username,
				t_strndup(handoff.input, handoff.input_size));
			if (write(client_fd, reply, strlen(reply)) < 0)
				i_fatal("write(client) failed: %m");
		} T_END;
		(void)close(client_fd);
	}
	pool_unref(&pool);
	(void)close(sock);
}

static void session_client_input(void)
{
	char buf[4096];
	ssize_t ret;

	ret = read(env.client_fd, buf, sizeof(buf));
	if (ret <= 0)
		env.client_eof = true;
	else
		str_append_data(env.client_input, buf, ret);
}

/* Serves the fake auth and worker and reads the client's input for up
   to msecs. Returns early when done() says so. */
static void session_run(unsigned int msecs, bool (*done)(void))
{
	struct pollfd pfd[4];
	unsigned int waited = 0;

	while (waited < msecs && (done == NULL || !done())) {
		pfd[0].fd = env.auth_listen_fd;
		pfd[1].fd = env.auth_fd;
		pfd[2].fd = env.handoff_listen_fd;
		pfd[3].fd = env.client_eof ? -1 : env.client_fd;
		for (unsigned int i = 0; i < N_ELEMENTS(pfd); i++)
			pfd[i].events = POLLIN;
		if (poll(pfd, N_ELEMENTS(pfd), 10) < 0 && errno != EINTR)
			i_fatal("poll() failed: %m");
		waited += 10;
		if ((pfd[0].revents & POLLIN) != 0 && env.auth_fd == -1) {
			env.auth_fd = net_accept(env.auth_listen_fd,
						 NULL, NULL);
			if (env.auth_fd >= 0 &&
			    write(env.auth_fd, SESSION_AUTH_HANDSHAKE,
				  strlen(SESSION_AUTH_HANDSHAKE)) < 0)
				i_fatal("write(auth) failed: %m");
		}
		if (pfd[1].revents != 0)
			session_auth_input();
		if (pfd[2].revents != 0)
			session_handoff_accept();
		if (pfd[3].revents != 0)
			session_client_input();
	}
}

static bool session_auth_ready(void)
{
	return env.auth_handshake_done;
}

static const char *session_expected;

static bool session_have_expected(void)
{
	return env.client_eof ||
		str_len(env.client_input) >= strlen(session_expected);
}

/* Checks that the client receives exactly expected next. */
static void session_expect(const char *expected)
{
	session_expected = expected;
	session_run(SESSION_TIMEOUT_MSECS, session_have_expected);
	test_assert_strcmp(t_strndup(str_c(env.client_input),
				     I_MIN(strlen(expected),
					   str_len(env.client_input))),
			   expected);
	str_delete(env.client_input, 0, I_MIN(strlen(expected),
					      str_len(env.client_input)));
}

static void session_send(const char *data)
{
	if (write(env.client_fd, data, strlen(data)) < 0)
		i_fatal("write(client) failed: %m");
}

/* Sends data one byte at a time, letting the server see each byte. */
static void session_send_slowly(const char *data)
{
	for (; *data != '\0'; data++) {
		if (write(env.client_fd, data, 1) < 0)
			i_fatal("write(client) failed: %m");
		session_run(10, NULL);
	}
}

static void session_connect_greeting(const char *greeting)
{
	struct sockaddr_in sin = {
		.sin_family = AF_INET,
		.sin_port = htons(env.port),
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK),
	};

	env.client_fd = socket(AF_INET, SOCK_STREAM, 0);
	if (env.client_fd < 0 ||
	    connect(env.client_fd, (void *)&sin, sizeof(sin)) < 0)
		i_fatal("connect(127.0.0.1:%u) failed: %m", env.port);
	env.client_eof = false;
	str_truncate(env.client_input, 0);
	session_expect(greeting);
}

static void session_connect(void)
{
	session_connect_greeting(SESSION_GREETING);
}

/* Checks that the server closes the connection now. */
static void session_expect_eof(void)
{
	session_expected = "\x01 never";
	session_run(SESSION_TIMEOUT_MSECS, session_have_expected);
	test_assert(env.client_eof);
	test_assert(str_len(env.client_input) == 0);
	(void)close(env.client_fd);
	env.client_fd = -1;
}

static void session_disconnect(void)
{
	(void)close(env.client_fd);
	env.client_fd = -1;
}

static int session_listen_unix(const char *name)
{
	const char *path = t_strdup_printf("%s/login/%s", env.dir, name);
	const char *error;
	int fd;

	fd = net_listen_unix(path, 16, &error);
	if (fd < 0)
		i_fatal("%s", error);
	return fd;
}

static void session_start_login(const char *config)
{
	const char *config_path = t_strdup_printf("%s/cove.conf", env.dir);
	const char *log_path = t_strdup_printf("%s/log", env.dir);
	struct ip_addr ip;
	char self[PATH_MAX], *slash;
	const char *error;
	ssize_t len;
	int listen_fd, fd;

	len = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (len < 0)
		i_fatal("readlink(/proc/self/exe) failed: %m");
	self[len] = '\0';
	slash = strrchr(self, '/');
	i_assert(slash != NULL);
	slash[1] = '\0';

	fd = open(config_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || write(fd, config, strlen(config)) < 0)
		i_fatal("write(%s) failed: %m", config_path);
	(void)close(fd);

	(void)net_addr2ip("127.0.0.1", &ip);
	env.port = 0;
	listen_fd = net_listen_inet(&ip, &env.port, 16, &error);
	if (listen_fd < 0)
		i_fatal("%s", error);

	env.login_pid = fork();
	if (env.login_pid < 0)
		i_fatal("fork() failed: %m");
	if (env.login_pid == 0) {
		fd = open(log_path, O_WRONLY | O_CREAT | O_APPEND, 0600);
		if (fd < 0 || dup2(fd, STDERR_FILENO) < 0 ||
		    dup2(listen_fd, 3) < 0)
			_exit(1);
		fd_close_on_exec(3, false);
		setenv("COVE_CONFIG", config_path, 1);
		setenv("COVE_LISTENERS", "imap:inet", 1);
		setenv("COVE_CLIENT_LIMIT", "10", 1);
		setenv("COVE_RESTRICT_CHROOT",
		       t_strdup_printf("%s/login", env.dir), 1);
		unsetenv("COVE_RESTRICT_USER");
		unsetenv("COVE_RESTRICT_UID");
		unsetenv("COVE_CONNECTION");
		execl(t_strconcat(self, "imap-login", NULL), "imap-login",
		      (char *)NULL);
		_exit(1);
	}
	(void)close(listen_fd);
	session_run(SESSION_TIMEOUT_MSECS, session_auth_ready);
	test_assert(env.auth_handshake_done);
}

static void session_init(const char *config)
{
	memset(&env, 0, sizeof(env));
	env.auth_fd = -1;
	env.client_fd = -1;
	env.auth_input = str_new(default_pool, 256);
	env.client_input = str_new(default_pool, 1024);
	i_assert(strlen(SESSION_DIR_TEMPLATE) < sizeof(env.dir));
	memcpy(env.dir, SESSION_DIR_TEMPLATE, strlen(SESSION_DIR_TEMPLATE));
	if (mkdtemp(env.dir) == NULL)
		i_fatal("mkdtemp() failed: %m");
	if (mkdir(t_strdup_printf("%s/login", env.dir), 0700) < 0)
		i_fatal("mkdir() failed: %m");
	env.auth_listen_fd = session_listen_unix("login");
	env.handoff_listen_fd = session_listen_unix("imap");
	session_start_login(config);
}

/* Stops imap-login and returns its log (temporary frame). */
static const char *session_deinit(void)
{
	const char *log_path = t_strdup_printf("%s/log", env.dir);
	buffer_t *log;
	const char *error;
	int status;

	if (env.client_fd != -1)
		session_disconnect();
	/* let it log the last disconnect */
	session_run(100, NULL);
	(void)kill(env.login_pid, SIGTERM);
	if (waitpid(env.login_pid, &status, 0) < 0)
		i_fatal("waitpid() failed: %m");
	test_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	if (file_read_all(log_path, datastack_pool, 1024 * 1024, &log, NULL,
			  &error) < 0)
		i_fatal("%s", error);

	if (env.auth_fd != -1)
		(void)close(env.auth_fd);
	(void)close(env.auth_listen_fd);
	(void)close(env.handoff_listen_fd);
	(void)unlink(t_strdup_printf("%s/login/login", env.dir));
	(void)unlink(t_strdup_printf("%s/login/imap", env.dir));
	(void)rmdir(t_strdup_printf("%s/login", env.dir));
	(void)unlink(t_strdup_printf("%s/cove.conf", env.dir));
	(void)unlink(log_path);
	(void)rmdir(env.dir);
	str_free(&env.auth_input);
	str_free(&env.client_input);
	return t_strndup(log->data, log->used);
}

static void test_session_commands(void)
{
	session_connect();
	session_send("a CAPABILITY\r\nb noop\r\n");
	session_expect("* CAPABILITY " SESSION_CAPS "\r\n"
		"a OK Pre-login capabilities listed, post-login capabilities have more.\r\n"
		"b OK NOOP completed.\r\n");
	session_send("c SELECT INBOX\r\nd FOO\r\ne STARTTLS\r\n\r\n");
	session_expect("c BAD Please login first\r\n"
		"d BAD Error in IMAP command received by server.\r\n"
		"e BAD TLS support isn't enabled.\r\n"
		"* BAD Error in IMAP command received by server.\r\n");
	session_send("f LOGIN u1\r\ng LOGIN \"u1\r\n");
	session_expect("f BAD Invalid arguments.\r\ng BAD Missing '\"'\r\n");
	session_send("h LOGOUT\r\n");
	session_expect("* BYE Logging out\r\nh OK Logout completed.\r\n");
	session_expect_eof();
}

static void test_session_login(void)
{
	session_connect();
	session_send("a LOGIN u1 wrong\r\n");
	session_expect("a NO [AUTHENTICATIONFAILED] Authentication failed.\r\n");
	session_send("b LOGIN tempfail x\r\n");
	session_expect("b NO [UNAVAILABLE] Temporary authentication failure.\r\n");
	/* literals, LITERAL+, and a pipelined command for the worker */
	session_send("c LOGIN {2}\r\n");
	session_expect("+ OK\r\n");
	session_send("u1 {2+}\r\np1\r\nd SELECT INBOX\r\n");
	session_expect("c OK worker user=u1 input=d SELECT INBOX\r\n\r\n");
	session_expect_eof();

	session_connect();
	session_send_slowly("x LOGIN \"u1\" \"p1\"\r\n");
	session_expect("x OK worker user=u1 input=\r\n");
	session_expect_eof();
}

static void test_session_authenticate(void)
{
	session_connect();
	session_send("a AUTHENTICATE PLAIN\r\n");
	session_expect("+ \r\n");
	session_send("*\r\n");
	session_expect("a BAD Authentication aborted by client.\r\n");
	session_send("b AUTHENTICATE PLAIN\r\n");
	session_expect("+ \r\n");
	session_send("not base64\r\n");
	session_expect("b BAD Invalid base64 data in response.\r\n");
	session_send("c AUTHENTICATE FOO\r\nd AUTHENTICATE PLAIN =\r\n");
	session_expect("c NO Unsupported authentication mechanism.\r\n"
		"d NO [AUTHENTICATIONFAILED] Authentication failed.\r\n");
	/* "\0u1\0p1", sent after the challenge */
	session_send("e AUTHENTICATE PLAIN\r\n");
	session_expect("+ \r\n");
	session_send("AHUxAHAx\r\n");
	session_expect("e OK worker user=u1 input=\r\n");
	session_expect_eof();

	/* SASL-IR (RFC 4959) */
	session_connect();
	session_send("f authenticate plain AHUxAHAx\r\n");
	session_expect("f OK worker user=u1 input=\r\n");
	session_expect_eof();
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
	session_send(line);
	session_expect("* BYE Input line too long.\r\n");
	session_expect_eof();
}

static void test_session_limits(void)
{
	unsigned int i;

	session_connect();
	for (i = 1; i <= 3; i++) {
		session_send("a LOGIN u2 x\r\n");
		session_expect("a NO [AUTHENTICATIONFAILED] Authentication failed.\r\n");
	}
	session_expect("* BYE Too many authentication failures.\r\n");
	session_expect_eof();

	session_connect();
	for (i = 0; i < 10; i++)
		session_send("a x\r\n");
	for (i = 0; i < 10; i++)
		session_expect("a BAD Error in IMAP command received by server.\r\n");
	session_expect("* BYE Too many invalid commands.\r\n");
	session_expect_eof();

	session_expect_too_long(session_repeat("a LOGIN ", "x", 9000, "\r\n"));
	/* many short arguments */
	session_expect_too_long(session_repeat("a NOOP", " x", 4600, "\r\n"));

	/* a long pipeline is not a long line */
	session_connect();
	session_send(session_repeat("", "n NOOP\r\n", 2000, ""));
	session_expect(session_repeat("", "n OK NOOP completed.\r\n", 2000,
				      ""));
	session_disconnect();

	session_expect_too_long("a LOGIN {100000+}\r\n");
}

void test_imap_login_session(void)
{
	const char *log;

	test_begin("imap-login session");
	session_init("");
	test_session_commands();
	test_session_login();
	test_session_authenticate();
	test_session_limits();
	log = session_deinit();
	test_assert(strstr(log, " imap-login: Info: ") != NULL);
	test_assert(strstr(log, "Info: Login: user=<u1>, method=PLAIN, "
			   "rip=127.0.0.1, lip=127.0.0.1, session=<") != NULL);
	test_assert(strstr(log, "Info: Disconnected: Logged out "
			   "(no auth attempts in ") != NULL);
	test_assert(strstr(log, "Info: Disconnected: Too many authentication "
			   "failures (auth failed, 3 attempts in ") != NULL);
	test_assert(strstr(log, "): user=<u2>, method=PLAIN, rip=127.0.0.1, ")
		    != NULL);
	test_end();
}

void test_imap_login_session_timeout(void)
{
	const char *log;

	test_begin("imap-login session timeout");
	session_init("login_timeout = 1s\nlogin_greeting = Hi.\n");
	session_connect_greeting("* OK [CAPABILITY " SESSION_CAPS "] Hi.\r\n");
	session_expect("* BYE Disconnected for inactivity.\r\n");
	session_expect_eof();
	log = session_deinit();
	test_assert(strstr(log, "Info: Disconnected: Inactivity "
			   "(no auth attempts in ") != NULL);
	test_end();
}
