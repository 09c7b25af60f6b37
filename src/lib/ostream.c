/* Copyright (c) Cove authors. See AUTHORS. */
/* Buffered output stream over an fd or into a buffer_t.

   A non-blocking fd keeps unsent output in a buffer and registers an
   IO_WRITE io in current_ioloop while anything is pending (or a flush is
   pending); when it drains, the flush callback runs. A blocking fd writes
   through. Corking collects everything in the buffer until uncork.
   The flush callback may destroy the stream: destruction then waits until
   the callback has returned. */

#include "lib.h"
#include "buffer.h"
#include "file-util.h"
#include "ioloop.h"
#include "ostream.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>

struct ostream_private {
	struct ostream ostream;

	int fd;
	bool autoclose_fd;
	bool blocking;
	bool is_socket;
	bool corked;
	bool flush_pending;

	/* buffer-backed stream's destination, or NULL */
	buffer_t *dest;
	/* unsent output of an fd stream */
	buffer_t *out;
	size_t out_skip;

	struct io *io;
	ostream_flush_callback_t *callback;
	void *context;
	unsigned int callback_depth;
	bool destroy_pending;

	char *error;
};

static struct ostream_private *o_stream_priv(struct ostream *stream)
{
	return (struct ostream_private *)stream;
}

static const struct ostream_private *
o_stream_priv_const(const struct ostream *stream)
{
	return (const struct ostream_private *)stream;
}

struct ostream *o_stream_create_fd(int fd, bool autoclose_fd)
{
	struct ostream_private *s = i_new(struct ostream_private, 1);
	struct stat st;
	int flags;

	s->fd = fd;
	s->autoclose_fd = autoclose_fd;
	flags = fcntl(fd, F_GETFL, 0);
	s->blocking = flags < 0 || (flags & O_NONBLOCK) == 0;
	s->is_socket = fstat(fd, &st) == 0 && S_ISSOCK(st.st_mode);
	s->out = buffer_create_dynamic(default_pool, 1024);
	return &s->ostream;
}

struct ostream *o_stream_create_buffer(buffer_t *buf)
{
	struct ostream_private *s = i_new(struct ostream_private, 1);

	s->fd = -1;
	s->dest = buf;
	return &s->ostream;
}

static size_t o_stream_pending(const struct ostream_private *s)
{
	return s->out == NULL ? 0 : s->out->used - s->out_skip;
}

static void o_stream_free(struct ostream_private *s)
{
	io_remove(&s->io);
	if (s->autoclose_fd && s->fd != -1)
		(void)close(s->fd);
	buffer_free(&s->out);
	free(s->error);
	free(s);
}

void o_stream_destroy(struct ostream **_stream)
{
	struct ostream_private *s;

	if (*_stream == NULL)
		return;
	s = o_stream_priv(*_stream);
	*_stream = NULL;
	o_stream_close(&s->ostream);
	if (s->callback_depth > 0)
		s->destroy_pending = true;
	else
		o_stream_free(s);
}

void o_stream_close(struct ostream *stream)
{
	struct ostream_private *s = o_stream_priv(stream);

	stream->closed = true;
	io_remove(&s->io);
	if (s->out != NULL) {
		buffer_reset(s->out);
		s->out_skip = 0;
	}
}

int o_stream_get_fd(const struct ostream *stream)
{
	return o_stream_priv_const(stream)->fd;
}

const char *o_stream_get_error(const struct ostream *stream)
{
	const struct ostream_private *s = o_stream_priv_const(stream);

	if (s->error != NULL)
		return s->error;
	if (stream->stream_errno != 0)
		return strerror(stream->stream_errno);
	return stream->closed ? "Stream is closed" : "no error";
}

static void o_stream_set_syscall_error(struct ostream_private *s)
{
	s->ostream.stream_errno = errno;
	free(s->error);
	s->error = i_strdup_printf("write(fd %d) failed: %m", s->fd);
	io_remove(&s->io);
	buffer_reset(s->out);
	s->out_skip = 0;
}

