/* Copyright (c) Cove authors. See AUTHORS. */

/* Tests for the mail cache file: values survive a reopen, a torn tail is
   ignored and cut off, another UIDVALIDITY empties the file, compaction
   drops the expunged UIDs, added values are written in batches,
   over-long values are not cached, and an I/O error turns it off. */

#include "lib.h"
#include "mail-cache.h"
#include "test-storage-common.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#define TEST_HEADER_SIZE 16
#define TEST_RECORD_SIZE 12

/* A string of size times c, from the temporary frame. */
static const char *test_fill(size_t size, char c)
{
	char *str = t_malloc(size + 1);

	memset(str, c, size);
	str[size] = '\0';
	return str;
}

static const char *test_cache_get(struct mail_cache *cache, uint32_t uid,
				  enum mailbox_cache_field field)
{
	const char *value, *error;
	int ret;

	ret = mail_cache_lookup(cache, uid, field, &value, &error);
	test_assert(ret >= 0);
	return ret > 0 ? value : NULL;
}

static void test_cache_add(struct mail_cache *cache, uint32_t uid,
			   enum mailbox_cache_field field, const char *value)
{
	const char *error;

	test_assert(mail_cache_add(cache, uid, field, value, &error) == 0);
	test_assert(mail_cache_flush(cache, &error) == 0);
}

static off_t test_file_size(const char *path)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return -1;
	return st.st_size;
}

static void test_mail_cache_reopen(const char *path)
{
	struct mail_cache *cache, *cache2;

	cache = mail_cache_open(path, 7);
	test_assert(test_cache_get(cache, 1, MAILBOX_CACHE_FIELD_ENVELOPE) ==
		    NULL);
	/* nothing is created by lookups */
	test_assert(test_file_size(path) == -1);
	test_cache_add(cache, 1, MAILBOX_CACHE_FIELD_ENVELOPE, "(env 1)");
	test_cache_add(cache, 1, MAILBOX_CACHE_FIELD_BODY, "(body 1)");
	test_cache_add(cache, 2, MAILBOX_CACHE_FIELD_BODYSTRUCTURE, "(bs 2)");
	/* an existing value is not appended again */
	test_cache_add(cache, 1, MAILBOX_CACHE_FIELD_ENVELOPE, "(other)");
	test_assert_strcmp(test_cache_get(cache, 1,
		MAILBOX_CACHE_FIELD_ENVELOPE), "(env 1)");
	test_assert(test_file_size(path) == TEST_HEADER_SIZE +
		    3 * TEST_RECORD_SIZE + 7 + 8 + 6);

	/* another session sees them, and what the first adds later when
	   it writes itself */
	cache2 = mail_cache_open(path, 7);
	test_assert_strcmp(test_cache_get(cache2, 1,
		MAILBOX_CACHE_FIELD_BODY), "(body 1)");
	test_assert_strcmp(test_cache_get(cache2, 2,
		MAILBOX_CACHE_FIELD_BODYSTRUCTURE), "(bs 2)");
	test_assert(test_cache_get(cache2, 2, MAILBOX_CACHE_FIELD_BODY) ==
		    NULL);
	test_cache_add(cache, 3, MAILBOX_CACHE_FIELD_ENVELOPE, "(env 3)");
	test_cache_add(cache2, 4, MAILBOX_CACHE_FIELD_ENVELOPE, "(env 4)");
	test_assert_strcmp(test_cache_get(cache2, 3,
		MAILBOX_CACHE_FIELD_ENVELOPE), "(env 3)");
	mail_cache_close(&cache);
	mail_cache_close(&cache2);
}

static void test_mail_cache_torn_tail(const char *path)
{
	struct mail_cache *cache;
	off_t size;
	int fd;

	cache = mail_cache_open(path, 7);
	test_cache_add(cache, 1, MAILBOX_CACHE_FIELD_ENVELOPE, "(env 1)");
	mail_cache_close(&cache);
	size = test_file_size(path);

	/* a writer died in the middle of its record */
	fd = open(path, O_WRONLY | O_APPEND);
	test_assert(fd != -1);
	test_assert(write(fd, "\x02\0\0\0\0\0\0\0\x09\0\0\0(env", 16) == 16);
	i_close_fd(&fd);
	cache = mail_cache_open(path, 7);
	test_assert_strcmp(test_cache_get(cache, 1,
		MAILBOX_CACHE_FIELD_ENVELOPE), "(env 1)");
	test_assert(test_cache_get(cache, 2, MAILBOX_CACHE_FIELD_ENVELOPE) ==
		    NULL);
	/* the next writer cuts it off */
	test_cache_add(cache, 2, MAILBOX_CACHE_FIELD_ENVELOPE, "(env 2)");
	test_assert(test_file_size(path) == size + TEST_RECORD_SIZE + 7);
	mail_cache_close(&cache);

	/* a record claiming too much is garbage too */
	fd = open(path, O_WRONLY | O_APPEND);
	test_assert(write(fd, "\x03\0\0\0\0\0\0\0\xff\xff\xff\x7f", 12) == 12);
	i_close_fd(&fd);
	cache = mail_cache_open(path, 7);
	test_assert_strcmp(test_cache_get(cache, 2,
		MAILBOX_CACHE_FIELD_ENVELOPE), "(env 2)");
	test_assert(test_cache_get(cache, 3, MAILBOX_CACHE_FIELD_ENVELOPE) ==
		    NULL);
	mail_cache_close(&cache);
}

