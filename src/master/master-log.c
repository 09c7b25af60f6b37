/* Copyright (c) Cove authors. See AUTHORS. */

/* The log destination: a file, or syslog through a pipe that collects the
   children's stderr (master-log.h). */

#include "lib.h"
#include "ioloop.h"
#include "istream.h"
#include "net.h"
#include "master-log.h"

#include <fcntl.h>

/* Longer lines are cut by the children's log code already. */
#define MASTER_LOG_MAX_LINE 16384

static int log_pipe_fd = -1;
static struct istream *log_input;
static struct io *log_io;

static bool master_log_is_syslog(const char *log_path)
{
	return log_path[0] == '\0' || strcmp(log_path, "syslog") == 0;
}

void master_log_open(const char *log_path, bool foreground)
{
	const char *error;

	if (master_log_is_syslog(log_path))
		return;
	if (log_open_file(log_path, &error) < 0)
		i_fatal("%s", error);
	(void)foreground;
}

int master_log_reopen(const char *log_path, const char **error_r)
{
	if (master_log_is_syslog(log_path))
		return 0;
	return log_open_file(log_path, error_r);
}

static void master_log_forward(bool eof)
{
	const char *line;

	while ((line = i_stream_next_line(log_input)) != NULL)
		log_syslog_forward(line);
	if (eof) {
		size_t size;
		const unsigned char *data = i_stream_get_data(log_input, &size);

		if (size > 0)
			log_syslog_forward(t_strndup(data, size));
		i_stream_skip(log_input, size);
	}
}

static void master_log_input(void *context ATTR_UNUSED)
{
	ssize_t ret;

	while ((ret = i_stream_read(log_input)) > 0)
		master_log_forward(false);
	if (ret == -2) {
		/* a line without LF that fills the buffer: pass it on */
		master_log_forward(true);
	}
}

void master_log_init(const char *log_path, bool foreground)
{
	int fds[2];

	if (!master_log_is_syslog(log_path) || foreground)
		return;
	if (pipe2(fds, O_CLOEXEC) < 0)
		i_fatal("pipe() failed: %m");
	/* The children inherit fd 2: it must not be close-on-exec. */
	if (dup2(fds[1], STDERR_FILENO) < 0)
		i_fatal("dup2(log pipe) failed: %m");
	close(fds[1]);
	log_pipe_fd = fds[0];
	fd_set_nonblock(log_pipe_fd, true);
	log_set_syslog(true);
	log_input = i_stream_create_fd(log_pipe_fd, MASTER_LOG_MAX_LINE, false);
	log_io = io_add(log_pipe_fd, IO_READ, master_log_input, NULL);
}

void master_log_deinit(void)
{
	if (log_pipe_fd == -1)
		return;
	/* The children are gone: read what they wrote last. The write end
	   is still our fd 2, so stop at "would block", not at EOF. */
	master_log_input(NULL);
	master_log_forward(true);
	io_remove(&log_io);
	i_stream_destroy(&log_input);
	i_close_fd(&log_pipe_fd);
	log_set_syslog(false);
}
