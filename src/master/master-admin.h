/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef MASTER_ADMIN_H
#define MASTER_ADMIN_H

/* The master's admin socket (base_dir/admin, mode 0600): coveadm sends one
   command line and gets one reply line.

     C: STOP\n      S: OK\n                      (then the master stops)
     C: RELOAD\n    S: OK\n | FAIL\t<error>\n
     C: LOG-REOPEN\n S: OK\n | FAIL\t<error>\n

   Unknown commands get "FAIL\tUnknown command". Documented in
   doc/protocols.md. */

struct master_admin_callbacks {
	void (*stop)(void);
	/* Returns 0, or -1 with error_r. */
	int (*reload)(const char **error_r);
	/* Returns 0, or -1 with error_r. */
	int (*log_reopen)(const char **error_r);
};

/* Listens on path (replacing a stale socket). Returns 0, or -1 with
   error_r. */
int master_admin_init(const char *path,
		      const struct master_admin_callbacks *callbacks,
		      const char **error_r);
void master_admin_deinit(void);

#endif
