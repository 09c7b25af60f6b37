/* Copyright (c) Cove authors. See AUTHORS. */
/* The pre-login dialogue harness (see test-login-session.h): runs a login
   binary with a fake auth server, a fake worker and a client, all served
   by one poll() loop in this process, and checks what every login
   protocol shares (log lines, login_timeout, login_trusted_networks). */

#include "lib.h"
#include "str.h"
#include "base64.h"
#include "file-util.h"
#include "net.h"
#include "login-handoff.h"
#include "test-common.h"
#include "test-login-session.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#define SESSION_TIMEOUT_MSECS 5000
#define SESSION_POLL_MSECS 10
#define SESSION_DIR_TEMPLATE "/tmp/test-login-session.XXXXXX"
#define SESSION_AUTH_HANDSHAKE_MECHS \
	"VERSION\t1\t2\nMECH\tPLAIN\tplaintext\nMECH\tLOGIN\tplaintext\n" \
	"MECH\tCRAM-MD5\n"
#define SESSION_AUTH_HANDSHAKE_END "SPID\t1\nCUID\t1\nCOOKIE\t00\nDONE\n"

struct session_env {
	const char *protocol;
	char dir[64];
	pid_t login_pid;
	int auth_listen_fd, auth_fd, handoff_listen_fd;
	in_port_t port;
	string_t *auth_input;
	bool auth_handshake_done;
	/* see test_login_session_set_extra_mech() */
	const char *extra_mech;
	/* see test_login_session_set_worker_refusal() */
	const char *worker_refusal;
	string_t *last_auth;

	int client_fd;
	string_t *client_input;
	bool client_eof;
	const char *expected;
};

static struct session_env env;

static void session_write(int fd, const char *data)
{
	if (write(fd, data, strlen(data)) < 0)
		i_fatal("write() failed: %m");
}

/* Records mech and the decoded response raw for
   test_login_session_get_last_auth(). */
static void session_auth_record(const char *mech, const buffer_t *raw)
{
	const unsigned char *data = raw->data;
	size_t i;

	str_truncate(env.last_auth, 0);
	str_append(env.last_auth, mech);
	str_append_c(env.last_auth, '\t');
	for (i = 0; i < raw->used; i++)
		str_append_c(env.last_auth, data[i] == '\0' ? '\t' : data[i]);
}

/* The user of "\0user\0password" or "challenge\0user\0digest"
   (temporary frame), or "". */
static const char *session_auth_get_user(const buffer_t *raw)
{
	const unsigned char *data = raw->data, *user, *nul;

	user = memchr(data, '\0', raw->used);
	if (user == NULL)
		return "";
	user++;
	nul = memchr(user, '\0', raw->used - (user - data));
	return nul == NULL ? "" : t_strndup(user, nul - user);
}

/* True if raw is "challenge\0u1\0" TEST_LOGIN_SESSION_APOP_DIGEST. */
static bool session_auth_apop_ok(const buffer_t *raw)
{
	static const char tail[] = "\0u1\0" TEST_LOGIN_SESSION_APOP_DIGEST;
	const unsigned char *data = raw->data;
	size_t tail_len = sizeof(tail) - 1;

	return raw->used > tail_len &&
		memchr(data, '\0', raw->used) == data + raw->used - tail_len &&
		memcmp(data + raw->used - tail_len, tail, tail_len) == 0;
}

/* Answers a SASL response (mech is NULL for a CONT): only "\0u1\0p1"
   succeeds, and for APOP session_auth_apop_ok(). */
