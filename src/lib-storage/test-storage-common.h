/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef TEST_STORAGE_COMMON_H
#define TEST_STORAGE_COMMON_H

/* Shared by the lib-storage tests: test prototypes, temporary
   directories and small file helpers. */

#include "test-common.h"

#define TEST(name) void name(void);
#include "test-lib-storage.inc"
#undef TEST

struct mail_storage_settings;

/* Creates a new empty temporary directory; from the temporary frame. */
const char *test_storage_mkdtemp(void);
/* Removes path recursively. */
void test_storage_rmdir(const char *path);
/* Writes a file with the given contents (and mtime unless 0). */
void test_storage_write_file(const char *path, const char *data,
			     time_t mtime);
/* Returns the file's contents, or NULL if it cannot be read. */
const char *test_storage_read_file(const char *path);
/* The number of entries in dir, dot-files not counted. */
unsigned int test_storage_dir_count(const char *dir);
/* Default settings with mail_fsync=never (tests run on tmpfs). */
const struct mail_storage_settings *test_storage_settings(void);

#endif
