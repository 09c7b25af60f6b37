/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef IMAP_USER_H
#define IMAP_USER_H

/* Becoming the logged-in user: trade the login cookie for the userdb
   fields, drop privileges to the user's uid/gid, open the mail user. */

struct login_handoff;
struct mail_user;
struct mail_storage_settings;

/* base_dir holds the auth-master socket. Returns 0 with user_r, or -1
   with error_r (for the log, not for the client). */
int imap_user_login(const struct login_handoff *handoff,
		    const char *base_dir,
		    const struct mail_storage_settings *set,
		    struct mail_user **user_r, const char **error_r);

#endif