static void test_mail_cache_uidvalidity(const char *path)
{
	struct mail_cache *cache, *old;

	old = mail_cache_open(path, 7);
	test_cache_add(old, 1, MAILBOX_CACHE_FIELD_ENVELOPE, "(old)");

	cache = mail_cache_open(path, 8);
	test_assert(test_cache_get(cache, 1, MAILBOX_CACHE_FIELD_ENVELOPE) ==
		    NULL);
	test_cache_add(cache, 1, MAILBOX_CACHE_FIELD_ENVELOPE, "(new)");
	test_assert(test_file_size(path) == TEST_HEADER_SIZE +
		    TEST_RECORD_SIZE + 5);
	test_assert_strcmp(test_cache_get(cache, 1,
		MAILBOX_CACHE_FIELD_ENVELOPE), "(new)");
	/* a session that still has the old file open keeps its values
	   and does not write into the new one */
	test_assert_strcmp(test_cache_get(old, 1,
		MAILBOX_CACHE_FIELD_ENVELOPE), "(old)");
	test_cache_add(old, 2, MAILBOX_CACHE_FIELD_ENVELOPE, "(old 2)");
	test_assert(test_cache_get(cache, 2, MAILBOX_CACHE_FIELD_ENVELOPE) ==
		    NULL);
	mail_cache_close(&old);
	mail_cache_close(&cache);

	/* garbage instead of a header: empty, and replaced */
	test_storage_write_file(path, "not a cache file at all", 0);
	cache = mail_cache_open(path, 8);
	test_assert(test_cache_get(cache, 1, MAILBOX_CACHE_FIELD_ENVELOPE) ==
		    NULL);
	test_cache_add(cache, 1, MAILBOX_CACHE_FIELD_ENVELOPE, "(new)");
	test_assert(test_file_size(path) == TEST_HEADER_SIZE +
		    TEST_RECORD_SIZE + 5);
	mail_cache_close(&cache);
}

static bool test_is_expunged(uint32_t uid, void *context)
{
	const uint32_t *min_live_uid = context;

	return uid < *min_live_uid;
}

static void test_mail_cache_compact(const char *path)
{
	struct mail_cache *cache, *other;
	const char *error, *value;
	uint32_t uid, min_live_uid = 1;
	off_t size;

	value = test_fill(100, 'x');
	cache = mail_cache_open(path, 7);
	for (uid = 1; uid <= 100; uid++)
		test_cache_add(cache, uid, MAILBOX_CACHE_FIELD_ENVELOPE, value);
	size = test_file_size(path);
	test_assert(size == TEST_HEADER_SIZE + 100 * (TEST_RECORD_SIZE + 100));
	other = mail_cache_open(path, 7);
	test_assert(test_cache_get(other, 1, MAILBOX_CACHE_FIELD_ENVELOPE) !=
		    NULL);

	/* half dead is not enough */
	min_live_uid = 51;
	test_assert(mail_cache_compact_if_needed(cache, test_is_expunged,
		&min_live_uid, &error) == 0);
	test_assert(test_file_size(path) == size);
	min_live_uid = 52;
	test_assert(mail_cache_compact_if_needed(cache, test_is_expunged,
		&min_live_uid, &error) == 1);
	test_assert(test_file_size(path) ==
		    TEST_HEADER_SIZE + 49 * (TEST_RECORD_SIZE + 100));
	test_assert(test_cache_get(cache, 51, MAILBOX_CACHE_FIELD_ENVELOPE) ==
		    NULL);
	test_assert_strcmp(test_cache_get(cache, 52,
		MAILBOX_CACHE_FIELD_ENVELOPE), value);
	/* the writer goes on with the new file */
	test_cache_add(cache, 101, MAILBOX_CACHE_FIELD_BODY, "(b)");
	mail_cache_close(&cache);

	/* the other session still reads its old file, and writes to the new
	   one after noticing the rename */
	test_assert_strcmp(test_cache_get(other, 2,
		MAILBOX_CACHE_FIELD_ENVELOPE), value);
	test_cache_add(other, 102, MAILBOX_CACHE_FIELD_BODY, "(c)");
	test_assert_strcmp(test_cache_get(other, 101,
		MAILBOX_CACHE_FIELD_BODY), "(b)");
	mail_cache_close(&other);

	cache = mail_cache_open(path, 7);
	test_assert(test_cache_get(cache, 2, MAILBOX_CACHE_FIELD_ENVELOPE) ==
		    NULL);
	test_assert_strcmp(test_cache_get(cache, 100,
		MAILBOX_CACHE_FIELD_ENVELOPE), value);
	test_assert_strcmp(test_cache_get(cache, 102,
		MAILBOX_CACHE_FIELD_BODY), "(c)");
	mail_cache_close(&cache);
}

