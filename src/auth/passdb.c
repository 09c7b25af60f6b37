/* Copyright (c) Cove authors. See AUTHORS. */

/* The passdb driver registry. */

#include "lib.h"
#include "auth-settings.h"
#include "passdb.h"

static const struct passdb_vfuncs *const passdb_drivers[] = {
	&passdb_pam,
	&passdb_passwd,
	&passdb_passwd_file,
	&passdb_shadow,
};

struct passdb_module *passdb_create(pool_t pool,
				    const struct auth_db_settings *set,
				    const char **error_r)
{
	const struct passdb_vfuncs *driver = NULL;
	struct passdb_module *module;

	for (unsigned int i = 0; i < N_ELEMENTS(passdb_drivers); i++) {
		if (strcmp(passdb_drivers[i]->name, set->driver) == 0)
			driver = passdb_drivers[i];
	}
	if (driver == NULL) {
		*error_r = t_strdup_printf("Unknown passdb driver: %s",
					   set->driver);
		return NULL;
	}
	if (set->default_fields[0] != '\0' ||
	    set->override_fields[0] != '\0') {
		*error_r = t_strdup_printf("passdb %s: default_fields and "
			"override_fields are not supported for passdbs",
			set->driver);
		return NULL;
	}
	module = p_new(pool, struct passdb_module, 1);
	module->v = driver;
	module->set = set;
	module->pool = pool;
	if (driver->init(module, set->args, error_r) < 0)
		return NULL;
	return module;
}

void passdb_destroy(struct passdb_module **_module)
{
	struct passdb_module *module = *_module;

	*_module = NULL;
	if (module->v->deinit != NULL)
		module->v->deinit(module);
}
