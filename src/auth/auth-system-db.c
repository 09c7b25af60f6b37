/* Copyright (c) Cove authors. See AUTHORS. */

/* System user lookups for the passwd, shadow and pam drivers. The
   reentrant NSS calls need a buffer whose size sysconf() only suggests,
   so it grows until the entry fits. */

#include "lib.h"
#include "password-scheme.h"
#include "auth-request.h"
#include "auth-system-db.h"

#include <errno.h>
#include <unistd.h>

#define AUTH_SYSTEM_BUF_INITIAL 1024
/* No sane entry is larger. */
#define AUTH_SYSTEM_BUF_MAX (1024 * 1024)

int auth_system_getpwnam(const char *name, struct passwd *pw_r,
			 const char **error_r)
{
	struct passwd *result;
	size_t size = AUTH_SYSTEM_BUF_INITIAL;
	int err;

	for (;;) {
		char *buf = t_malloc(size);

		err = getpwnam_r(name, pw_r, buf, size, &result);
		if (err != ERANGE || size >= AUTH_SYSTEM_BUF_MAX)
			break;
		size *= 2;
	}
	if (err != 0) {
		*error_r = t_strdup_printf("getpwnam_r(%s) failed: %s", name,
					   strerror(err));
		return -1;
	}
	return result == NULL ? 0 : 1;
}

int auth_system_getspnam(const char *name, struct spwd *sp_r,
			 const char **error_r)
{
	struct spwd *result;
	size_t size = AUTH_SYSTEM_BUF_INITIAL;
	int err;

	for (;;) {
		char *buf = t_malloc(size);

		err = getspnam_r(name, sp_r, buf, size, &result);
		if (err != ERANGE || size >= AUTH_SYSTEM_BUF_MAX)
			break;
		size *= 2;
	}
	if (err == EACCES) {
		*error_r = t_strdup_printf(
			"%s is not readable by uid %ld (auth needs to be in "
			"its group; Cove adds it when a shadow or pam passdb "
			"is configured and the master runs as root)",
			AUTH_SYSTEM_SHADOW_PATH, (long)geteuid());
		return -1;
	}
	if (err != 0 && err != ENOENT) {
		*error_r = t_strdup_printf("getspnam_r(%s) failed: %s", name,
					   strerror(err));
		return -1;
	}
	return result == NULL ? 0 : 1;
}

enum passdb_result
auth_system_verify_hash(struct auth_request *request, const char *driver,
			const char *hash)
{
	const char *error;
	int ret;

	if (hash[0] == '!') {
		auth_request_log_info(request, driver, "Account is locked");
		return PASSDB_RESULT_PASSWORD_MISMATCH;
	}
	if (hash[0] == '\0' || strcmp(hash, "*") == 0 ||
	    strcmp(hash, "x") == 0) {
		auth_request_log_info(request, driver, "%s", hash[0] == 'x' ?
			"The password is in /etc/shadow (use passdb shadow "
			"or pam)" : "Account has no password");
		return PASSDB_RESULT_PASSWORD_MISMATCH;
	}
	ret = password_scheme_verify(request->password, hash, "CRYPT",
				     &error);
	if (ret < 0) {
		auth_request_log_error(request, driver, "%s", error);
		return PASSDB_RESULT_INTERNAL_FAILURE;
	}
	return ret > 0 ? PASSDB_RESULT_OK : PASSDB_RESULT_PASSWORD_MISMATCH;
}
