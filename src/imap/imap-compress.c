/* Copyright (c) Cove authors. See AUTHORS. */

/* COMPRESS=DEFLATE (RFC 4978). The command only answers; once its tagged
   OK has been written, imap_compress_start() forks a filter process that
   owns the client's socket and talks DEFLATE on it, and the worker goes
   on, unchanged, over a socketpair to the filter. The filter works in a
   poll() loop with one buffer per direction: a buffer holding
   IMAP_COMPRESS_MAX_PENDING bytes stops reading its source, so neither a
   client nor the worker can make it hold more (plus one read's output).
   It exits when either side has closed and what was for the other side
   is written, so the worker's last words (BYE, LOGOUT's OK) get out even
   after the worker has exited. */

#include "lib.h"
#include "buffer.h"
#include "net.h"
#include "istream.h"
#include "ostream.h"
#include "imap-deflate.h"
#include "imap-client.h"
#include "imap-commands.h"
#include "imap-compress.h"

#include <poll.h>
#include <strings.h>
#include <unistd.h>
#include <sys/socket.h>

#define IMAP_COMPRESS_MAX_PENDING (64 * 1024)
#define IMAP_COMPRESS_READ_SIZE 4096
/* What one compressed read may inflate to: more is a bomb, not mail
   (DEFLATE's best ratio is about 1:1000). */
#define IMAP_COMPRESS_MAX_INFLATE (8 * 1024 * 1024)

bool cmd_compress(struct client_command_context *cmd)
{
	struct client *client = cmd->client;
	const char *mech;

	if (!imap_arg_get_atom(&cmd->args[0], &mech) ||
	    !imap_arg_is_eol(&cmd->args[1])) {
		client_cmd_bad(cmd, "Invalid arguments.");
		return true;
	}
	if (client->compress_active) {
		client_cmd_reply(cmd, "NO [COMPRESSIONACTIVE] "
				 "COMPRESS=DEFLATE is already active.");
		return true;
	}
	if (strcasecmp(mech, "DEFLATE") != 0) {
		client_cmd_reply(cmd, "NO Unknown compression mechanism.");
		return true;
	}
	client->compress_start = true;
	client_cmd_reply(cmd, "OK Begin compression.");
	return true;
}

/* One direction: bytes for fd, written from pos on. */
struct imap_compress_dir {
	int fd;
	buffer_t *buf;
	size_t pos;
	/* the source of this direction's data has closed */
	bool source_eof;
};

static size_t imap_compress_pending(const struct imap_compress_dir *dir)
{
	return dir->buf->used - dir->pos;
}

/* Writes what fd takes. Returns 0, or -1 on error (logged). */
static int imap_compress_write(struct imap_compress_dir *dir)
{
	ssize_t ret;

	ret = write(dir->fd, (const unsigned char *)dir->buf->data + dir->pos,
		    imap_compress_pending(dir));
	if (ret < 0) {
		if (errno == EAGAIN || errno == EINTR)
			return 0;
		if (errno != EPIPE && errno != ECONNRESET)
			i_error("COMPRESS: write() failed: %m");
		return -1;
	}
	dir->pos += ret;
	if (dir->pos == dir->buf->used) {
		buffer_set_used_size(dir->buf, 0);
		dir->pos = 0;
	}
	return 0;
}

/* Reads from fd into buf. Returns bytes read, 0 at EOF or when nothing
   is there now (eof_r tells), -1 on error (logged). */
static ssize_t imap_compress_read(int fd, unsigned char *buf, bool *eof_r)
{
	ssize_t ret = read(fd, buf, IMAP_COMPRESS_READ_SIZE);

	*eof_r = ret == 0;
	if (ret < 0) {
		if (errno == EAGAIN || errno == EINTR)
			return 0;
		if (errno != ECONNRESET)
			i_error("COMPRESS: read() failed: %m");
		return -1;
	}
	return ret;
}

static void imap_compress_poll_set(struct pollfd *pfd,
				   const struct imap_compress_dir *to_fd,
				   const struct imap_compress_dir *from_fd)
{
	pfd->events = 0;
	if (!from_fd->source_eof &&
	    imap_compress_pending(from_fd) < IMAP_COMPRESS_MAX_PENDING)
		pfd->events |= POLLIN;
	if (imap_compress_pending(to_fd) > 0)
		pfd->events |= POLLOUT;
	/* poll() skips a negative fd: no busy loop on POLLHUP while
	   nothing is wanted */
	pfd->fd = pfd->events == 0 ? -1 : to_fd->fd;
}