static void test_mail_cache_pending(const char *path)
{
	struct mail_cache *cache, *other;
	const char *error;
	uint32_t uid;

	cache = mail_cache_open(path, 7);
	test_assert(mail_cache_add(cache, 1, MAILBOX_CACHE_FIELD_ENVELOPE,
				   "(env 1)", &error) == 0);
	test_assert(mail_cache_add(cache, 1, MAILBOX_CACHE_FIELD_ENVELOPE,
				   "(again)", &error) == 0);
	test_assert_strcmp(test_cache_get(cache, 1,
		MAILBOX_CACHE_FIELD_ENVELOPE), "(env 1)");
	test_assert(test_file_size(path) == -1);
	other = mail_cache_open(path, 7);
	test_assert(test_cache_get(other, 1, MAILBOX_CACHE_FIELD_ENVELOPE) ==
		    NULL);
	/* both add the same value: it is written once */
	test_cache_add(other, 1, MAILBOX_CACHE_FIELD_ENVELOPE, "(env 1)");
	test_assert(mail_cache_flush(cache, &error) == 0);
	test_assert(test_file_size(path) == TEST_HEADER_SIZE +
		    TEST_RECORD_SIZE + 7);
	mail_cache_close(&other);

	/* enough pending values are written without a flush */
	for (uid = 2; test_file_size(path) == TEST_HEADER_SIZE +
	     TEST_RECORD_SIZE + 7; uid++) {
		test_assert(mail_cache_add(cache, uid,
			MAILBOX_CACHE_FIELD_BODY, test_fill(1000, 'b'),
			&error) == 0);
	}
	test_assert(uid > 20 && uid < 100);
	other = mail_cache_open(path, 7);
	test_assert_strcmp(test_cache_get(other, 2, MAILBOX_CACHE_FIELD_BODY),
			   test_fill(1000, 'b'));
	mail_cache_close(&other);
	mail_cache_close(&cache);
}

static void test_mail_cache_too_long(const char *path)
{
	struct mail_cache *cache = mail_cache_open(path, 7);
	const char *value = test_fill(MAIL_CACHE_MAX_VALUE_SIZE, 'y');

	test_cache_add(cache, 1, MAILBOX_CACHE_FIELD_BODYSTRUCTURE, value);
	test_cache_add(cache, 2, MAILBOX_CACHE_FIELD_BODYSTRUCTURE,
		       t_strconcat(value, "y", NULL));
	test_assert_strcmp(test_cache_get(cache, 1,
		MAILBOX_CACHE_FIELD_BODYSTRUCTURE), value);
	test_assert(test_cache_get(cache, 2,
		MAILBOX_CACHE_FIELD_BODYSTRUCTURE) == NULL);
	mail_cache_close(&cache);
}

static void test_mail_cache_error(const char *dir)
{
	struct mail_cache *cache;
	const char *error, *value;

	/* the directory is missing: the first write fails and turns the
	   cache off */
	cache = mail_cache_open(t_strconcat(dir, "/missing/cache", NULL), 7);
	test_assert(mail_cache_add(cache, 1, MAILBOX_CACHE_FIELD_ENVELOPE,
				   "(env 1)", &error) == 0);
	test_assert(mail_cache_flush(cache, &error) == -1);
	test_assert(strstr(error, "/missing/cache") != NULL);
	test_assert(mail_cache_lookup(cache, 1, MAILBOX_CACHE_FIELD_ENVELOPE,
				      &value, &error) == 0);
	test_assert(mail_cache_add(cache, 1, MAILBOX_CACHE_FIELD_ENVELOPE,
				   "(env 1)", &error) == 0);
	test_assert(mail_cache_flush(cache, &error) == 0);
	mail_cache_close(&cache);
}

void test_mail_cache(void)
{
	const char *dir, *path;

	test_begin("mail cache");
	T_BEGIN {
		dir = test_storage_mkdtemp();
		path = t_strconcat(dir, "/" MAIL_CACHE_FILE_NAME, NULL);
		test_mail_cache_reopen(path);
		test_assert(unlink(path) == 0);
		test_mail_cache_torn_tail(path);
		test_assert(unlink(path) == 0);
		test_mail_cache_uidvalidity(path);
		test_assert(unlink(path) == 0);
		test_mail_cache_compact(path);
		test_assert(unlink(path) == 0);
		test_mail_cache_pending(path);
		test_assert(unlink(path) == 0);
		test_mail_cache_too_long(path);
		test_mail_cache_error(dir);
		test_storage_rmdir(dir);
	} T_END;
	test_end();
}
