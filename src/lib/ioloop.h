/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef IOLOOP_H
#define IOLOOP_H

/* The event loop: epoll for fds, a sorted list of timers. One ioloop per
   process is the rule; io_loop_create() makes it current. Callbacks are
   type-checked: io_add(fd, IO_READ, client_input, client) requires
   void client_input(struct client *). */

#include <sys/time.h>
#include <time.h>

struct ioloop;
struct io;
struct timeout;

enum io_condition {
	IO_READ = 0x01,
	IO_WRITE = 0x02,
};

typedef void io_callback_t(void *context);
typedef void timeout_callback_t(void *context);

extern struct ioloop *current_ioloop;
/* Time of the last wakeup; updated before each round of callbacks. */
extern time_t ioloop_time;
extern struct timeval ioloop_timeval;

struct ioloop *io_loop_create(void);
void io_loop_destroy(struct ioloop **ioloop);
/* Runs until io_loop_stop(). */
void io_loop_run(struct ioloop *ioloop);
void io_loop_stop(struct ioloop *ioloop);
/* Updates ioloop_time now. */
void io_loop_time_refresh(void);

/* Calls callback when fd is readable (or writable with IO_WRITE). An
   error or hangup on the fd also calls it, so that the reader sees EOF. */
struct io *io_add_(int fd, enum io_condition condition,
		   io_callback_t *callback, void *context);
#define io_add(fd, condition, callback, context) \
	io_add_(fd, condition + CALLBACK_TYPECHECK(callback, \
		void (*)(__typeof__(context))), \
		(io_callback_t *)(callback), (void *)(context))
void io_remove(struct io **io);

/* Calls callback every msecs until removed. */
struct timeout *timeout_add_(unsigned int msecs,
			     timeout_callback_t *callback, void *context);
#define timeout_add(msecs, callback, context) \
	timeout_add_(msecs + CALLBACK_TYPECHECK(callback, \
		void (*)(__typeof__(context))), \
		(timeout_callback_t *)(callback), (void *)(context))
void timeout_remove(struct timeout **timeout);
/* Restarts the interval from now. */
void timeout_reset(struct timeout *timeout);

#endif
