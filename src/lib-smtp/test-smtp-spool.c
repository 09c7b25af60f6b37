/* Copyright (c) Cove authors. See AUTHORS. */

/* Tests for smtp-spool.c: the same data must read back identically from
   memory and from the temp file. */

#include "lib.h"
#include "str.h"
#include "test-common.h"
#include "smtp-spool.h"

void test_smtp_spool(void);

static const char *test_spool_read_all(struct smtp_spool *spool)
{
	string_t *str = t_str_new(1024);
	const unsigned char *data;
	const char *error;
	size_t size;
	int ret;

	while ((ret = smtp_spool_read(spool, str_len(str), &data, &size,
				      &error)) > 0)
		str_append_data(str, data, size);
	test_assert(ret == 0);
	return str_c(str);
}

void test_smtp_spool(void)
{
	static const size_t max_memory[] = { 0, 1, 10, 100, 100000 };
	string_t *expected = t_str_new(100000);
	const char *tmpdir = getenv("TMPDIR");
	const char *error;

	if (tmpdir == NULL || tmpdir[0] == '\0')
		tmpdir = "/tmp";
	for (unsigned int i = 0; str_len(expected) < 70000; i++)
		str_printfa(expected, "line %u\r\n", i);

	test_begin("smtp spool");
	for (unsigned int i = 0; i < N_ELEMENTS(max_memory); i++) T_BEGIN {
		struct smtp_spool *spool;
		size_t pos = 0, n;

		spool = smtp_spool_create(tmpdir, max_memory[i]);
		test_assert_strcmp(test_spool_read_all(spool), "");
		/* appends of varying sizes cross the memory limit */
		for (n = 1; pos < str_len(expected); n = n * 3 + 1) {
			n = I_MIN(n, str_len(expected) - pos);
			test_assert_idx(smtp_spool_append(
				spool, str_data(expected) + pos, n,
				&error) == 0, i);
			pos += n;
		}
		test_assert_idx(smtp_spool_get_size(spool) ==
				str_len(expected), i);
		/* read twice, as for two recipients */
		test_assert_strcmp(test_spool_read_all(spool),
				   str_c(expected));
		test_assert_strcmp(test_spool_read_all(spool),
				   str_c(expected));
		smtp_spool_destroy(&spool);
	} T_END;

	struct smtp_spool *spool = smtp_spool_create("/nonexistent/dir", 4);
	test_assert(smtp_spool_append(spool, "12345", 5, &error) < 0);
	smtp_spool_destroy(&spool);
	test_end();
}
