/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef MASTER_LOG_H
#define MASTER_LOG_H

/* Where the log goes, by log_path: a file (every process appends to it
   directly), or "syslog" (the default, as in Dovecot): the master logs to
   syslog(3) itself, and its children's stderr is a pipe that the master
   reads and forwards line by line. With -F and log_path = syslog, logs go
   to the terminal instead. */

/* Before daemonizing: opens a log file, or checks nothing for syslog.
   Fatal on failure. */
void master_log_open(const char *log_path, bool foreground);
/* After the ioloop exists: sets up the syslog pipe if log_path asked for
   syslog and the master is not in the foreground. */
void master_log_init(const char *log_path, bool foreground);
/* coveadm log reopen: opens the log file again (after it was rotated), for
   the master and the processes it starts from now on; running processes
   keep the file they had until they end or a reload restarts them. Does
   nothing for syslog. Returns 0, or -1 with error_r. */
int master_log_reopen(const char *log_path, const char **error_r);
/* Forwards what is left in the pipe and closes it. */
void master_log_deinit(void);

#endif