static void session_auth_check(const char *id, const char *mech,
			       const char *resp_base64)
{
	buffer_t *raw = t_str_new(64);
	const char *user = "", *reply;
	bool apop = mech != NULL && strcmp(mech, "APOP") == 0, ok;

	if (base64_decode(resp_base64, strlen(resp_base64), raw) < 0)
		buffer_set_used_size(raw, 0);
	if (mech != NULL)
		session_auth_record(mech, raw);
	if (apop || (raw->used > 0 && ((const char *)raw->data)[0] == '\0'))
		user = session_auth_get_user(raw);
	ok = apop ? session_auth_apop_ok(raw) :
		(raw->used == 6 && memcmp(raw->data, "\0u1\0p1", 6) == 0);
	if (ok)
		reply = t_strdup_printf("OK\t%s\tuser=u1\tcookie=c0ffee\n", id);
	else if (strcmp(user, "tempfail") == 0)
		reply = t_strdup_printf("FAIL\t%s\tuser=%s\ttemp\n", id, user);
	else
		reply = t_strdup_printf("FAIL\t%s\tuser=%s\n", id, user);
	session_write(env.auth_fd, reply);
}

static void session_auth_line(const char *line)
{
	const char *const *args = t_strsplit_tabescaped(line);
	const char *resp = NULL;
	unsigned int i;

	if (strcmp(args[0], "CPID") == 0) {
		env.auth_handshake_done = true;
		return;
	}
	if (strcmp(args[0], "CONT") == 0 && args[1] != NULL &&
	    args[2] != NULL) {
		session_auth_check(args[1], NULL, args[2]);
		return;
	}
	if (strcmp(args[0], "AUTH") != 0 || args[1] == NULL ||
	    args[2] == NULL)
		return;
	for (i = 3; args[i] != NULL; i++) {
		if (str_begins(args[i], "resp="))
			resp = args[i] + 5;
	}
	if (resp != NULL)
		session_auth_check(args[1], args[2], resp);
	else {
		session_write(env.auth_fd,
			      t_strdup_printf("CONT\t%s\t\n", args[1]));
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

static void session_auth_accept(void)
{
	if (env.auth_fd != -1)
		return;
	env.auth_fd = net_accept(env.auth_listen_fd, NULL, NULL);
	if (env.auth_fd < 0)
		return;
	session_write(env.auth_fd, SESSION_AUTH_HANDSHAKE_MECHS);
	if (env.extra_mech != NULL) {
		session_write(env.auth_fd, t_strdup_printf("MECH\t%s\n",
							   env.extra_mech));
	}
	session_write(env.auth_fd, SESSION_AUTH_HANDSHAKE_END);
}

/* The worker's side of the handoff: take the fd, reply, close it. */
static void session_handoff_accept(void)
{
	struct login_handoff handoff;
	const char *error;
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
	} else if (env.worker_refusal != NULL) {
		login_handoff_refuse(sock, env.worker_refusal);
		(void)close(client_fd);
	} else {
		login_handoff_reply(sock, true, NULL);
		T_BEGIN {
			session_write(client_fd, t_strdup_printf(
				"OK worker tag=%s user=%s input=%s\r\n",
				handoff.tag, handoff.username,
				t_strndup(handoff.input, handoff.input_size)));
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
	unsigned int i, waited = 0;

	while (waited < msecs && (done == NULL || !done())) {
		pfd[0].fd = env.auth_listen_fd;
		pfd[1].fd = env.auth_fd;
		pfd[2].fd = env.handoff_listen_fd;
		pfd[3].fd = env.client_eof ? -1 : env.client_fd;
		for (i = 0; i < N_ELEMENTS(pfd); i++)
			pfd[i].events = POLLIN;
		if (poll(pfd, N_ELEMENTS(pfd), SESSION_POLL_MSECS) < 0 &&
		    errno != EINTR)
			i_fatal("poll() failed: %m");
		waited += SESSION_POLL_MSECS;
		if ((pfd[0].revents & POLLIN) != 0)
			session_auth_accept();
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

static bool session_have_expected(void)
{
	return env.client_eof ||
		str_len(env.client_input) >= strlen(env.expected);
}

void test_login_session_expect(const char *expected)
{
	size_t len;

	env.expected = expected;
	session_run(SESSION_TIMEOUT_MSECS, session_have_expected);
	len = I_MIN(strlen(expected), str_len(env.client_input));
	test_assert_strcmp(t_strndup(str_c(env.client_input), len), expected);
	str_delete(env.client_input, 0, len);
}

static bool session_have_line(void)
{
	return env.client_eof ||
		strchr(str_c(env.client_input), '\n') != NULL;
}

const char *test_login_session_read_line(void)
{
	const char *lf, *line;

	session_run(SESSION_TIMEOUT_MSECS, session_have_line);
	lf = strchr(str_c(env.client_input), '\n');
	test_assert(lf != NULL && lf > str_c(env.client_input) &&
		    lf[-1] == '\r');
	if (lf == NULL || lf == str_c(env.client_input))
		return "";
	line = t_strndup(str_c(env.client_input),
			 lf - 1 - str_c(env.client_input));
	str_delete(env.client_input, 0, lf + 1 - str_c(env.client_input));
	return line;
}

void test_login_session_set_extra_mech(const char *mech)
{
	env.extra_mech = mech;
}

void test_login_session_set_worker_refusal(const char *reason)
{
	env.worker_refusal = reason;
}

const char *test_login_session_get_last_auth(void)
{
	return t_strdup(str_c(env.last_auth));
}

void test_login_session_send(const char *data)
{
	session_write(env.client_fd, data);
}

void test_login_session_send_slowly(const char *data)
{
	for (; *data != '\0'; data++) {
		if (write(env.client_fd, data, 1) < 0)
			i_fatal("write(client) failed: %m");
		session_run(SESSION_POLL_MSECS, NULL);
	}
}

void test_login_session_connect(const char *source_ip, const char *greeting)
{
	struct sockaddr_in sin = {
		.sin_family = AF_INET,
		.sin_port = htons(env.port),
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK),
	};
	struct sockaddr_in src = {
		.sin_family = AF_INET,
	};

	if (source_ip == NULL)
		source_ip = "127.0.0.1";
	if (inet_pton(AF_INET, source_ip, &src.sin_addr) != 1)
		i_fatal("Invalid source IP %s", source_ip);
	env.client_fd = socket(AF_INET, SOCK_STREAM, 0);
	if (env.client_fd < 0)
		i_fatal("socket() failed: %m");
	if (bind(env.client_fd, (void *)&src, sizeof(src)) < 0)
		i_fatal("bind(%s) failed: %m", source_ip);
	if (connect(env.client_fd, (void *)&sin, sizeof(sin)) < 0)
		i_fatal("connect(127.0.0.1:%u) failed: %m", env.port);
	env.client_eof = false;
	str_truncate(env.client_input, 0);
	test_login_session_expect(greeting);
}

void test_login_session_disconnect(void)
{
	(void)close(env.client_fd);
	env.client_fd = -1;
}

void test_login_session_expect_eof(void)
{
	/* never arrives: waits for EOF or the timeout */
	env.expected = "\x01 never";
	session_run(SESSION_TIMEOUT_MSECS, session_have_expected);
	test_assert(env.client_eof);
	test_assert(str_len(env.client_input) == 0);
	test_login_session_disconnect();
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

/* The directory this test program runs from (temporary frame). */
static const char *session_get_self_dir(void)
{
	char self[PATH_MAX];
	const char *slash;
	ssize_t len;

	len = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (len < 0)
		i_fatal("readlink(/proc/self/exe) failed: %m");
	self[len] = '\0';
	slash = strrchr(self, '/');
	i_assert(slash != NULL);
	return t_strndup(self, slash + 1 - self);
}

/* In the child: the environment the master gives a login process. */
static void ATTR_NORETURN
session_exec_login(const char *binary, const char *binary_path,
		   const char *config_path, int listen_fd)
{
	const char *log_path = t_strdup_printf("%s/log", env.dir);
	int fd;

	fd = open(log_path, O_WRONLY | O_CREAT | O_APPEND, 0600);
	if (fd < 0 || dup2(fd, STDERR_FILENO) < 0 || dup2(listen_fd, 3) < 0)
		_exit(1);
	fd_close_on_exec(3, false);
	setenv("COVE_CONFIG", config_path, 1);
	setenv("COVE_LISTENERS",
	       t_strconcat(env.protocol, ":inet", NULL), 1);
	setenv("COVE_CLIENT_LIMIT", "10", 1);
	setenv("COVE_RESTRICT_CHROOT",
	       t_strdup_printf("%s/login", env.dir), 1);
	unsetenv("COVE_RESTRICT_USER");
	unsetenv("COVE_RESTRICT_UID");
	unsetenv("COVE_CONNECTION");
	execl(binary_path, binary, (char *)NULL);
	_exit(1);
}

static void session_start_login(const char *config)
{
	const char *config_path = t_strdup_printf("%s/cove.conf", env.dir);
	const char *binary = t_strconcat(env.protocol, "-login", NULL);
	const char *binary_path =
		t_strconcat(session_get_self_dir(), binary, NULL);
	struct ip_addr ip;
	const char *error;
	int listen_fd, fd;

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
	if (env.login_pid == 0)
		session_exec_login(binary, binary_path, config_path, listen_fd);
	(void)close(listen_fd);
	session_run(SESSION_TIMEOUT_MSECS, session_auth_ready);
	test_assert(env.auth_handshake_done);
}

void test_login_session_init(const char *protocol, const char *config)
{
	const char *extra_mech = env.extra_mech;
	const char *worker_refusal = env.worker_refusal;

	i_zero(&env);
	env.protocol = protocol;
	env.extra_mech = extra_mech;
	env.worker_refusal = worker_refusal;
	env.last_auth = str_new(default_pool, 256);
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
	env.handoff_listen_fd = session_listen_unix(protocol);
	session_start_login(config);
}

const char *test_login_session_deinit(void)
{
	const char *log_path = t_strdup_printf("%s/log", env.dir);
	buffer_t *log;
	const char *error;
	int status;

	if (env.client_fd != -1)
		test_login_session_disconnect();
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
	(void)unlink(t_strdup_printf("%s/login/%s", env.dir, env.protocol));
	(void)rmdir(t_strdup_printf("%s/login", env.dir));
	(void)unlink(t_strdup_printf("%s/cove.conf", env.dir));
	(void)unlink(log_path);
	(void)rmdir(env.dir);
	str_free(&env.auth_input);
	str_free(&env.client_input);
	str_free(&env.last_auth);
	env.extra_mech = NULL;
	env.worker_refusal = NULL;
	return t_strndup(log->data, log->used);
}

void test_login_session_assert_common_log(const char *log)
{
	test_assert(strstr(log, t_strdup_printf(" %s-login: Info: ",
						env.protocol)) != NULL);
	test_assert(strstr(log, "Info: Login: user=<u1>, method=PLAIN, "
			   "rip=127.0.0.1, lip=127.0.0.1, session=<") != NULL);
	test_assert(strstr(log, "Info: Disconnected: Logged out "
			   "(no auth attempts in ") != NULL);
	test_assert(strstr(log, "Info: Disconnected: Too many authentication "
			   "failures (auth failed, 3 attempts in ") != NULL);
	test_assert(strstr(log, "): user=<u2>, method=PLAIN, rip=127.0.0.1, ")
		    != NULL);
}

void test_login_session_check_timeout(const char *protocol,
				      const char *greeting, const char *bye)
{
	const char *log;

	test_login_session_init(protocol,
				"login_timeout = 1s\nlogin_greeting = Hi.\n");
	test_login_session_connect(NULL, greeting);
	test_login_session_expect(bye);
	test_login_session_expect_eof();
	log = test_login_session_deinit();
	test_assert(strstr(log, "Info: Disconnected: Inactivity "
			   "(no auth attempts in ") != NULL);
}

void test_login_session_check_trusted(const char *protocol,
				      const char *greeting, const char *login,
				      const char *reply)
{
	const char *log;

	test_login_session_init(protocol,
				"login_trusted_networks = 127.0.0.0/24\n");
	test_login_session_connect(TEST_LOGIN_SESSION_INSECURE_IP, greeting);
	test_login_session_send(login);
	test_login_session_expect(reply);
	test_login_session_expect_eof();
	log = test_login_session_deinit();
	test_assert(strstr(log, "Info: Login: user=<u1>, method=PLAIN, "
			   "rip=" TEST_LOGIN_SESSION_INSECURE_IP
			   ", lip=127.0.0.1, ") != NULL);
}
