/* Copyright (c) Cove authors. See AUTHORS. */
/* Tests for file-util.c and randgen.c. */

#include "lib.h"
#include "buffer.h"
#include "file-util.h"
#include "randgen.h"
#include "test-lib.h"

#include <fcntl.h>
#include <sys/stat.h>

void test_file_util(void)
{
	char dir[] = "/tmp/cove-test-file.XXXXXX";
	const char *path, *error;
	buffer_t *data;
	bool enoent;
	int fd;

	test_begin("file util");
	test_assert(mkdtemp(dir) != NULL);
	path = t_strconcat(dir, "/a/b/c", NULL);
	test_assert(mkdir_parents(path, 0700) == 0);
	test_assert(mkdir_parents(path, 0700) == 0);
	struct stat st;
	test_assert(stat(path, &st) == 0 && S_ISDIR(st.st_mode));

	path = t_strconcat(dir, "/a/file", NULL);
	fd = open(path, O_WRONLY | O_CREAT, 0600);
	test_assert(fd >= 0);
	test_assert(write_full(fd, "hello world", 11) == 0);
	test_assert(pwrite_full(fd, "W", 1, 6) == 0);
	(void)close(fd);
	test_assert(file_read_all(path, datastack_pool, 100, &data,
				  &enoent, &error) == 0);
	test_assert(data->used == 11 &&
		    memcmp(data->data, "hello World", 11) == 0);
	test_assert(file_read_all(path, datastack_pool, 10, &data,
				  &enoent, &error) == -1);
	test_assert(!enoent);
	test_assert(file_read_all(t_strconcat(dir, "/none", NULL),
				  datastack_pool, 10, &data, &enoent,
				  &error) == -1);
	test_assert(enoent && strstr(error, "open(") != NULL);
	/* a FIFO (no writer: reading it would block) or a directory */
	test_assert(mkfifo(t_strconcat(dir, "/fifo", NULL), 0600) == 0);
	test_assert(file_read_all(t_strconcat(dir, "/fifo", NULL),
				  datastack_pool, 10, &data, &enoent,
				  &error) == -1);
	test_assert(!enoent && strstr(error, "not a regular file") != NULL);
	(void)unlink(t_strconcat(dir, "/fifo", NULL));
	test_assert(file_read_all(dir, datastack_pool, 10, &data, &enoent,
				  &error) == -1);
	test_assert(strstr(error, "not a regular file") != NULL);
	/* a file in place of a directory */
	test_assert(mkdir_parents(t_strconcat(path, "/x", NULL), 0700) < 0);

	(void)unlink(path);
	(void)rmdir(t_strconcat(dir, "/a/b/c", NULL));
	(void)rmdir(t_strconcat(dir, "/a/b", NULL));
	(void)rmdir(t_strconcat(dir, "/a", NULL));
	(void)rmdir(dir);

	unsigned char rnd[32], zero[32] = { 0 };
	random_fill(rnd, sizeof(rnd));
	test_assert(memcmp(rnd, zero, sizeof(rnd)) != 0);
	test_assert(i_rand_uint32() != i_rand_uint32() ||
		    i_rand_uint32() != i_rand_uint32());
	test_end();
}
