/* Copyright (c) Cove authors. See AUTHORS. */
/* The event loop. epoll wants one registration per fd, so ios are kept in
   a per-fd list and the fd's epoll mask is the union of the conditions of
   its live ios. Timeouts sit in a binary heap ordered by due time (ties in
   insertion order) on the monotonic clock.

   Callbacks may remove any io or timeout, including their own: removal
   only marks the object dead and queues it; the queue is freed after the
   current round of callbacks. */

#include "lib.h"
#include "ioloop.h"

#include <sys/epoll.h>

#define IOLOOP_MAX_EVENTS 128

struct io {
	struct ioloop *ioloop;
	int fd;
	enum io_condition condition;
	io_callback_t *callback;
	void *context;
	bool removed;
	/* next io on the same fd, or next in the free queue */
	struct io *next;
};

struct timeout {
	struct ioloop *ioloop;
	unsigned int msecs;
	uint64_t next_run_ms;
	uint64_t seq;
	/* index in the heap, or UINT_MAX when not in it */
	unsigned int heap_idx;
	/* the round in which this timeout last ran */
	uint64_t run_round;
	timeout_callback_t *callback;
	void *context;
	struct timeout *next_free;
};

struct ioloop {
	struct ioloop *prev;
	int epfd;
	bool running;
	/* per-fd io lists and the mask registered in epoll */
	struct io **fd_ios;
	uint32_t *fd_mask;
	unsigned int fd_count;

	struct timeout **heap;
	unsigned int heap_count, heap_alloc;
	uint64_t timeout_seq;
	uint64_t round;

	/* set while callbacks run: removed ios are unlinked afterwards */
	bool in_dispatch;
	int *dirty_fds;
	unsigned int dirty_count, dirty_alloc;

	struct io *free_ios;
	struct timeout *free_timeouts;
};

struct ioloop *current_ioloop = NULL;
time_t ioloop_time = 0;
struct timeval ioloop_timeval;

static uint64_t ioloop_now_ms(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) < 0)
		i_panic("clock_gettime() failed: %m");
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

void io_loop_time_refresh(void)
{
	if (gettimeofday(&ioloop_timeval, NULL) < 0)
		i_panic("gettimeofday() failed: %m");
	ioloop_time = ioloop_timeval.tv_sec;
}

struct ioloop *io_loop_create(void)
{
	struct ioloop *ioloop = i_new(struct ioloop, 1);

	ioloop->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (ioloop->epfd < 0)
		i_fatal("epoll_create1() failed: %m");
	ioloop->prev = current_ioloop;
	current_ioloop = ioloop;
	io_loop_time_refresh();
	return ioloop;
}

static void io_loop_free_removed(struct ioloop *ioloop)
{
	while (ioloop->free_ios != NULL) {
		struct io *io = ioloop->free_ios;

		ioloop->free_ios = io->next;
		free(io);
	}
	while (ioloop->free_timeouts != NULL) {
		struct timeout *timeout = ioloop->free_timeouts;

		ioloop->free_timeouts = timeout->next_free;
		free(timeout);
	}
}

static void io_loop_unlink_removed_ios(struct ioloop *ioloop, int fd)
{
	struct io **iop = &ioloop->fd_ios[fd];

	while (*iop != NULL) {
		struct io *io = *iop;

		if (!io->removed) {
			iop = &io->next;
			continue;
		}
		*iop = io->next;
		io->next = ioloop->free_ios;
		ioloop->free_ios = io;
	}
}

void io_loop_destroy(struct ioloop **_ioloop)
{
	struct ioloop *ioloop = *_ioloop;

	*_ioloop = NULL;
	for (unsigned int fd = 0; fd < ioloop->fd_count; fd++) {
		for (struct io *io = ioloop->fd_ios[fd]; io != NULL;
		     io = io->next)
			io->removed = true;
		io_loop_unlink_removed_ios(ioloop, (int)fd);
	}
	for (unsigned int i = 0; i < ioloop->heap_count; i++) {
		ioloop->heap[i]->next_free = ioloop->free_timeouts;
		ioloop->free_timeouts = ioloop->heap[i];
	}
	io_loop_free_removed(ioloop);
	if (close(ioloop->epfd) < 0)
		i_error("close(epoll) failed: %m");
	if (current_ioloop == ioloop)
		current_ioloop = ioloop->prev;
	free(ioloop->fd_ios);
	free(ioloop->fd_mask);
	free(ioloop->dirty_fds);
	free(ioloop->heap);
	free(ioloop);
}

