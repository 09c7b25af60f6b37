/* Copyright (c) Cove authors. See AUTHORS. */

/* Tests for auth-master.c against a forked fake server that checks the
   request lines and answers with a canned reply. */

#include "lib.h"
#include "istream.h"
#include "buffer.h"
#include "net.h"
#include "file-util.h"
#include "test-lib-auth.h"
#include "auth-master.h"

#include <sys/wait.h>

struct master_test {
	/* reply from the server, NULL to disconnect without one */
	const char *reply;
	int ret;
	const char *username, *home, *mail;
	uid_t uid;
	gid_t gid;
};

static const struct master_test master_tests[] = {
	{ "USER\t1\tu1\tuid=1000\tgid=100\thome=/h\tmail=maildir:~/M\t"
	  "quota=1G\n",
	  1, "u1", "/h", "maildir:~/M", 1000, 100 },
	{ "USER\t1\tu\0011x\thome=/a\001tb\n",
	  1, "u\001x", "/a\tb", NULL, (uid_t)-1, (gid_t)-1 },
	{ "NOTFOUND\t1\n", 0, NULL, NULL, NULL, 0, 0 },
	{ "FAIL\t1\treason=boom\n", -1, NULL, NULL, NULL, 0, 0 },
	{ "USER\t2\tu1\n", -1, NULL, NULL, NULL, 0, 0 },
	{ "USER\t1\tu1\tuid=x\n", -1, NULL, NULL, NULL, 0, 0 },
	{ "USER\t1\t\n", -1, NULL, NULL, NULL, 0, 0 },
	{ "HELLO\t1\n", -1, NULL, NULL, NULL, 0, 0 },
	{ NULL, -1, NULL, NULL, NULL, 0, 0 },
};

/* Child: accepts one connection, checks the two request lines, replies.
   Exits 0 if the request was as expected. */
static void ATTR_NORETURN
test_master_server(int listen_fd, const char *expected, const char *reply)
{
	struct istream *input;
	const char *line1, *line2;
	int fd, status;

	fd_set_nonblock(listen_fd, false);
	fd = net_accept(listen_fd, NULL, NULL);
	if (fd < 0)
		_exit(2);
	input = i_stream_create_fd(fd, 4096, false);
	line1 = t_strdup(i_stream_read_next_line(input));
	line2 = i_stream_read_next_line(input);
	status = strcmp(line1, "VERSION\t1\t0") == 0 && line2 != NULL &&
		strcmp(line2, expected) == 0 ? 0 : 1;
	if (reply != NULL && write_full(fd, reply, strlen(reply)) < 0)
		status = 3;
	i_stream_destroy(&input);
	_exit(status);
}

static int test_master_run(const char *path, int listen_fd,
			   const struct master_test *t, bool cookie,
			   pool_t pool, struct auth_user_reply *reply,
			   const char **error_r)
{
	const char *expected = cookie ? "REQUEST\t1\tab\001tc" :
		"USER\t1\tu1@x\tservice=lmtp";
	int ret, status;
	pid_t pid;

	pid = fork();
	if (pid < 0)
		i_fatal("fork() failed: %m");
	if (pid == 0)
		test_master_server(listen_fd, expected, t->reply);
	if (cookie) {
		ret = auth_master_cookie_lookup(path, "ab\tc", pool, reply,
						error_r);
	} else {
		ret = auth_master_user_lookup(path, "u1@x", "lmtp", pool,
					      reply, error_r);
	}
	if (waitpid(pid, &status, 0) < 0)
		i_fatal("waitpid() failed: %m");
	test_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	return ret;
}

static void test_master_check(const struct master_test *t, unsigned int i,
			      int ret, const struct auth_user_reply *reply)
{
	test_assert_idx(ret == t->ret, i);
	if (ret <= 0 || t->ret <= 0)
		return;
	test_assert_idx(strcmp(reply->username, t->username) == 0, i);
	test_assert_idx(strcmp(reply->home, t->home) == 0, i);
	test_assert_idx(t->mail == NULL ? reply->mail == NULL :
			strcmp(reply->mail, t->mail) == 0, i);
	test_assert_idx(reply->uid == t->uid, i);
	test_assert_idx(reply->gid == t->gid, i);
	test_assert_idx(reply->fields[0] != NULL, i);
}

void test_auth_master(void)
{
	pool_t pool = pool_alloconly_create("test auth-master", 1024);
	struct auth_user_reply reply;
	const char *path, *error;
	int listen_fd, ret;

	test_begin("auth-master client");
	path = t_strdup_printf("/tmp/test-auth-master.%ld", (long)getpid());
	listen_fd = net_listen_unix(path, 4, &error);
	if (listen_fd < 0)
		i_fatal("%s", error);
	for (unsigned int i = 0; i < N_ELEMENTS(master_tests); i++) {
		const struct master_test *t = &master_tests[i];

		error = NULL;
		ret = test_master_run(path, listen_fd, t, i % 2 == 0, pool,
				      &reply, &error);
		test_master_check(t, i, ret, &reply);
		test_assert_idx((ret < 0) == (error != NULL), i);
	}
	test_assert(strstr(error, path) != NULL);
	(void)close(listen_fd);
	(void)unlink(path);

	/* nobody listening */
	test_assert(auth_master_user_lookup(path, "u1", "lmtp", pool, &reply,
					    &error) == -1);
	test_assert(strstr(error, path) != NULL);
	pool_unref(&pool);
	test_end();
}
