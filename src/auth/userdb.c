/* Copyright (c) Cove authors. See AUTHORS. */

/* The userdb driver registry, and what every userdb result gets after
   its driver: the section's default_fields/override_fields, and uid/gid
   given as names turned into numbers (the auth-master protocol carries
   numbers). */

#include "lib.h"
#include "restrict-access.h"
#include "auth-settings.h"
#include "auth-request.h"
#include "userdb.h"

static const struct userdb_vfuncs *const userdb_drivers[] = {
	&userdb_passwd,
	&userdb_passwd_file,
	&userdb_static,
};

struct userdb_module *userdb_create(pool_t pool,
				    const struct auth_db_settings *set,
				    const char **error_r)
{
	const struct userdb_vfuncs *driver = NULL;
	struct userdb_module *module;

	for (unsigned int i = 0; i < N_ELEMENTS(userdb_drivers); i++) {
		if (strcmp(userdb_drivers[i]->name, set->driver) == 0) {
			driver = userdb_drivers[i];
			break;
		}
	}
	if (driver == NULL) {
		*error_r = t_strdup_printf("Unknown userdb driver: %s",
					   set->driver);
		return NULL;
	}
	module = p_new(pool, struct userdb_module, 1);
	module->v = driver;
	module->set = set;
	module->pool = pool;
	if (driver->init(module, set->args, error_r) < 0)
		return NULL;
	return module;
}

void userdb_destroy(struct userdb_module **_module)
{
	struct userdb_module *module = *_module;

	*_module = NULL;
	if (module->v->deinit != NULL)
		module->v->deinit(module);
}

/* Replaces a uid or gid name in field key with its number. */
static int userdb_resolve_id(struct auth_field_list *fields, const char *key,
			     const char **error_r)
{
	const char *value = auth_field_list_get(fields, key);
	unsigned int num;
	uid_t uid;
	gid_t gid;
	int ret;

	if (value == NULL || str_to_uint(value, &num) == 0)
		return 0;
	if (strcmp(key, "uid") == 0) {
		ret = restrict_access_lookup_user(value, &uid, &gid, error_r);
		num = uid;
	} else {
		ret = restrict_access_lookup_group(value, &gid, error_r);
		num = gid;
	}
	if (ret == 0) {
		*error_r = t_strdup_printf("Unknown %s %s",
			strcmp(key, "uid") == 0 ? "user" : "group", value);
	}
	if (ret <= 0)
		return -1;
	auth_field_list_set(fields, key, t_strdup_printf("%u", num));
	return 0;
}

int userdb_finish_fields(struct userdb_module *module,
			 struct auth_request *request, const char **error_r)
{
	const struct var_expand_table *table =
		auth_request_get_var_table(request);

	if (auth_field_list_apply(request->userdb_fields,
				  module->set->default_fields, false, table,
				  error_r) < 0 ||
	    auth_field_list_apply(request->userdb_fields,
				  module->set->override_fields, true, table,
				  error_r) < 0)
		return -1;
	if (userdb_resolve_id(request->userdb_fields, "uid", error_r) < 0 ||
	    userdb_resolve_id(request->userdb_fields, "gid", error_r) < 0)
		return -1;
	return 0;
}