void io_loop_stop(struct ioloop *ioloop)
{
	ioloop->running = false;
}

/* Re-registers fd in epoll with the union of its live ios' conditions. */
static void io_loop_update_fd(struct ioloop *ioloop, int fd)
{
	struct epoll_event event = { .data.fd = fd };
	uint32_t mask = 0;
	int op;

	for (struct io *io = ioloop->fd_ios[fd]; io != NULL; io = io->next) {
		if (io->removed)
			continue;
		if ((io->condition & IO_READ) != 0)
			mask |= EPOLLIN | EPOLLRDHUP;
		if ((io->condition & IO_WRITE) != 0)
			mask |= EPOLLOUT;
	}
	if (mask == ioloop->fd_mask[fd])
		return;
	event.events = mask;
	if (mask == 0) {
		/* the fd may already be closed: ignore failures */
		(void)epoll_ctl(ioloop->epfd, EPOLL_CTL_DEL, fd, &event);
		ioloop->fd_mask[fd] = 0;
		return;
	}
	op = ioloop->fd_mask[fd] == 0 ? EPOLL_CTL_ADD : EPOLL_CTL_MOD;
	ioloop->fd_mask[fd] = mask;
	if (epoll_ctl(ioloop->epfd, op, fd, &event) == 0)
		return;
	/* The fd was closed (and maybe reused) while ios still referred
	   to it: the kernel dropped or never had the registration. */
	if (op == EPOLL_CTL_MOD && errno == ENOENT)
		op = EPOLL_CTL_ADD;
	else if (op == EPOLL_CTL_ADD && errno == EEXIST)
		op = EPOLL_CTL_MOD;
	else if (op == EPOLL_CTL_MOD && errno == EBADF)
		return;
	else
		i_panic("epoll_ctl(%d) failed: %m", fd);
	if (epoll_ctl(ioloop->epfd, op, fd, &event) < 0)
		i_panic("epoll_ctl(%d) failed: %m", fd);
}

static void io_loop_grow_fds(struct ioloop *ioloop, int fd)
{
	unsigned int new_count = ioloop->fd_count == 0 ? 64 :
		ioloop->fd_count;

	while (new_count <= (unsigned int)fd)
		new_count *= 2;
	ioloop->fd_ios = i_realloc(ioloop->fd_ios,
				   sizeof(struct io *) * ioloop->fd_count,
				   sizeof(struct io *) * new_count);
	ioloop->fd_mask = i_realloc(ioloop->fd_mask,
				    sizeof(uint32_t) * ioloop->fd_count,
				    sizeof(uint32_t) * new_count);
	ioloop->fd_count = new_count;
}

struct io *io_add_(int fd, enum io_condition condition,
		   io_callback_t *callback, void *context)
{
	struct ioloop *ioloop = current_ioloop;
	struct io *io, **iop;

	i_assert(ioloop != NULL);
	i_assert(fd >= 0);
	if ((unsigned int)fd >= ioloop->fd_count)
		io_loop_grow_fds(ioloop, fd);
	io = i_new(struct io, 1);
	io->ioloop = ioloop;
	io->fd = fd;
	io->condition = condition;
	io->callback = callback;
	io->context = context;
	/* append: callbacks on one fd run in the order they were added */
	for (iop = &ioloop->fd_ios[fd]; *iop != NULL; iop = &(*iop)->next) ;
	*iop = io;
	io_loop_update_fd(ioloop, fd);
	return io;
}

