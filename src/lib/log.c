/* Copyright (c) Cove authors. See AUTHORS. */
/* Logging: formats one line per message and writes it with one write(2)
   to stderr, so that lines from many processes sharing the log never
   interleave. */

#include "lib.h"

#include <fcntl.h>
#include <syslog.h>
#include <time.h>

/* A log line longer than this is truncated (the write stays atomic). */
#define LOG_LINE_MAX 8192

static char *log_name;
static char *log_user;
static bool log_debug;
static log_fatal_hook_t *log_fatal_hook;
static bool log_syslog;

static const char *const log_type_names[] = {
	[LOG_TYPE_DEBUG] = "Debug",
	[LOG_TYPE_INFO] = "Info",
	[LOG_TYPE_WARNING] = "Warning",
	[LOG_TYPE_ERROR] = "Error",
	[LOG_TYPE_FATAL] = "Fatal",
	[LOG_TYPE_PANIC] = "Panic",
};

static char *log_strdup(const char *str)
{
	/* plain strdup: logging must work before and after lib_init() */
	char *ret = str == NULL ? NULL : strdup(str);

	if (str != NULL && ret == NULL)
		abort();
	return ret;
}

void log_init(const char *process_name)
{
	free(log_name);
	log_name = log_strdup(process_name);
}

void log_deinit(void)
{
	free(log_name);
	free(log_user);
	log_name = NULL;
	log_user = NULL;
}

void log_set_user(const char *user)
{
	free(log_user);
	log_user = log_strdup(user);
}

void log_set_debug(bool enable)
{
	log_debug = enable;
}

bool log_is_debug(void)
{
	return log_debug;
}

void log_set_fatal_hook(log_fatal_hook_t *hook)
{
	log_fatal_hook = hook;
}

int log_open_file(const char *path, const char **error_r)
{
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);

	if (fd == -1) {
		*error_r = t_strdup_printf("open(%s) failed: %m", path);
		return -1;
	}
	if (fd != STDERR_FILENO) {
		if (dup2(fd, STDERR_FILENO) < 0) {
			*error_r = t_strdup_printf("dup2(%s) failed: %m", path);
			close(fd);
			return -1;
		}
		close(fd);
	}
	return 0;
}

static const int log_syslog_priorities[] = {
	[LOG_TYPE_DEBUG] = LOG_DEBUG,
	[LOG_TYPE_INFO] = LOG_INFO,
	[LOG_TYPE_WARNING] = LOG_WARNING,
	[LOG_TYPE_ERROR] = LOG_ERR,
	[LOG_TYPE_FATAL] = LOG_CRIT,
	[LOG_TYPE_PANIC] = LOG_CRIT,
};

void log_set_syslog(bool enable)
{
	if (enable && !log_syslog)
		openlog("cove", LOG_NDELAY, LOG_MAIL);
	else if (!enable && log_syslog)
		closelog();
	log_syslog = enable;
}

void log_syslog_forward(const char *line)
{
	int priority = LOG_INFO;
	const char *p;

	/* "YYYY-MM-DD HH:MM:SS " is syslog's job */
	if (strlen(line) > 20 && line[4] == '-' && line[13] == ':' &&
	    line[19] == ' ')
		line += 20;
	/* after "name: " or "name(user)<pid>: " */
	p = strstr(line, ": ");
	if (p != NULL) {
		p += 2;
		for (unsigned int i = 0; i < N_ELEMENTS(log_type_names); i++) {
			size_t len = strlen(log_type_names[i]);

			if (strncmp(p, log_type_names[i], len) == 0 &&
			    p[len] == ':') {
				priority = log_syslog_priorities[i];
				break;
			}
		}
	}
	syslog(priority, "%s", line);
}

static size_t log_format_prefix(char *buf, size_t size, enum log_type type)
{
	struct tm tm;
	time_t now = time(NULL);
	size_t len = 0;
	int ret;

	if (!log_syslog) {
		if (localtime_r(&now, &tm) == NULL)
			memset(&tm, 0, sizeof(tm));
		len = strftime(buf, size, "%Y-%m-%d %H:%M:%S ", &tm);
	}
	const char *name = log_name != NULL ? log_name : "cove";
	if (log_user != NULL) {
		ret = snprintf(buf + len, size - len, "%s(%s)<%ld>: %s: ",
			       name, log_user, (long)getpid(),
			       log_type_names[type]);
	} else {
		/* Dovecot's form for processes without a user, which log
		   readers such as fail2ban's filters expect */
		ret = snprintf(buf + len, size - len, "%s: %s: ",
			       name, log_type_names[type]);
	}
	if (ret < 0)
		return len;
	return I_MIN(len + (size_t)ret, size - 1);
}

static void ATTR_FORMAT(2, 0)
log_write_line(enum log_type type, const char *fmt, va_list args)
{
	char line[LOG_LINE_MAX];
	int saved_errno = errno;
	size_t len;
	ssize_t ret;
	int fret;

	len = log_format_prefix(line, sizeof(line) - 1, type);
	errno = saved_errno;
	fret = vsnprintf(line + len, sizeof(line) - 1 - len, fmt, args);
	if (fret > 0)
		len = I_MIN(len + (size_t)fret, sizeof(line) - 2);
	if (log_syslog) {
		line[len] = '\0';
		syslog(log_syslog_priorities[type], "%s", line);
		errno = saved_errno;
		return;
	}
	line[len++] = '\n';
	do {
		ret = write(STDERR_FILENO, line, len);
	} while (ret < 0 && errno == EINTR);
	errno = saved_errno;
}

static void ATTR_FORMAT(2, 0)
log_call_fatal_hook(enum log_type type, const char *fmt, va_list args)
{
	char msg[LOG_LINE_MAX];

	if (log_fatal_hook == NULL)
		return;
	if (vsnprintf(msg, sizeof(msg), fmt, args) < 0)
		msg[0] = '\0';
	log_fatal_hook(type, msg);
}

void log_vmessage(enum log_type type, const char *fmt, va_list args)
{
	va_list args2;

	if (type == LOG_TYPE_DEBUG && !log_debug)
		return;
	if (type >= LOG_TYPE_FATAL) {
		int saved_errno = errno;

		va_copy(args2, args);
		log_call_fatal_hook(type, fmt, args2);
		va_end(args2);
		errno = saved_errno;
	}
	log_write_line(type, fmt, args);
}

void log_message(enum log_type type, const char *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	log_vmessage(type, fmt, args);
	va_end(args);
}

#define LOG_FUNC(func, type) \
	void func(const char *fmt, ...) \
	{ \
		va_list args; \
		va_start(args, fmt); \
		log_vmessage(type, fmt, args); \
		va_end(args); \
	}
LOG_FUNC(i_debug, LOG_TYPE_DEBUG)
LOG_FUNC(i_info, LOG_TYPE_INFO)
LOG_FUNC(i_warning, LOG_TYPE_WARNING)
LOG_FUNC(i_error, LOG_TYPE_ERROR)

void i_fatal(const char *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	log_vmessage(LOG_TYPE_FATAL, fmt, args);
	va_end(args);
	exit(FATAL_DEFAULT);
}

void i_fatal_status(int status, const char *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	log_vmessage(LOG_TYPE_FATAL, fmt, args);
	va_end(args);
	exit(status);
}

void i_panic(const char *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	log_vmessage(LOG_TYPE_PANIC, fmt, args);
	va_end(args);
	abort();
}
