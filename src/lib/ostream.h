/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef OSTREAM_H
#define OSTREAM_H

/* Buffered output stream over an fd or into a buffer_t.
   On a non-blocking fd: o_stream_send() always accepts all the data (it
   is buffered) unless the stream has failed; the ioloop writes it out as
   the fd becomes writable. Check o_stream_get_buffer_used_size() to stop
   producing when a lot is pending, and set a flush callback to be told
   when to continue.
   On a blocking fd (a file), data is written through.
   Errors: the first failure sets stream_errno; later sends are ignored. */

#include "buffer.h"

struct ostream {
	int stream_errno;
	bool closed;
	/* Bytes accepted so far. */
	uoff_t offset;
};

/* flush callback: return 1 when the caller has nothing more to write (the
   stream then stops calling it), 0 to be called again when the buffer has
   drained, -1 on error. */
typedef int ostream_flush_callback_t(void *context);

struct ostream *o_stream_create_fd(int fd, bool autoclose_fd);
struct ostream *o_stream_create_buffer(buffer_t *buf);
void o_stream_destroy(struct ostream **stream);
/* Stops buffering and drops pending output. */
void o_stream_close(struct ostream *stream);

int o_stream_get_fd(const struct ostream *stream);
const char *o_stream_get_error(const struct ostream *stream);

/* Corking collects output until uncork, which flushes once. */
void o_stream_cork(struct ostream *stream);
void o_stream_uncork(struct ostream *stream);
bool o_stream_is_corked(const struct ostream *stream);

/* Returns size, or -1 if the stream has failed. */
ssize_t o_stream_send(struct ostream *stream, const void *data, size_t size);
ssize_t o_stream_send_str(struct ostream *stream, const char *str);
/* Same without a result: errors surface at the next flush. */
void o_stream_nsend(struct ostream *stream, const void *data, size_t size);
void o_stream_nsend_str(struct ostream *stream, const char *str);

/* Tries to write everything buffered. Returns 1 when all is written, 0 if
   some remains (non-blocking fd), -1 on error. Blocking fds write all. */
int o_stream_flush(struct ostream *stream);
/* Writes everything, blocking if necessary (poll()s on a non-blocking
   fd). Returns 0 or -1. For shutdown paths and blocking helpers. */
int o_stream_finish(struct ostream *stream);
size_t o_stream_get_buffer_used_size(const struct ostream *stream);

#define o_stream_set_flush_callback(stream, callback, context) \
	o_stream_set_flush_callback_(stream + CALLBACK_TYPECHECK(callback, \
		int (*)(__typeof__(context))), \
		(ostream_flush_callback_t *)(callback), (void *)(context))
void o_stream_set_flush_callback_(struct ostream *stream,
				  ostream_flush_callback_t *callback,
				  void *context);
/* Asks for the flush callback to be called once the buffer drains (or at
   once if it is empty), even if nothing more is sent. */
void o_stream_set_flush_pending(struct ostream *stream, bool set);

#endif
