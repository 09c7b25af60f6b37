/* Copyright (c) Cove authors. See AUTHORS. */
/* The unit-test harness: assertion bookkeeping, the test runner with
   --match, and FATAL tests, whose expected i_panic()/i_fatal() is caught
   through the log fatal hook and a longjmp() back into the runner. */

#include "lib.h"
#include "test-common.h"

#include <setjmp.h>

static const char *test_prefix;
static bool test_failure;
static unsigned int test_passed, test_failed;

static const char *expected_fatal;
static bool in_fatal_test;
/* A FATAL test's stages may call test_begin()/test_end(); the runner
   reports the test once, after its last stage. */
static bool in_fatal_runner;
/* longjmp() target of the fatal hook, valid while jmp_armed */
static jmp_buf fatal_jmpbuf;
static bool jmp_armed;
static pid_t test_pid;

void test_begin(const char *name)
{
	i_assert(test_prefix == NULL || in_fatal_runner);
	test_prefix = name;
	if (!in_fatal_runner)
		test_failure = false;
}

static void test_report(const char *name, bool failed)
{
	size_t len = strlen(name);

	printf("test %s %.*s : %s\n", name, len < 60 ? (int)(60 - len) : 0,
	       "............................................................",
	       failed ? "FAILED" : "ok");
	fflush(stdout);
	if (failed)
		test_failed++;
	else
		test_passed++;
}

void test_end(void)
{
	if (in_fatal_runner) {
		test_prefix = NULL;
		return;
	}
	i_assert(test_prefix != NULL);
	test_report(test_prefix, test_failure);
	test_prefix = NULL;
	test_failure = false;
}

bool test_has_failed(void)
{
	return test_failure;
}

void test_assert_failed(const char *code, const char *file, unsigned int line)
{
	printf("%s:%u: Assert failed: %s\n", file, line, code);
	fflush(stdout);
	test_failure = true;
}

void test_assert_failed_idx(const char *code, const char *file,
			    unsigned int line, long long i)
{
	printf("%s:%u: Assert(#%lld) failed: %s\n", file, line, i, code);
	fflush(stdout);
	test_failure = true;
}

void test_assert_failed_cmp(const char *code, const char *file,
			    unsigned int line, long long v1, long long v2)
{
	printf("%s:%u: Assert failed: %s (%lld vs %lld)\n",
	       file, line, code, v1, v2);
	fflush(stdout);
	test_failure = true;
}

void test_assert_strcmp_(const char *s1, const char *s2, const char *expr1,
			 const char *expr2, const char *file,
			 unsigned int line)
{
	if (s1 == NULL && s2 == NULL)
		return;
	if (s1 != NULL && s2 != NULL && strcmp(s1, s2) == 0)
		return;
	printf("%s:%u: Assert(strcmp) failed: %s != %s (\"%s\" != \"%s\")\n",
	       file, line, expr1, expr2,
	       s1 == NULL ? "(null)" : s1, s2 == NULL ? "(null)" : s2);
	fflush(stdout);
	test_failure = true;
}

void test_expect_fatal_string(const char *substr)
{
	expected_fatal = substr;
}

/* Catches i_panic()/i_fatal() in the test process (not in children a
   test forked): an expected one in a FATAL test passes, anything else
   fails the running test. Either way the runner continues. */
static void test_fatal_hook(enum log_type type ATTR_UNUSED,
			    const char *message)
{
	if (!jmp_armed || getpid() != test_pid)
		return;
	if (!in_fatal_test || expected_fatal == NULL ||
	    strstr(message, expected_fatal) == NULL) {
		printf("Unexpected fatal error: %s\n", message);
		fflush(stdout);
		test_failure = true;
	}
	expected_fatal = NULL;
	jmp_armed = false;
	longjmp(fatal_jmpbuf, 1);
}

static void test_run_normal(const struct test_entry *entry)
{
	unsigned int frame = data_stack_get_frame_id();

	jmp_armed = true;
	if (setjmp(fatal_jmpbuf) == 0) {
		T_BEGIN {
			entry->test();
		} T_END;
	} else {
		data_stack_unwind(frame);
		if (test_prefix == NULL)
			test_begin(entry->name);
		test_failure = true;
	}
	jmp_armed = false;
	if (test_prefix != NULL) {
		if (!test_failure)
			printf("%s: test_end() missing\n", entry->name);
		test_failure = true;
		test_end();
	}
}

/* Runs one FATAL test through its stages. Each stage must end in a
   caught panic/fatal, until the function returns FATAL_TEST_FINISHED. */
static void test_run_fatal(const struct test_entry *entry)
{
	volatile unsigned int stage = 0;
	volatile bool failed = false;

	in_fatal_runner = true;
	for (;;) {
		unsigned int frame = data_stack_get_frame_id();
		enum fatal_test_state state;

		test_failure = false;
		expected_fatal = NULL;
		in_fatal_test = true;
		jmp_armed = true;
		if (setjmp(fatal_jmpbuf) != 0) {
			/* caught the expected failure */
			in_fatal_test = false;
			data_stack_unwind(frame);
			if (test_failure)
				failed = true;
			stage++;
			continue;
		}
		state = entry->fatal(stage);
		in_fatal_test = false;
		jmp_armed = false;
		if (test_failure)
			failed = true;
		if (state == FATAL_TEST_FINISHED)
			break;
		/* the stage returned instead of failing */
		printf("%s: stage %u did not panic\n", entry->name, stage);
		failed = true;
		if (state == FATAL_TEST_ABORT)
			break;
		stage++;
	}
	in_fatal_runner = false;
	test_prefix = NULL;
	test_failure = false;
	test_report(entry->name, failed);
}

int test_run_main(int argc, char *argv[], const struct test_entry *tests)
{
	const char *match = NULL;

	lib_init();
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--match") == 0 && i + 1 < argc)
			match = argv[++i];
		else if (str_begins(argv[i], "--match="))
			match = argv[i] + strlen("--match=");
		else {
			fprintf(stderr, "Usage: %s [--match SUBSTR]\n",
				argv[0]);
			return 2;
		}
	}
	test_pid = getpid();
	log_set_fatal_hook(test_fatal_hook);
	for (const struct test_entry *t = tests; t->name != NULL; t++) {
		if (match != NULL && strstr(t->name, match) == NULL)
			continue;
		if (t->test != NULL)
			test_run_normal(t);
		else
			test_run_fatal(t);
	}
	log_set_fatal_hook(NULL);
	printf("%u passed, %u failed\n", test_passed, test_failed);
	lib_deinit();
	return test_failed > 0 ? 1 : 0;
}
