/* Copyright (c) Cove authors. See AUTHORS. */
/* Tests for log.c: the line format, written to a pipe in place of
   stderr, and the fatal hook. */

#include "lib.h"
#include "test-lib.h"

#include <fcntl.h>

/* Runs log calls with stderr pointing at a pipe; returns what was
   written. */
static const char *test_log_capture(void (*func)(void))
{
	char buf[4096];
	int fds[2], saved_stderr;
	ssize_t ret;

	if (pipe2(fds, O_NONBLOCK) < 0)
		i_fatal("pipe() failed: %m");
	saved_stderr = dup(STDERR_FILENO);
	(void)dup2(fds[1], STDERR_FILENO);
	func();
	(void)dup2(saved_stderr, STDERR_FILENO);
	(void)close(saved_stderr);
	ret = read(fds[0], buf, sizeof(buf) - 1);
	(void)close(fds[0]);
	(void)close(fds[1]);
	return ret <= 0 ? "" : t_strndup(buf, (size_t)ret);
}

static void test_log_lines(void)
{
	log_init("imap");
	log_set_user("alice");
	i_error("broken %d", 1);
	log_set_user(NULL);
	i_warning("careful");
	i_debug("hidden");
	log_set_debug(true);
	i_debug("shown");
	log_set_debug(false);
	i_info("%s", "");
	log_init("cove");
}

/* Checks "YYYY-MM-DD HH:MM:SS " and returns the rest of the line. */
static const char *test_log_skip_time(const char *line)
{
	static const char pattern[] = "dddd-dd-dd dd:dd:dd ";

	for (unsigned int i = 0; i < sizeof(pattern) - 1; i++) {
		bool digit = line[i] >= '0' && line[i] <= '9';

		if (pattern[i] == 'd' ? !digit : line[i] != pattern[i])
			return "";
	}
	return line + sizeof(pattern) - 1;
}

void test_log(void)
{
	const char *output, *const *lines;
	const char *pid = t_strdup_printf("<%ld>", (long)getpid());

	test_begin("log");
	output = test_log_capture(test_log_lines);
	lines = t_strsplit(output, "\n");
	test_assert(str_array_length(lines) == 5);
	test_assert(str_array_length(lines) == 5 && lines[4][0] == '\0');
	if (str_array_length(lines) == 5) {
		test_assert_strcmp(test_log_skip_time(lines[0]),
			t_strconcat("imap(alice)", pid, ": Error: broken 1",
				    NULL));
		test_assert_strcmp(test_log_skip_time(lines[1]),
			"imap: Warning: careful");
		test_assert_strcmp(test_log_skip_time(lines[2]),
			"imap: Debug: shown");
		test_assert_strcmp(test_log_skip_time(lines[3]),
			"imap: Info: ");
	}
	test_assert(!log_is_debug());
	test_end();
}

enum fatal_test_state fatal_log(unsigned int stage)
{
	switch (stage) {
	case 0:
		test_begin("fatal log");
		test_expect_fatal_string("config is broken: 42");
		i_fatal("config is broken: %d", 42);
	case 1:
		test_expect_fatal_string("bad state");
		i_panic("bad state");
	case 2:
		test_expect_fatal_string("status");
		i_fatal_status(2, "status %s", "x");
	}
	test_end();
	return FATAL_TEST_FINISHED;
}
