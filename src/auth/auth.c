/* Copyright (c) Cove authors. See AUTHORS. */

/* Builds the auth process's state from its settings. */

#include "lib.h"
#include "array.h"
#include "mech.h"
#include "passdb.h"
#include "userdb.h"
#include "auth-cache.h"
#include "auth-cookie.h"
#include "auth-penalty.h"
#include "auth.h"

#include <strings.h>

static int auth_init_mechs(struct auth *auth, const char **error_r)
{
	const char *const *names;
	const struct mech_module *mech;

	names = t_strsplit_spaces(auth->set->auth_mechanisms, " ,");
	for (; *names != NULL; names++) {
		mech = mech_module_find(*names);
		if (mech == NULL) {
			*error_r = t_strdup_printf(
				"Unknown authentication mechanism in "
				"auth_mechanisms: %s", *names);
			return -1;
		}
		if (auth_find_mech(auth, mech->name) == NULL)
			array_push_back(&auth->mechs, &mech);
	}
	if (array_is_empty(&auth->mechs)) {
		*error_r = "auth_mechanisms is empty";
		return -1;
	}
	return 0;
}

static int auth_init_dbs(struct auth *auth, const char **error_r)
{
	struct passdb_module *passdb;
	struct userdb_module *userdb;
	const char *error;

	if (array_is_created(&auth->set->passdbs)) {
		array_foreach(&auth->set->passdbs, set) {
			passdb = passdb_create(auth->pool, *set, &error);
			if (passdb == NULL) {
				*error_r = t_strdup_printf("passdb: %s", error);
				return -1;
			}
			array_push_back(&auth->passdbs, &passdb);
		}
	}
	if (array_is_created(&auth->set->userdbs)) {
		array_foreach(&auth->set->userdbs, set) {
			userdb = userdb_create(auth->pool, *set, &error);
			if (userdb == NULL) {
				*error_r = t_strdup_printf("userdb: %s", error);
				return -1;
			}
			array_push_back(&auth->userdbs, &userdb);
		}
	}
	if (array_is_empty(&auth->passdbs)) {
		*error_r = "No passdbs specified in configuration file. "
			"At least one is needed.";
		return -1;
	}
	if (array_is_empty(&auth->userdbs)) {
		*error_r = "No userdbs specified in configuration file. "
			"At least one is needed.";
		return -1;
	}
	return 0;
}

/* One warning per mechanism and passdb that cannot work together: the
   mechanism fails for every user of that passdb. */
static void auth_warn_credentials(struct auth *auth)
{
	array_foreach(&auth->mechs, mech) {
		if (!(*mech)->needs_credentials)
			continue;
		array_foreach(&auth->passdbs, passdb) {
			if ((*passdb)->v->stores_credentials)
				continue;
			i_warning("auth_mechanisms: %s needs the password in "
				  "plaintext or in its own scheme, which "
				  "passdb %s cannot give: it fails for that "
				  "passdb's users", (*mech)->name,
				  (*passdb)->v->name);
		}
	}
}

int auth_init(const struct auth_settings *set, struct auth **auth_r,
	      const char **error_r)
{
	pool_t pool = pool_alloconly_create("auth", 2048);
	struct auth *auth = p_new(pool, struct auth, 1);

	auth->pool = pool;
	auth->set = set;
	p_array_init(&auth->passdbs, pool, 4);
	p_array_init(&auth->userdbs, pool, 4);
	p_array_init(&auth->mechs, pool, 4);
	auth->cookies = auth_cookies_create();
	auth->penalty = auth_penalty_create();
	if (set->auth_cache_size > 0) {
		auth->cache = auth_cache_create(set->auth_cache_size,
						set->auth_cache_ttl,
						set->auth_cache_negative_ttl);
	}
	if (auth_init_mechs(auth, error_r) < 0 ||
	    auth_init_dbs(auth, error_r) < 0) {
		auth_deinit(&auth);
		return -1;
	}
	auth_warn_credentials(auth);
	*auth_r = auth;
	return 0;
}

bool auth_reads_shadow(const struct auth *auth)
{
	array_foreach(&auth->passdbs, passdb) {
		if ((*passdb)->v->reads_shadow)
			return true;
	}
	return false;
}

void auth_deinit(struct auth **_auth)
{
	struct auth *auth = *_auth;
	pool_t pool = auth->pool;

	*_auth = NULL;
	array_foreach_modifiable(&auth->passdbs, passdb)
		passdb_destroy(passdb);
	array_foreach_modifiable(&auth->userdbs, userdb)
		userdb_destroy(userdb);
	auth_cookies_destroy(&auth->cookies);
	auth_penalty_destroy(&auth->penalty);
	if (auth->cache != NULL)
		auth_cache_destroy(&auth->cache);
	/* auth itself is in the pool */
	pool_unref(&pool);
}

const struct mech_module *auth_find_mech(const struct auth *auth,
					 const char *name)
{
	array_foreach(&auth->mechs, mech) {
		if (strcasecmp((*mech)->name, name) == 0)
			return *mech;
	}
	return NULL;
}
