/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef AUTH_H
#define AUTH_H

/* The auth process's configured state: settings, the passdbs and userdbs
   in config order, the enabled mechanisms, and the login cookies. */

#include "array.h"
#include "auth-settings.h"

struct mech_module;
struct passdb_module;
struct userdb_module;

struct auth {
	pool_t pool;
	const struct auth_settings *set;
	ARRAY(struct passdb_module *) passdbs;
	ARRAY(struct userdb_module *) userdbs;
	ARRAY(const struct mech_module *) mechs;
	struct auth_cookies *cookies;
	struct auth_penalty *penalty;
	/* NULL when auth_cache_size is 0 */
	struct auth_cache *cache;
};

/* Creates the passdbs, userdbs and mechanisms that set names. Returns 0,
   or -1 with error_r for an unknown driver or mechanism or bad args. */
int auth_init(const struct auth_settings *set, struct auth **auth_r,
	      const char **error_r);
void auth_deinit(struct auth **auth);
/* True if a passdb reads /etc/shadow (shadow, pam). */
bool auth_reads_shadow(const struct auth *auth);

/* Returns the enabled mechanism called name (case-insensitive), or
   NULL. */
const struct mech_module *auth_find_mech(const struct auth *auth,
					 const char *name);

#endif
