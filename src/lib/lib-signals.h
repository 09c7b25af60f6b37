/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef LIB_SIGNALS_H
#define LIB_SIGNALS_H

/* Signal handling through the ioloop: the real handler only writes to a
   self-pipe; the registered callback runs later from the ioloop, where it
   may do anything. Call lib_signals_init() after io_loop_create(). */

#include <signal.h>

typedef void signal_handler_t(const siginfo_t *si, void *context);

void lib_signals_init(void);
void lib_signals_deinit(void);
void lib_signals_set_handler(int signo, signal_handler_t *handler,
			     void *context);
void lib_signals_ignore(int signo);

#endif
