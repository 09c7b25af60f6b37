/* Copyright (c) Cove authors. See AUTHORS. */
/* Privilege drops: permanent (chroot, groups, gid, uid, then verify) and
   temporary effective-id switches for writing as a mail user. */

#include "lib.h"
#include "restrict-access.h"

#include <grp.h>
#include <pwd.h>

bool restrict_access_have_root(void)
{
	return geteuid() == 0;
}

static int restrict_access_groups(const char *username, gid_t gid,
				  gid_t extra_gid, const char **error_r)
{
	if (username != NULL) {
		/* a user unknown to the system has only its primary group */
		struct passwd *pw = getpwnam(username);

		if (pw != NULL) {
			if (initgroups(username, gid) < 0) {
				*error_r = t_strdup_printf(
					"initgroups(%s, %ld) failed: %m",
					username, (long)gid);
				return -1;
			}
		} else if (setgroups(1, &gid) < 0) {
			*error_r = t_strdup_printf(
				"setgroups(%ld) failed: %m", (long)gid);
			return -1;
		}
	} else if (setgroups(1, &gid) < 0) {
		*error_r = t_strdup_printf("setgroups(%ld) failed: %m",
					   (long)gid);
		return -1;
	}
	if (extra_gid == (gid_t)-1 || extra_gid == gid)
		return 0;

	int count = getgroups(0, NULL);
	if (count < 0) {
		*error_r = t_strdup_printf("getgroups() failed: %m");
		return -1;
	}
	gid_t *groups = t_new(gid_t, (size_t)count + 1);
	count = getgroups(count, groups);
	if (count < 0) {
		*error_r = t_strdup_printf("getgroups() failed: %m");
		return -1;
	}
	groups[count++] = extra_gid;
	if (setgroups((size_t)count, groups) < 0) {
		*error_r = t_strdup_printf("setgroups() failed: %m");
		return -1;
	}
	return 0;
}

static int restrict_access_verify(const struct restrict_access_settings *set,
				  const char **error_r)
{
	uid_t ruid, euid, suid;
	gid_t rgid, egid, sgid;

	if (getresgid(&rgid, &egid, &sgid) < 0 ||
	    getresuid(&ruid, &euid, &suid) < 0) {
		*error_r = t_strdup_printf("getresuid() failed: %m");
		return -1;
	}
	if (rgid != set->gid || egid != set->gid || sgid != set->gid) {
		*error_r = t_strdup_printf("gid drop to %ld did not work",
					   (long)set->gid);
		return -1;
	}
	if (ruid != set->uid || euid != set->uid || suid != set->uid) {
		*error_r = t_strdup_printf("uid drop to %ld did not work",
					   (long)set->uid);
		return -1;
	}
	if (set->uid != 0 && setuid(0) == 0) {
		*error_r = "setuid(0) succeeded after the privilege drop";
		return -1;
	}
	return 0;
}

static int restrict_access_chroot(const char *dir, const char **error_r)
{
	if (chroot(dir) < 0) {
		*error_r = t_strdup_printf("chroot(%s) failed: %m", dir);
		return -1;
	}
	if (chdir("/") < 0) {
		*error_r = t_strdup_printf("chdir(/) failed: %m");
		return -1;
	}
	return 0;
}

int restrict_access(const struct restrict_access_settings *set,
		    const char **error_r)
{
	if (!restrict_access_have_root()) {
		if (set->uid == geteuid() && set->gid == getegid())
			return 0;
		*error_r = t_strdup_printf(
			"Can't switch to uid %ld gid %ld: not running as root",
			(long)set->uid, (long)set->gid);
		return -1;
	}
	if (set->chroot_dir != NULL &&
	    restrict_access_chroot(set->chroot_dir, error_r) < 0)
		return -1;
	if (restrict_access_groups(set->username, set->gid, set->extra_gid,
				   error_r) < 0)
		return -1;
	if (setresgid(set->gid, set->gid, set->gid) < 0) {
		*error_r = t_strdup_printf("setresgid(%ld) failed: %m",
					   (long)set->gid);
		return -1;
	}
	if (setresuid(set->uid, set->uid, set->uid) < 0) {
		*error_r = t_strdup_printf("setresuid(%ld) failed: %m",
					   (long)set->uid);
		return -1;
	}
	return restrict_access_verify(set, error_r);
}

int restrict_access_temp(const char *username, uid_t uid, gid_t gid,
			 gid_t extra_gid, const char **error_r)
{
	if (getuid() != 0) {
		*error_r = "restrict_access_temp(): real uid is not root";
		return -1;
	}
	/* back to root first if a previous switch is still active */
	if (geteuid() != 0 && seteuid(0) < 0) {
		*error_r = t_strdup_printf("seteuid(0) failed: %m");
		return -1;
	}
	if (restrict_access_groups(username, gid, extra_gid, error_r) < 0)
		return -1;
	if (setegid(gid) < 0) {
		*error_r = t_strdup_printf("setegid(%ld) failed: %m",
					   (long)gid);
		return -1;
	}
	if (seteuid(uid) < 0) {
		*error_r = t_strdup_printf("seteuid(%ld) failed: %m",
					   (long)uid);
		return -1;
	}
	return 0;
}

int restrict_access_temp_end(const char **error_r)
{
	gid_t gid = getgid();

	if (seteuid(0) < 0) {
		*error_r = t_strdup_printf("seteuid(0) failed: %m");
		return -1;
	}
	if (setegid(gid) < 0) {
		*error_r = t_strdup_printf("setegid(%ld) failed: %m",
					   (long)gid);
		return -1;
	}
	if (setgroups(1, &gid) < 0) {
		*error_r = t_strdup_printf("setgroups(%ld) failed: %m",
					   (long)gid);
		return -1;
	}
	return 0;
}

int restrict_access_lookup_user(const char *name, uid_t *uid_r,
				gid_t *gid_r, const char **error_r)
{
	struct passwd *pw;

	errno = 0;
	pw = getpwnam(name);
	if (pw == NULL) {
		if (errno == 0 || errno == ENOENT || errno == ESRCH)
			return 0;
		*error_r = t_strdup_printf("getpwnam(%s) failed: %m", name);
		return -1;
	}
	*uid_r = pw->pw_uid;
	*gid_r = pw->pw_gid;
	return 1;
}

int restrict_access_lookup_group(const char *name, gid_t *gid_r,
				 const char **error_r)
{
	struct group *gr;

	errno = 0;
	gr = getgrnam(name);
	if (gr == NULL) {
		if (errno == 0 || errno == ENOENT || errno == ESRCH)
			return 0;
		*error_r = t_strdup_printf("getgrnam(%s) failed: %m", name);
		return -1;
	}
	*gid_r = gr->gr_gid;
	return 1;
}
