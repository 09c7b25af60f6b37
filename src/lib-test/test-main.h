/* Copyright (c) Cove authors. See AUTHORS. */
/* Included once by each test-<dir>.c after defining TEST_REGISTRY: declares
   every registered test and builds main() around test_run_main(). */

#define TEST(name) void name(void);
#define FATAL(name) enum fatal_test_state name(unsigned int stage);
#include TEST_REGISTRY
#undef TEST
#undef FATAL

static const struct test_entry test_registry[] = {
#define TEST(name) { #name, name, NULL },
#define FATAL(name) { #name, NULL, name },
#include TEST_REGISTRY
#undef TEST
#undef FATAL
	{ NULL, NULL, NULL }
};

int main(int argc, char *argv[])
{
	return test_run_main(argc, argv, test_registry);
}