void io_remove(struct io **_io)
{
	struct io *io = *_io;
	struct ioloop *ioloop;

	if (io == NULL)
		return;
	ioloop = io->ioloop;
	*_io = NULL;
	i_assert(!io->removed);
	io->removed = true;
	io_loop_update_fd(ioloop, io->fd);
	if (!ioloop->in_dispatch) {
		io_loop_unlink_removed_ios(ioloop, io->fd);
		io_loop_free_removed(ioloop);
		return;
	}
	if (ioloop->dirty_count == ioloop->dirty_alloc) {
		unsigned int new_alloc = ioloop->dirty_alloc == 0 ? 16 :
			ioloop->dirty_alloc * 2;

		ioloop->dirty_fds = i_realloc(ioloop->dirty_fds,
			sizeof(int) * ioloop->dirty_alloc,
			sizeof(int) * new_alloc);
		ioloop->dirty_alloc = new_alloc;
	}
	ioloop->dirty_fds[ioloop->dirty_count++] = io->fd;
}

static bool timeout_less(const struct timeout *t1, const struct timeout *t2)
{
	if (t1->next_run_ms != t2->next_run_ms)
		return t1->next_run_ms < t2->next_run_ms;
	return t1->seq < t2->seq;
}

static void timeout_heap_set(struct ioloop *ioloop, unsigned int idx,
			     struct timeout *timeout)
{
	ioloop->heap[idx] = timeout;
	timeout->heap_idx = idx;
}

static void timeout_heap_up(struct ioloop *ioloop, unsigned int idx)
{
	struct timeout *timeout = ioloop->heap[idx];

	while (idx > 0) {
		unsigned int parent = (idx - 1) / 2;

		if (!timeout_less(timeout, ioloop->heap[parent]))
			break;
		timeout_heap_set(ioloop, idx, ioloop->heap[parent]);
		idx = parent;
	}
	timeout_heap_set(ioloop, idx, timeout);
}

static void timeout_heap_down(struct ioloop *ioloop, unsigned int idx)
{
	struct timeout *timeout = ioloop->heap[idx];

	for (;;) {
		unsigned int child = idx * 2 + 1;

		if (child >= ioloop->heap_count)
			break;
		if (child + 1 < ioloop->heap_count &&
		    timeout_less(ioloop->heap[child + 1], ioloop->heap[child]))
			child++;
		if (!timeout_less(ioloop->heap[child], timeout))
			break;
		timeout_heap_set(ioloop, idx, ioloop->heap[child]);
		idx = child;
	}
	timeout_heap_set(ioloop, idx, timeout);
}

static void timeout_heap_insert(struct ioloop *ioloop,
				struct timeout *timeout)
{
	if (ioloop->heap_count == ioloop->heap_alloc) {
		unsigned int new_alloc = ioloop->heap_alloc == 0 ? 16 :
			ioloop->heap_alloc * 2;

		ioloop->heap = i_realloc(ioloop->heap,
			sizeof(*ioloop->heap) * ioloop->heap_alloc,
			sizeof(*ioloop->heap) * new_alloc);
		ioloop->heap_alloc = new_alloc;
	}
	timeout_heap_set(ioloop, ioloop->heap_count++, timeout);
	timeout_heap_up(ioloop, timeout->heap_idx);
}

static void timeout_heap_remove(struct ioloop *ioloop,
				struct timeout *timeout)
{
	unsigned int idx = timeout->heap_idx;
	struct timeout *last = ioloop->heap[--ioloop->heap_count];

	timeout->heap_idx = UINT_MAX;
	if (last == timeout)
		return;
	timeout_heap_set(ioloop, idx, last);
	if (idx > 0 && timeout_less(last, ioloop->heap[(idx - 1) / 2]))
		timeout_heap_up(ioloop, idx);
	else
		timeout_heap_down(ioloop, idx);
}

static void timeout_schedule(struct timeout *timeout, uint64_t now_ms)
{
	struct ioloop *ioloop = timeout->ioloop;

	if (timeout->heap_idx != UINT_MAX)
		timeout_heap_remove(ioloop, timeout);
	timeout->next_run_ms = now_ms + timeout->msecs;
	timeout->seq = ioloop->timeout_seq++;
	timeout_heap_insert(ioloop, timeout);
}

