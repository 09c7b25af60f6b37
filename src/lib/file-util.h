/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef FILE_UTIL_H
#define FILE_UTIL_H

/* Whole-buffer file I/O that retries short writes and EINTR. */

#include "buffer.h"

/* Returns 0, or -1 (errno set; ENOSPC for a 0-byte write). */
int write_full(int fd, const void *data, size_t size);
int pwrite_full(int fd, const void *data, size_t size, off_t offset);
/* Reads the whole file into a buffer from pool. Returns 0, or -1 with
   error_r ("open(path) failed: ..."); *enoent_r tells a missing file
   apart (may be NULL). Refuses files over max_size, and anything but a
   regular file (a FIFO or a device could block forever). */
int file_read_all(const char *path, pool_t pool, size_t max_size,
		  buffer_t **data_r, bool *enoent_r, const char **error_r);
/* Creates dir and missing parents with mode. Returns 0 or -1 errno. */
int mkdir_parents(const char *path, mode_t mode);

#endif
