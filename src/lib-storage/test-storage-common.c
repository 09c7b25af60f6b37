/* Copyright (c) Cove authors. See AUTHORS. */

/* Helpers for the lib-storage tests (see test-storage-common.h). */

#include "lib.h"
#include "buffer.h"
#include "file-util.h"
#include "mail-storage-settings.h"
#include "test-storage-common.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/time.h>

const char *test_storage_mkdtemp(void)
{
	char *path = t_strdup_noconst("/tmp/cove-test-storage.XXXXXX");

	if (mkdtemp(path) == NULL)
		i_fatal("mkdtemp(%s) failed: %m", path);
	return path;
}

void test_storage_rmdir(const char *path)
{
	struct dirent *d;
	struct stat st;
	DIR *dirp;

	if (lstat(path, &st) < 0)
		return;
	if (!S_ISDIR(st.st_mode)) {
		(void)unlink(path);
		return;
	}
	dirp = opendir(path);
	if (dirp != NULL) {
		while ((d = readdir(dirp)) != NULL) {
			if (strcmp(d->d_name, ".") == 0 ||
			    strcmp(d->d_name, "..") == 0)
				continue;
			test_storage_rmdir(t_strconcat(path, "/", d->d_name,
						       NULL));
		}
		(void)closedir(dirp);
	}
	(void)rmdir(path);
}

void test_storage_write_file(const char *path, const char *data,
			     time_t mtime)
{
	struct timeval tv[2];
	int fd;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || write_full(fd, data, strlen(data)) < 0)
		i_fatal("write(%s) failed: %m", path);
	if (mtime != 0) {
		tv[0].tv_sec = tv[1].tv_sec = mtime;
		tv[0].tv_usec = tv[1].tv_usec = 0;
		if (futimes(fd, tv) < 0)
			i_fatal("futimes(%s) failed: %m", path);
	}
	(void)close(fd);
}

const char *test_storage_read_file(const char *path)
{
	buffer_t *buf;
	const char *error;

	if (file_read_all(path, datastack_pool, 1024 * 1024, &buf, NULL,
			  &error) < 0)
		return NULL;
	return t_strndup(buf->data, buf->used);
}

unsigned int test_storage_dir_count(const char *dir)
{
	unsigned int count = 0;
	struct dirent *d;
	DIR *dirp;

	dirp = opendir(dir);
	if (dirp == NULL)
		return 0;
	while ((d = readdir(dirp)) != NULL) {
		if (d->d_name[0] != '.')
			count++;
	}
	(void)closedir(dirp);
	return count;
}

const struct mail_storage_settings *test_storage_settings(void)
{
	static const struct mail_storage_settings set = {
		.mail_location = "maildir:~/Maildir",
		.mail_uid = "",
		.mail_gid = "",
		.mail_privileged_group = "",
		.first_valid_uid = 500,
		.first_valid_gid = 1,
		.mail_fsync = "never",
		.mail_temp_dir = "/tmp",
		.mbox_read_locks = "fcntl",
		.mbox_write_locks = "dotlock fcntl",
		.mbox_lock_timeout = 5 * 60,
		.mbox_dotlock_change_timeout = 2 * 60,
	};
	return &set;
}