int imap_compress_filter(int net_fd, int plain_fd, const void *leftover,
			 size_t leftover_size)
{
	struct imap_deflate *deflate = imap_deflate_create();
	struct imap_compress_dir to_net = { .fd = net_fd };
	struct imap_compress_dir to_plain = { .fd = plain_fd };
	unsigned char buf[IMAP_COMPRESS_READ_SIZE];
	struct pollfd pfd[2];
	const char *error = NULL;
	bool eof;
	ssize_t ret;
	int result = 0;

	fd_set_nonblock(net_fd, true);
	fd_set_nonblock(plain_fd, true);
	to_net.buf = buffer_create_dynamic(default_pool, 8192);
	to_plain.buf = buffer_create_dynamic(default_pool, 8192);
	if (imap_deflate_decompress(deflate, leftover, leftover_size,
				    to_plain.buf, IMAP_COMPRESS_MAX_INFLATE,
				    &error) < 0)
		result = -1;
	while (result == 0) {
		/* a side that closed gets nothing more: done when the
		   other side has its last bytes */
		if ((to_plain.source_eof &&
		     imap_compress_pending(&to_plain) == 0) ||
		    (to_net.source_eof && imap_compress_pending(&to_net) == 0))
			break;
		imap_compress_poll_set(&pfd[0], &to_net, &to_plain);
		imap_compress_poll_set(&pfd[1], &to_plain, &to_net);
		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			i_fatal("COMPRESS: poll() failed: %m");
		}
		if ((pfd[0].revents & POLLOUT) != 0)
			result = imap_compress_write(&to_net);
		if (result == 0 && (pfd[1].revents & POLLOUT) != 0)
			result = imap_compress_write(&to_plain);
		if (result == 0 && (pfd[0].events & POLLIN) != 0 &&
		    (pfd[0].revents & (POLLIN | POLLHUP | POLLERR)) != 0) {
			ret = imap_compress_read(net_fd, buf, &eof);
			to_plain.source_eof = eof || ret < 0;
			if (ret > 0 &&
			    imap_deflate_decompress(deflate, buf, ret,
						    to_plain.buf,
						    IMAP_COMPRESS_MAX_INFLATE,
						    &error) < 0)
				result = -1;
		}
		if (result == 0 && (pfd[1].events & POLLIN) != 0 &&
		    (pfd[1].revents & (POLLIN | POLLHUP | POLLERR)) != 0) {
			ret = imap_compress_read(plain_fd, buf, &eof);
			to_net.source_eof = eof || ret < 0;
			if (ret > 0)
				imap_deflate_compress(deflate, buf, ret,
						      to_net.buf);
		}
	}
	if (error != NULL)
		i_error("COMPRESS: %s", error);
	buffer_free(&to_net.buf);
	buffer_free(&to_plain.buf);
	imap_deflate_destroy(&deflate);
	return result;
}

void imap_compress_start(struct client *client)
{
	const unsigned char *leftover;
	size_t leftover_size;
	int sp[2];
	pid_t pid;

	client->compress_start = false;
	/* the tagged OK goes out uncompressed */
	o_stream_uncork(client->worker.output);
	if (o_stream_finish(client->worker.output) < 0) {
		client_disconnect(client,
				  o_stream_get_error(client->worker.output));
		return;
	}
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sp) < 0) {
		i_error("COMPRESS: socketpair() failed: %m");
		client_disconnect(client, "COMPRESS failed");
		return;
	}
	/* what the client sent after the command is compressed already */
	leftover = i_stream_get_data(client->worker.input, &leftover_size);
	pid = fork();
	if (pid < 0) {
		i_error("COMPRESS: fork() failed: %m");
		i_close_fd(&sp[0]);
		i_close_fd(&sp[1]);
		client_disconnect(client, "COMPRESS failed");
		return;
	}
	if (pid == 0) {
		i_close_fd(&sp[0]);
		_exit(imap_compress_filter(client->worker.fd, sp[1], leftover,
					   leftover_size) < 0 ? 1 : 0);
	}
	i_close_fd(&sp[1]);
	client_replace_fd(client, sp[0]);
	client->compress_active = true;
}
