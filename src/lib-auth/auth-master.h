/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef AUTH_MASTER_H
#define AUTH_MASTER_H

/* Client of Cove's auth-master protocol (doc/auth-protocols.md), used by the
   post-login workers, lmtp, cove-deliver and coveadm. Blocking
   request/response over the auth-master unix socket; each call connects,
   asks, and disconnects, bounded by a timeout.

     C: VERSION\t1\t0
     C: REQUEST\tID\tCOOKIE          -> trade a login cookie for the user
     C: USER\tID\tNAME\tservice=S   -> userdb lookup
     C: PASS\tID\tNAME\tservice=S   -> passdb lookup (auth-master only)
     C: LIST\tID\tuser=MASK         -> LIST\tID\tNAME lines, then DONE\tID
     C: CACHE-FLUSH\tID[\tNAME]      -> OK\tID\tCOUNT
     S: USER\tID\tNAME\tuid=..\tgid=..\thome=..[\tmail=..][\tk=v...]
     S: PASS\tID\tNAME[\tk=v...]
     S: NOTFOUND\tID
     S: FAIL\tID\treason=...                                           */

#include <sys/types.h>

struct auth_user_reply {
	const char *username;
	/* (uid_t)-1 / (gid_t)-1 when the userdb gave none */
	uid_t uid;
	gid_t gid;
	const char *home;	/* NULL if none */
	const char *mail;	/* mail_location override, or NULL */
	/* every field as "key=value", NULL-terminated */
	const char *const *fields;
};

/* Returns 1 and fills reply_r (from pool) on success, 0 if the cookie is
   unknown or expired (or the user does not exist), -1 on a temporary
   failure with error_r. */
int auth_master_cookie_lookup(const char *socket_path, const char *cookie,
			      pool_t pool, struct auth_user_reply *reply_r,
			      const char **error_r);
int auth_master_user_lookup(const char *socket_path, const char *username,
			    const char *service, pool_t pool,
			    struct auth_user_reply *reply_r,
			    const char **error_r);

/* Whether a passdb knows username (the user name it maps to in
   reply_r->username; the stored password is never sent). Same returns as
   auth_master_user_lookup(). coveadm auth lookup uses it. */
int auth_master_pass_lookup(const char *socket_path, const char *username,
			    const char *service, pool_t pool,
			    struct auth_user_reply *reply_r,
			    const char **error_r);

/* The users of the userdbs that can list them (passwd-file) whose names
   match the shell-style mask ("*", "u?", "*@example.org"), as a
   NULL-terminated array from pool. Returns 0, or -1 with error_r. */
int auth_master_user_list(const char *socket_path, const char *mask,
			  pool_t pool, const char *const **users_r,
			  const char **error_r);

/* Drops the auth cache's entries about username (NULL: all of them);
   *count_r is the number dropped (0 also when there is no cache).
   Returns 0, or -1 with error_r. */
int auth_master_cache_flush(const char *socket_path, const char *username,
			    unsigned int *count_r, const char **error_r);

#endif
