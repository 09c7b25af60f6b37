/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef MASTER_SESSION_H
#define MASTER_SESSION_H

/* The logged-in sessions, for coveadm who and kick. A post-login worker
   (one client per process) writes base_dir/sessions/<pid> once the user
   is logged in and removes it when it ends:

     username TAB protocol TAB remote-ip TAB since TAB start LF

   (tab-escaped values; since: UNIX time of the login; start: the
   process's start time, field 22 of /proc/<pid>/stat). The directory is
   writable by all with the sticky bit, as the workers run as their users
   by then, so the reader trusts a file only if a live process <pid> owned
   by the file's owner has that start time; other files (a crashed
   worker's, a reused pid's, anyone's fakes) are skipped and, when the
   reader may, removed. */

#include "array.h"
#include "net.h"

#define MASTER_SESSIONS_DIR "sessions"

struct master_session {
	pid_t pid;
	const char *username;
	const char *protocol;
	const char *remote_ip;
	time_t since;
};
ARRAY_DEFINE_TYPE(master_session, struct master_session);

/* Writes this process's session file. Returns 0, or -1 with error_r. */
int master_session_publish(const char *base_dir, const char *protocol,
			   const char *username, const struct ip_addr *ip,
			   const char **error_r);
/* Removes the file written by master_session_publish(), if any. */
void master_session_unpublish(void);

/* Appends the live sessions, sorted by pid, to sessions (strings from
   pool). Returns 0, or -1 with error_r. */
int master_session_list(const char *base_dir, pool_t pool,
			ARRAY_TYPE(master_session) *sessions,
			const char **error_r);

#endif
