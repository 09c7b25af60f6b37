/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef AUTH_COOKIE_H
#define AUTH_COOKIE_H

/* Login cookies: after a successful login on the login socket, auth
   stores the user's userdb reply under a random 128-bit cookie (hex) and
   gives the cookie to the login process. The post-login worker trades it
   over the auth-master socket for the reply, exactly once, within
   AUTH_COOKIE_EXPIRE_SECS. */

#include <time.h>

#include "auth-field-list.h"

#define AUTH_COOKIE_HEX_LEN 32
#define AUTH_COOKIE_EXPIRE_SECS 60
/* Most cookies outstanding at once; more logins fail temporarily. */
#define AUTH_COOKIE_MAX_COUNT 100000

struct auth_cookies;

struct auth_cookies *auth_cookies_create(void);
void auth_cookies_destroy(struct auth_cookies **cookies);

/* Stores a copy of user and fields, valid until now + expiry. Returns the
   cookie as 32 hex digits (temporary frame), or NULL if too many cookies
   are outstanding. */
const char *auth_cookies_add(struct auth_cookies *cookies, const char *user,
			     const struct auth_field_list *fields,
			     time_t now);
/* Removes the cookie and copies its user and fields into pool. Returns 1,
   or 0 if the cookie is unknown, already used or expired. */
int auth_cookies_take(struct auth_cookies *cookies, const char *cookie,
		      time_t now, pool_t pool, const char **user_r,
		      struct auth_field_list **fields_r);
unsigned int auth_cookies_count(const struct auth_cookies *cookies);

#endif
