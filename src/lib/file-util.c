/* Copyright (c) Cove authors. See AUTHORS. */
/* Whole-buffer file I/O helpers. */

#include "lib.h"
#include "buffer.h"
#include "file-util.h"

#include <fcntl.h>
#include <sys/stat.h>

/* Writes all of data with write(), or with pwrite() from offset if
   positioned. */
static int file_write_full(int fd, const void *data, size_t size,
			   bool positioned, off_t offset)
{
	const unsigned char *p = data;

	while (size > 0) {
		ssize_t ret = positioned ? pwrite(fd, p, size, offset) :
			write(fd, p, size);

		if (ret < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (ret == 0) {
			errno = ENOSPC;
			return -1;
		}
		p += ret;
		size -= (size_t)ret;
		offset += ret;
	}
	return 0;
}

int write_full(int fd, const void *data, size_t size)
{
	return file_write_full(fd, data, size, false, 0);
}

int pwrite_full(int fd, const void *data, size_t size, off_t offset)
{
	return file_write_full(fd, data, size, true, offset);
}

static int file_read_fd(int fd, const char *path, size_t max_size,
			buffer_t *buf, const char **error_r)
{
	for (;;) {
		unsigned char tmp[8192];
		ssize_t ret = read(fd, tmp, sizeof(tmp));

		if (ret == 0)
			return 0;
		if (ret < 0) {
			if (errno == EINTR)
				continue;
			*error_r = t_strdup_printf("read(%s) failed: %m",
						   path);
			return -1;
		}
		if ((size_t)ret > max_size - buf->used) {
			*error_r = t_strdup_printf(
				"%s: file is larger than %zu bytes",
				path, max_size);
			return -1;
		}
		buffer_append(buf, tmp, (size_t)ret);
	}
}

int file_read_all(const char *path, pool_t pool, size_t max_size,
		  buffer_t **data_r, bool *enoent_r, const char **error_r)
{
	buffer_t *buf;
	struct stat st;
	int fd, ret;

	if (enoent_r != NULL)
		*enoent_r = false;
	/* O_NONBLOCK: opening a FIFO must not wait for a writer */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd == -1) {
		if (errno == ENOENT && enoent_r != NULL)
			*enoent_r = true;
		*error_r = t_strdup_printf("open(%s) failed: %m", path);
		return -1;
	}
	if (fstat(fd, &st) < 0) {
		*error_r = t_strdup_printf("fstat(%s) failed: %m", path);
		(void)close(fd);
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		*error_r = t_strdup_printf("%s is not a regular file", path);
		(void)close(fd);
		return -1;
	}
	buf = buffer_create_dynamic(pool, 1024);
	ret = file_read_fd(fd, path, max_size, buf, error_r);
	(void)close(fd);
	if (ret < 0) {
		buffer_free(&buf);
		return -1;
	}
	*data_r = buf;
	return 0;
}

int mkdir_parents(const char *path, mode_t mode)
{
	const char *slash;

	if (mkdir(path, mode) == 0)
		return 0;
	if (errno == EEXIST) {
		struct stat st;

		return stat(path, &st) == 0 && S_ISDIR(st.st_mode) ? 0 : -1;
	}
	if (errno != ENOENT)
		return -1;
	slash = strrchr(path, '/');
	if (slash == NULL || slash == path)
		return -1;
	int ret;
	T_BEGIN {
		ret = mkdir_parents(t_strndup(path, (size_t)(slash - path)),
				    mode);
	} T_END;
	if (ret < 0 && errno != EEXIST)
		return -1;
	if (mkdir(path, mode) < 0 && errno != EEXIST)
		return -1;
	return 0;
}
