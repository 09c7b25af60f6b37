/* Copyright (c) Cove authors. See AUTHORS. */
/* Buffered input stream. One structure serves fd-backed streams and
   memory streams (a private copy of the data, exposed to the reader
   piece by piece: all at once for i_stream_create_from_data(), or limited
   per read for the test stream). The buffer keeps one spare byte after
   the data so that a final line without LF can be NUL-terminated in
   place. */

#include "lib.h"
#include "istream.h"

#define I_STREAM_INITIAL_BUFFER_SIZE 4096

struct istream_private {
	struct istream istream;

	int fd;
	bool autoclose_fd;
	bool is_memory;

	/* [skip, pos) is buffered and unconsumed; alloc excludes the spare
	   NUL byte. For memory streams data_size is the whole input and
	   [0, pos) is what has been exposed. */
	unsigned char *buffer;
	size_t alloc, skip, pos;
	size_t data_size;
	size_t max_buffer_size;

	/* test stream */
	size_t read_limit;
	bool nonblock_steps;
	bool blocked;

	char *error;
};

static struct istream_private *i_stream_priv(struct istream *stream)
{
	return (struct istream_private *)stream;
}

static const struct istream_private *
i_stream_priv_const(const struct istream *stream)
{
	return (const struct istream_private *)stream;
}

struct istream *i_stream_create_fd(int fd, size_t max_buffer_size,
				   bool autoclose_fd)
{
	struct istream_private *s = i_new(struct istream_private, 1);

	i_assert(max_buffer_size > 0);
	s->fd = fd;
	s->autoclose_fd = autoclose_fd;
	s->max_buffer_size = max_buffer_size;
	return &s->istream;
}

struct istream *i_stream_create_from_data(const void *data, size_t size)
{
	struct istream_private *s = i_new(struct istream_private, 1);

	s->fd = -1;
	s->is_memory = true;
	s->max_buffer_size = SIZE_MAX;
	s->buffer = i_malloc(size + 1);
	if (size > 0)
		memcpy(s->buffer, data, size);
	s->alloc = size;
	s->data_size = size;
	return &s->istream;
}

struct istream *test_istream_create_data(const void *data, size_t size)
{
	return i_stream_create_from_data(data, size);
}

void test_istream_set_read_limit(struct istream *stream, size_t max_bytes)
{
	i_stream_priv(stream)->read_limit = max_bytes;
}

void test_istream_set_nonblock_steps(struct istream *stream, bool enable)
{
	i_stream_priv(stream)->nonblock_steps = enable;
}

void i_stream_destroy(struct istream **_stream)
{
	struct istream_private *s;

	if (*_stream == NULL)
		return;
	s = i_stream_priv(*_stream);
	*_stream = NULL;
	if (s->autoclose_fd && s->fd != -1)
		(void)close(s->fd);
	free(s->buffer);
	free(s->error);
	free(s);
}

void i_stream_set_max_buffer_size(struct istream *stream, size_t size)
{
	i_assert(size > 0);
	i_stream_priv(stream)->max_buffer_size = size;
}

size_t i_stream_get_max_buffer_size(const struct istream *stream)
{
	return i_stream_priv_const(stream)->max_buffer_size;
}

int i_stream_get_fd(const struct istream *stream)
{
	return i_stream_priv_const(stream)->fd;
}

const char *i_stream_get_error(const struct istream *stream)
{
	const struct istream_private *s = i_stream_priv_const(stream);

	if (s->error != NULL)
		return s->error;
	if (stream->stream_errno != 0)
		return strerror(stream->stream_errno);
	return stream->eof ? "EOF" : "no error";
}

static void i_stream_set_syscall_error(struct istream_private *s)
{
	s->istream.stream_errno = errno;
	free(s->error);
	s->error = i_strdup_printf("read(fd %d) failed: %m", s->fd);
}

static ssize_t i_stream_read_memory(struct istream_private *s)
{
	size_t avail = s->data_size - s->pos;
	size_t size;

	if (avail == 0) {
		s->istream.eof = true;
		return -1;
	}
	if (s->pos - s->skip >= s->max_buffer_size)
		return -2;
	if (s->nonblock_steps) {
		/* every other read "would block" */
		s->blocked = !s->blocked;
		if (s->blocked)
			return 0;
	}
	size = I_MIN(avail, s->max_buffer_size - (s->pos - s->skip));
	if (s->read_limit > 0)
		size = I_MIN(size, s->read_limit);
	s->pos += size;
	if (s->pos == s->data_size)
		s->istream.eof = true;
	return (ssize_t)size;
}

