/* Copyright (c) Cove authors. See AUTHORS. */

/* Message spool: a memory buffer that turns into an unlinked temp file. */

#include "lib.h"
#include "buffer.h"
#include "file-util.h"
#include "smtp-spool.h"

#include <fcntl.h>
#include <sys/stat.h>

#define SMTP_SPOOL_READ_BLOCK_SIZE (64 * 1024)

struct smtp_spool {
	char *temp_dir;
	size_t max_memory;
	uoff_t size;
	/* The message while it is in memory. */
	buffer_t *buf;
	/* Block for reading back from the file. */
	unsigned char *read_block;
	/* -1 while the message is in memory. */
	int fd;
};

struct smtp_spool *smtp_spool_create(const char *temp_dir, size_t max_memory)
{
	struct smtp_spool *spool;

	spool = i_new(struct smtp_spool, 1);
	spool->temp_dir = i_strdup(temp_dir);
	spool->max_memory = max_memory;
	spool->buf = buffer_create_dynamic(default_pool, 4096);
	spool->fd = -1;
	return spool;
}

void smtp_spool_destroy(struct smtp_spool **_spool)
{
	struct smtp_spool *spool = *_spool;

	*_spool = NULL;
	/* nothing to report: the file is unlinked and only read back */
	if (spool->fd != -1)
		(void)close(spool->fd);
	buffer_free(&spool->buf);
	i_free(spool->read_block);
	i_free(spool->temp_dir);
	i_free(spool);
}

/* Creates the unlinked temp file and moves the buffered data into it. */
static int smtp_spool_move_to_file(struct smtp_spool *spool,
				   const char **error_r)
{
	char *path = i_strdup_printf("%s/cove-smtp-spool.XXXXXX",
				     spool->temp_dir);
	int fd = mkstemp(path);

	if (fd == -1) {
		*error_r = t_strdup_printf("mkstemp(%s) failed: %m", path);
		i_free(path);
		return -1;
	}
	if (unlink(path) < 0) {
		*error_r = t_strdup_printf("unlink(%s) failed: %m", path);
		(void)close(fd);
		i_free(path);
		return -1;
	}
	i_free(path);
	if (fcntl(fd, F_SETFD, FD_CLOEXEC) < 0) {
		*error_r = t_strdup_printf("fcntl(smtp spool) failed: %m");
		(void)close(fd);
		return -1;
	}
	spool->fd = fd;
	spool->read_block = i_malloc(SMTP_SPOOL_READ_BLOCK_SIZE);
	if (write_full(fd, spool->buf->data, spool->buf->used) < 0) {
		*error_r = t_strdup_printf(
			"write(smtp spool in %s) failed: %m", spool->temp_dir);
		return -1;
	}
	buffer_set_used_size(spool->buf, 0);
	return 0;
}

int smtp_spool_append(struct smtp_spool *spool, const void *data,
		      size_t size, const char **error_r)
{
	if (spool->fd == -1) {
		if (spool->buf->used + size <= spool->max_memory) {
			buffer_append(spool->buf, data, size);
			spool->size += size;
			return 0;
		}
		if (smtp_spool_move_to_file(spool, error_r) < 0)
			return -1;
	}
	if (write_full(spool->fd, data, size) < 0) {
		*error_r = t_strdup_printf(
			"write(smtp spool in %s) failed: %m", spool->temp_dir);
		return -1;
	}
	spool->size += size;
	return 0;
}

uoff_t smtp_spool_get_size(const struct smtp_spool *spool)
{
	return spool->size;
}

int smtp_spool_read(struct smtp_spool *spool, uoff_t offset,
		    const unsigned char **data_r, size_t *size_r,
		    const char **error_r)
{
	ssize_t ret;

	if (offset >= spool->size)
		return 0;
	if (spool->fd == -1) {
		*data_r = (const unsigned char *)spool->buf->data + offset;
		*size_r = spool->size - offset;
		return 1;
	}
	size_t want = I_MIN(SMTP_SPOOL_READ_BLOCK_SIZE, spool->size - offset);
	ret = pread(spool->fd, spool->read_block, want, (off_t)offset);
	if (ret <= 0) {
		*error_r = ret < 0 ?
			t_strdup_printf("pread(smtp spool) failed: %m") :
			"pread(smtp spool) failed: unexpected EOF";
		return -1;
	}
	*data_r = spool->read_block;
	*size_r = ret;
	return 1;
}