static ssize_t o_stream_write(struct ostream_private *s, const void *data,
			      size_t size)
{
	ssize_t ret;

	do {
		if (s->is_socket)
			ret = send(s->fd, data, size, MSG_NOSIGNAL);
		else
			ret = write(s->fd, data, size);
	} while (ret < 0 && errno == EINTR);
	if (ret < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
		return 0;
	return ret;
}

/* Writes what is buffered. Returns 1 when all is out, 0 if some remains,
   -1 on error. Blocking fds write everything. */
static int o_stream_write_pending(struct ostream_private *s)
{
	const unsigned char *data;
	size_t size = o_stream_pending(s);
	ssize_t ret;

	if (s->ostream.stream_errno != 0)
		return -1;
	while (size > 0) {
		data = (const unsigned char *)s->out->data + s->out_skip;
		ret = o_stream_write(s, data, size);
		if (ret < 0) {
			o_stream_set_syscall_error(s);
			return -1;
		}
		if (ret == 0 && !s->blocking)
			return 0;
		if (ret == 0) {
			/* a blocking fd said EAGAIN: wait for it */
			struct pollfd pfd = { .fd = s->fd, .events = POLLOUT };

			(void)poll(&pfd, 1, -1);
			continue;
		}
		s->out_skip += (size_t)ret;
		size -= (size_t)ret;
	}
	buffer_reset(s->out);
	s->out_skip = 0;
	return 1;
}

static void o_stream_io_callback(struct ostream_private *s);

static void o_stream_want_io(struct ostream_private *s)
{
	if (s->io == NULL && current_ioloop != NULL && s->fd != -1)
		s->io = io_add(s->fd, IO_WRITE, o_stream_io_callback, s);
}

static int o_stream_call_callback(struct ostream_private *s)
{
	int ret;

	s->callback_depth++;
	ret = s->callback(s->context);
	s->callback_depth--;
	return ret;
}

static void o_stream_io_callback(struct ostream_private *s)
{
	int ret;

	if (s->corked) {
		/* uncork flushes */
		io_remove(&s->io);
		return;
	}
	ret = o_stream_write_pending(s);
	if (ret == 0)
		return;
	s->flush_pending = false;
	if (s->callback == NULL) {
		io_remove(&s->io);
		return;
	}
	ret = o_stream_call_callback(s);
	if (s->destroy_pending) {
		o_stream_free(s);
		return;
	}
	if (s->ostream.closed || s->ostream.stream_errno != 0 ||
	    (ret != 0 && o_stream_pending(s) == 0))
		io_remove(&s->io);
	else
		o_stream_want_io(s);
}

void o_stream_cork(struct ostream *stream)
{
	o_stream_priv(stream)->corked = true;
}

void o_stream_uncork(struct ostream *stream)
{
	struct ostream_private *s = o_stream_priv(stream);

	if (!s->corked)
		return;
	s->corked = false;
	if (s->dest == NULL && !stream->closed)
		(void)o_stream_flush(stream);
}

bool o_stream_is_corked(const struct ostream *stream)
{
	return o_stream_priv_const(stream)->corked;
}

ssize_t o_stream_send(struct ostream *stream, const void *data, size_t size)
{
	struct ostream_private *s = o_stream_priv(stream);
	ssize_t ret = 0;

	if (stream->closed || stream->stream_errno != 0)
		return -1;
	stream->offset += size;
	if (s->dest != NULL) {
		buffer_append(s->dest, data, size);
		return (ssize_t)size;
	}
	if (!s->corked && o_stream_pending(s) == 0) {
		/* fast path: nothing queued, write directly */
		ret = o_stream_write(s, data, size);
		if (ret < 0) {
			o_stream_set_syscall_error(s);
			return -1;
		}
	}
	buffer_append(s->out, (const unsigned char *)data + ret,
		      size - (size_t)ret);
	if (s->corked || o_stream_pending(s) == 0)
		return (ssize_t)size;
	if (s->blocking)
		return o_stream_write_pending(s) < 0 ? -1 : (ssize_t)size;
	o_stream_want_io(s);
	return (ssize_t)size;
}

ssize_t o_stream_send_str(struct ostream *stream, const char *str)
{
	return o_stream_send(stream, str, strlen(str));
}

void o_stream_nsend(struct ostream *stream, const void *data, size_t size)
{
	(void)o_stream_send(stream, data, size);
}

void o_stream_nsend_str(struct ostream *stream, const char *str)
{
	(void)o_stream_send(stream, str, strlen(str));
}

int o_stream_flush(struct ostream *stream)
{
	struct ostream_private *s = o_stream_priv(stream);
	int ret;

	if (stream->stream_errno != 0)
		return -1;
	if (s->dest != NULL || stream->closed)
		return 1;
	ret = o_stream_write_pending(s);
	if (ret == 0 || (ret > 0 && s->flush_pending))
		o_stream_want_io(s);
	return ret;
}

int o_stream_finish(struct ostream *stream)
{
	struct ostream_private *s = o_stream_priv(stream);
	int ret;

	s->corked = false;
	while ((ret = o_stream_flush(stream)) == 0) {
		struct pollfd pfd = { .fd = s->fd, .events = POLLOUT };

		if (poll(&pfd, 1, -1) < 0 && errno != EINTR) {
			o_stream_set_syscall_error(s);
			return -1;
		}
	}
	return ret < 0 ? -1 : 0;
}

size_t o_stream_get_buffer_used_size(const struct ostream *stream)
{
	return o_stream_pending(o_stream_priv_const(stream));
}

void o_stream_set_flush_callback_(struct ostream *stream,
				  ostream_flush_callback_t *callback,
				  void *context)
{
	struct ostream_private *s = o_stream_priv(stream);

	s->callback = callback;
	s->context = context;
}

void o_stream_set_flush_pending(struct ostream *stream, bool set)
{
	struct ostream_private *s = o_stream_priv(stream);

	s->flush_pending = set;
	if (set && s->dest == NULL && !stream->closed &&
	    stream->stream_errno == 0)
		o_stream_want_io(s);
}
