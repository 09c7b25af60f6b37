/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef MAIL_USER_LOGIN_H
#define MAIL_USER_LOGIN_H

/* Becoming the logged-in user in a post-login worker (imap, pop3): trade
   the login cookie for the userdb fields, drop privileges to the user's
   uid/gid (checked against first_valid_uid and friends; skipped with a
   log line when not running as root), then open the mail user. */

#include "mempool.h"

struct login_handoff;
struct mail_user;
struct mail_storage_settings;
struct auth_user_reply;
struct restrict_access_settings;

/* How long a worker waits for the login process's handoff record. */
#define MAIL_USER_LOGIN_HANDOFF_TIMEOUT_MSECS 5000

/* Fills rset's uid, gid and extra_gid from the userdb reply, else from
   mail_uid / mail_gid, and rset->username from its system_groups_user
   field (NULL without it: no supplementary groups), and checks them
   against uid 0 and first/last_valid_uid/gid (lmtp and cove-deliver use
   it too). Returns 0, or -1 with error_r. */
int mail_user_login_get_ids(const struct auth_user_reply *reply,
			    const struct mail_storage_settings *set,
			    struct restrict_access_settings *rset,
			    const char **error_r);

/* base_dir holds the auth-master socket. Returns 0 with user_r (the
   caller deinits it), or -1 with error_r (for the log, not for the
   client). */
int mail_user_login(const struct login_handoff *handoff,
		    const char *base_dir,
		    const struct mail_storage_settings *set,
		    struct mail_user **user_r, const char **error_r);

/* For coveadm's mail commands: looks username up in the userdb over
   base_dir's auth-master socket, drops to the user's uid and gid for good
   (when root) and creates the mail user. Returns 1 with user_r, 0 if the
   user does not exist, -1 with error_r. */
int mail_user_login_by_name(const char *base_dir, const char *username,
			    const char *service,
			    const struct mail_storage_settings *set,
			    struct mail_user **user_r, const char **error_r);

/* The whole start of a worker's session: receives the handoff record
   from login_fd (into pool), answers it and closes login_fd, then does
   mail_user_login(). Returns 1 with client_fd_r, handoff_r and user_r; 0
   if the handoff failed or mail_max_userip_connections refused the
   session (the login process tells the client; no client fd: error_r is
   for the log); -1 if the login failed after the client fd was received
   (client_fd_r is set: the caller tells the client and closes it;
   error_r is for the log). */
int mail_user_login_handoff(int login_fd, pool_t pool, const char *base_dir,
			    const struct mail_storage_settings *set,
			    struct login_handoff *handoff_r, int *client_fd_r,
			    struct mail_user **user_r, const char **error_r);

#endif