struct timeout *timeout_add_(unsigned int msecs,
			     timeout_callback_t *callback, void *context)
{
	struct timeout *timeout = i_new(struct timeout, 1);

	i_assert(current_ioloop != NULL);
	timeout->ioloop = current_ioloop;
	timeout->msecs = msecs;
	timeout->callback = callback;
	timeout->context = context;
	timeout->heap_idx = UINT_MAX;
	/* added during a round: do not run it in the same round */
	timeout->run_round = current_ioloop->round;
	timeout_schedule(timeout, ioloop_now_ms());
	return timeout;
}

void timeout_remove(struct timeout **_timeout)
{
	struct timeout *timeout = *_timeout;

	if (timeout == NULL)
		return;
	*_timeout = NULL;
	timeout_heap_remove(timeout->ioloop, timeout);
	timeout->next_free = timeout->ioloop->free_timeouts;
	timeout->ioloop->free_timeouts = timeout;
}

void timeout_reset(struct timeout *timeout)
{
	timeout_schedule(timeout, ioloop_now_ms());
}

static int io_loop_get_wait_msecs(struct ioloop *ioloop, uint64_t now_ms)
{
	struct timeout *first;

	if (ioloop->heap_count == 0)
		return -1;
	first = ioloop->heap[0];
	if (first->next_run_ms <= now_ms)
		return 0;
	if (first->next_run_ms - now_ms > INT_MAX)
		return INT_MAX;
	return (int)(first->next_run_ms - now_ms);
}

static void io_loop_call_ios(struct ioloop *ioloop,
			     const struct epoll_event *event)
{
	int fd = event->data.fd;
	bool error = (event->events & (EPOLLERR | EPOLLHUP)) != 0;
	enum io_condition cond = 0;

	if ((event->events & (EPOLLIN | EPOLLRDHUP)) != 0)
		cond |= IO_READ;
	if ((event->events & EPOLLOUT) != 0)
		cond |= IO_WRITE;
	if ((unsigned int)fd >= ioloop->fd_count)
		return;
	for (struct io *io = ioloop->fd_ios[fd]; io != NULL; io = io->next) {
		if (io->removed || (!error && (io->condition & cond) == 0))
			continue;
		T_BEGIN {
			io->callback(io->context);
		} T_END;
	}
}

static void io_loop_call_timeouts(struct ioloop *ioloop)
{
	uint64_t now_ms = ioloop_now_ms();

	while (ioloop->heap_count > 0) {
		struct timeout *timeout = ioloop->heap[0];

		if (timeout->next_run_ms > now_ms ||
		    timeout->run_round == ioloop->round)
			break;
		timeout->run_round = ioloop->round;
		timeout_schedule(timeout, now_ms);
		T_BEGIN {
			timeout->callback(timeout->context);
		} T_END;
	}
}

static void io_loop_handler_run(struct ioloop *ioloop)
{
	struct epoll_event events[IOLOOP_MAX_EVENTS];
	int count, wait_msecs;

	wait_msecs = io_loop_get_wait_msecs(ioloop, ioloop_now_ms());
	count = epoll_wait(ioloop->epfd, events, N_ELEMENTS(events),
			   wait_msecs);
	if (count < 0 && errno != EINTR)
		i_panic("epoll_wait() failed: %m");
	io_loop_time_refresh();
	ioloop->round++;
	ioloop->in_dispatch = true;
	for (int i = 0; i < count; i++)
		io_loop_call_ios(ioloop, &events[i]);
	io_loop_call_timeouts(ioloop);
	ioloop->in_dispatch = false;
	/* now nothing refers to removed ios and timeouts */
	for (unsigned int i = 0; i < ioloop->dirty_count; i++)
		io_loop_unlink_removed_ios(ioloop, ioloop->dirty_fds[i]);
	ioloop->dirty_count = 0;
	io_loop_free_removed(ioloop);
}

void io_loop_run(struct ioloop *ioloop)
{
	ioloop->running = true;
	while (ioloop->running)
		io_loop_handler_run(ioloop);
}
