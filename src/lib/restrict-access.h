/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef RESTRICT_ACCESS_H
#define RESTRICT_ACCESS_H

/* Privilege drops, in one place. The order is fixed: chroot -> chdir("/")
   -> setgroups/initgroups -> setresgid -> setresuid, each checked, then
   verified (getresuid/getresgid and that setuid(0) fails). */

#include <sys/types.h>

struct restrict_access_settings {
	/* Name for initgroups(); NULL means no supplementary groups. */
	const char *username;
	uid_t uid;
	gid_t gid;
	/* Extra supplementary group (e.g. mail_privileged_group), or
	   (gid_t)-1. Kept as a supplementary group. */
	gid_t extra_gid;
	/* Directory to chroot into, or NULL. */
	const char *chroot_dir;
};

/* True if this process has root privileges (effective uid 0). */
bool restrict_access_have_root(void);
/* Permanently drops to set. Returns 0, or -1 with error_r. Not root:
   returns 0 when set->uid/gid are already ours, else -1. */
int restrict_access(const struct restrict_access_settings *set,
		    const char **error_r);
/* Temporarily switches effective uid/gid (and groups, with extra_gid as
   in struct restrict_access_settings) to uid/gid, keeping the real uid
   root so that restrict_access_temp_end() can go back. For LMTP writing
   as the recipient. */
int restrict_access_temp(const char *username, uid_t uid, gid_t gid,
			 gid_t extra_gid, const char **error_r);
int restrict_access_temp_end(const char **error_r);

/* Looks up a system user by name. Returns 1 found, 0 not found, -1 error
   with error_r. */
int restrict_access_lookup_user(const char *name, uid_t *uid_r,
				gid_t *gid_r, const char **error_r);
int restrict_access_lookup_group(const char *name, gid_t *gid_r,
				 const char **error_r);

#endif