/* Makes room after pos: compacts consumed data away, then grows up to
   max_buffer_size. */
static void i_stream_fd_make_room(struct istream_private *s)
{
	size_t unread = s->pos - s->skip;

	if (s->skip > 0 && (s->skip == s->pos || s->skip >= s->alloc / 2 ||
			    s->pos == s->alloc)) {
		memmove(s->buffer, s->buffer + s->skip, unread);
		s->skip = 0;
		s->pos = unread;
	}
	if (s->pos < s->alloc)
		return;
	size_t new_alloc = s->alloc == 0 ? I_STREAM_INITIAL_BUFFER_SIZE :
		s->alloc * 2;
	if (new_alloc > s->max_buffer_size)
		new_alloc = s->max_buffer_size;
	if (new_alloc <= s->alloc)
		return;
	s->buffer = i_realloc(s->buffer, s->alloc + 1, new_alloc + 1);
	s->alloc = new_alloc;
}

static ssize_t i_stream_read_fd(struct istream_private *s)
{
	ssize_t ret;
	size_t size;

	if (s->istream.eof)
		return -1;
	if (s->pos - s->skip >= s->max_buffer_size)
		return -2;
	i_stream_fd_make_room(s);
	size = I_MIN(s->alloc - s->pos,
		     s->max_buffer_size - (s->pos - s->skip));
	i_assert(size > 0);
	do {
		ret = read(s->fd, s->buffer + s->pos, size);
	} while (ret < 0 && errno == EINTR);
	if (ret == 0) {
		s->istream.eof = true;
		return -1;
	}
	if (ret < 0) {
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			return 0;
		i_stream_set_syscall_error(s);
		return -1;
	}
	s->pos += (size_t)ret;
	return ret;
}

ssize_t i_stream_read(struct istream *stream)
{
	struct istream_private *s = i_stream_priv(stream);

	if (stream->stream_errno != 0)
		return -1;
	return s->is_memory ? i_stream_read_memory(s) : i_stream_read_fd(s);
}

const unsigned char *i_stream_get_data(struct istream *stream,
				       size_t *size_r)
{
	struct istream_private *s = i_stream_priv(stream);

	*size_r = s->pos - s->skip;
	return s->buffer == NULL ? (const unsigned char *)"" :
		s->buffer + s->skip;
}

void i_stream_skip(struct istream *stream, uoff_t count)
{
	struct istream_private *s = i_stream_priv(stream);

	i_assert(count <= s->pos - s->skip);
	s->skip += count;
	stream->v_offset += count;
}

int i_stream_read_bytes(struct istream *stream, const unsigned char **data_r,
			size_t *size_r, size_t wanted)
{
	ssize_t ret;

	for (;;) {
		*data_r = i_stream_get_data(stream, size_r);
		if (*size_r >= wanted)
			return 1;
		ret = i_stream_read(stream);
		if (ret == 0)
			return 0;
		if (ret < 0) {
			*data_r = i_stream_get_data(stream, size_r);
			return -1;
		}
	}
}

char *i_stream_next_line(struct istream *stream)
{
	struct istream_private *s = i_stream_priv(stream);
	size_t size = s->pos - s->skip, len;
	unsigned char *start, *lf;

	if (size == 0)
		return NULL;
	start = s->buffer + s->skip;
	lf = memchr(start, '\n', size);
	if (lf == NULL) {
		if (!stream->eof || s->pos < s->data_size)
			return NULL;
		/* the final line without LF */
		start[size] = '\0';
		i_stream_skip(stream, size);
		return (char *)start;
	}
	len = (size_t)(lf - start);
	i_stream_skip(stream, len + 1);
	if (len > 0 && start[len - 1] == '\r')
		len--;
	start[len] = '\0';
	return (char *)start;
}

char *i_stream_read_next_line(struct istream *stream)
{
	char *line;

	for (;;) {
		if ((line = i_stream_next_line(stream)) != NULL)
			return line;
		if (i_stream_read(stream) <= 0)
			return i_stream_next_line(stream);
	}
}
