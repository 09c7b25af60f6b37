/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef LOG_H
#define LOG_H

/* Logging. Every line is written with one write(2) to stderr (the master
   points every child's stderr at log_path, or the terminal with -F) as:
     2026-11-23 17:10:00 imap(alice)<1234>: Error: message
     2026-11-23 17:10:00 imap-login: Info: message
   as Dovecot writes them: the process name, and the user and pid for
   processes that serve one user (log_init() / log_set_user()). */

#include <stdarg.h>

enum log_type {
	LOG_TYPE_DEBUG,
	LOG_TYPE_INFO,
	LOG_TYPE_WARNING,
	LOG_TYPE_ERROR,
	LOG_TYPE_FATAL,
	LOG_TYPE_PANIC,
};

/* Exit status of i_fatal(): the master logs it and restarts with back-off. */
#define FATAL_DEFAULT 89

/* Sets the process name shown in every line ("imap", "lmtp", "master"). */
void log_init(const char *process_name);
/* Sets (or clears with NULL) the user shown as "imap(alice)". */
void log_set_user(const char *user);
/* Enables i_debug() output. Off by default. */
void log_set_debug(bool enable);
bool log_is_debug(void);
/* Sends this process's own lines to syslog(3) (facility mail) instead of
   stderr; for the master when log_path = syslog. The master forwards its
   children's stderr lines with log_syslog_forward(). */
void log_set_syslog(bool enable);
/* Sends one line in this log's format (with or without the timestamp)
   to syslog, with the priority its "Type:" names. */
void log_syslog_forward(const char *line);
/* Opens path for appending and makes it this process's stderr, so that
   children inherit it. Returns 0, or -1 with error_r set. */
int log_open_file(const char *path, const char **error_r);

/* Frees what log_init() allocated (lib_deinit() calls it). */
void log_deinit(void);

/* Called by i_panic() and i_fatal() with the formatted message before
   anything is logged. A hook that returns lets the process log and
   abort/exit as usual; the unit-test harness longjmp()s out instead. */
typedef void log_fatal_hook_t(enum log_type type, const char *message);
void log_set_fatal_hook(log_fatal_hook_t *hook);

void log_message(enum log_type type, const char *fmt, ...) ATTR_FORMAT(2, 3);
void log_vmessage(enum log_type type, const char *fmt, va_list args)
	ATTR_FORMAT(2, 0);

void i_debug(const char *fmt, ...) ATTR_FORMAT(1, 2);
void i_info(const char *fmt, ...) ATTR_FORMAT(1, 2);
void i_warning(const char *fmt, ...) ATTR_FORMAT(1, 2);
void i_error(const char *fmt, ...) ATTR_FORMAT(1, 2);
/* For startup and configuration failures only: logs and exits with
   FATAL_DEFAULT (or status). */
void i_fatal(const char *fmt, ...) ATTR_FORMAT(1, 2) ATTR_NORETURN;
void i_fatal_status(int status, const char *fmt, ...)
	ATTR_FORMAT(2, 3) ATTR_NORETURN;
/* Broken internal invariant: logs and abort()s. */
void i_panic(const char *fmt, ...) ATTR_FORMAT(1, 2) ATTR_NORETURN;

#endif
