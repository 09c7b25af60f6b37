/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef AUTH_SYSTEM_DB_H
#define AUTH_SYSTEM_DB_H

/* The system user databases (/etc/passwd and /etc/shadow through NSS)
   for the passwd, shadow and pam drivers: lookups with their own
   buffers, and checking a crypt(3) hash from them. */

#include "passdb.h"

#include <pwd.h>
#include <shadow.h>

/* The file whose readability decides whether shadow lookups work. */
#define AUTH_SYSTEM_SHADOW_PATH "/etc/shadow"

/* Look up name; the strings point to the temporary frame. Return 1
   found, 0 no such user, -1 with error_r. */
int auth_system_getpwnam(const char *name, struct passwd *pw_r,
			 const char **error_r);
int auth_system_getspnam(const char *name, struct spwd *sp_r,
			 const char **error_r);

/* Checks request->password against a system hash ("!..." locked, "*" or
   "" no password, else crypt(3)), logging why a locked or passwordless
   account never matches. */
enum passdb_result
auth_system_verify_hash(struct auth_request *request, const char *driver,
			const char *hash);

#endif
