/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef TEST_COMMON_H
#define TEST_COMMON_H

/* Unit-test harness. A test function calls test_begin(), any number of
   test_assert*(), then test_end(). Each directory has one test binary,
   test-<dir>, whose main() is built from a registry file test-<dir>.inc:

     TEST(test_buffer)
     TEST(test_str)
     FATAL(fatal_buffer_overflow)

   A FATAL test is called with stage 0, 1, 2... until it returns
   FATAL_TEST_FINISHED; each stage must end in i_panic()/i_fatal() (caught
   by the harness) after test_expect_fatal_string().

   The binary prints one line per test ("test name ... : ok"/"FAILED"),
   then "N passed, N failed", and exits 1 on any failure. --match SUBSTR
   runs only tests whose function name contains SUBSTR. */

#include "lib.h"

void test_begin(const char *name);
#define test_assert(code) \
	STMT_START { if (!(code)) test_assert_failed(#code, __FILE__, __LINE__); } STMT_END
#define test_assert_idx(code, i) \
	STMT_START { if (!(code)) test_assert_failed_idx(#code, __FILE__, __LINE__, (long long)(i)); } STMT_END
#define test_assert_strcmp(s1, s2) \
	test_assert_strcmp_(s1, s2, #s1, #s2, __FILE__, __LINE__)
#define test_assert_cmp(v1, op, v2) \
	STMT_START { if (!((v1) op (v2))) test_assert_failed_cmp(#v1 " " #op " " #v2, __FILE__, __LINE__, (long long)(v1), (long long)(v2)); } STMT_END
void test_end(void);

void test_assert_failed(const char *code, const char *file, unsigned int line);
void test_assert_failed_idx(const char *code, const char *file,
			    unsigned int line, long long i);
void test_assert_failed_cmp(const char *code, const char *file,
			    unsigned int line, long long v1, long long v2);
void test_assert_strcmp_(const char *s1, const char *s2, const char *expr1,
			 const char *expr2, const char *file,
			 unsigned int line);
bool test_has_failed(void);

enum fatal_test_state {
	FATAL_TEST_FINISHED,
	FATAL_TEST_FAILURE,
	FATAL_TEST_ABORT,
};
typedef enum fatal_test_state test_fatal_func_t(unsigned int stage);
/* The next i_panic()/i_fatal() must contain substr. */
void test_expect_fatal_string(const char *substr);

struct test_entry {
	const char *name;
	void (*test)(void);
	test_fatal_func_t *fatal;
};

/* Runs the tests (argv for --match). Returns the exit code. */
int test_run_main(int argc, char *argv[], const struct test_entry *tests);

/* Builds main() from the registry. In test-<dir>.c:
     #include "test-common.h"
     #define TEST_REGISTRY "test-lib.inc"
     #include "test-main.h"                                           */

#endif
