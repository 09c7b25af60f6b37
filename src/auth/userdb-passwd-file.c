/* Copyright (c) Cove authors. See AUTHORS. */

/* userdb driver "passwd-file": uid, gid and home from the user's line,
   plus its userdb_* extra fields. args: "[username_format=FORMAT] /path"
   (scheme= is accepted and ignored, so passdb args can be copied). */

#include "lib.h"
#include "auth-request.h"
#include "passwd-file.h"
#include "userdb.h"

static int userdb_passwd_file_init(struct userdb_module *module,
				   const char *args, const char **error_r)
{
	struct passwd_file_db *db = p_new(module->pool, struct passwd_file_db, 1);

	if (passwd_file_db_init(module->pool, args, db, error_r) < 0)
		return -1;
	module->context = db;
	return 0;
}

static void userdb_passwd_file_deinit(struct userdb_module *module)
{
	passwd_file_db_deinit(module->context);
}

static void userdb_set_nonempty(struct auth_field_list *fields,
				const char *key, const char *value)
{
	if (value[0] != '\0')
		auth_field_list_set(fields, key, value);
}

static void userdb_passwd_file_lookup(struct userdb_module *module,
				      struct auth_request *request,
				      userdb_callback_t *callback)
{
	const struct passwd_file_entry *entry;
	const char *error;
	int ret;

	ret = passwd_file_db_lookup(module->context,
				    auth_request_get_var_table(request),
				    &entry, &error);
	if (ret < 0) {
		auth_request_log_error(request, "passwd-file", "%s", error);
		callback(USERDB_RESULT_INTERNAL_FAILURE, request);
		return;
	}
	if (ret == 0) {
		callback(USERDB_RESULT_USER_UNKNOWN, request);
		return;
	}
	userdb_set_nonempty(request->userdb_fields, "uid", entry->uid);
	userdb_set_nonempty(request->userdb_fields, "gid", entry->gid);
	userdb_set_nonempty(request->userdb_fields, "home", entry->home);
	auth_field_list_merge(request->userdb_fields, entry->userdb_fields);
	callback(USERDB_RESULT_OK, request);
}

static int userdb_passwd_file_iterate(struct userdb_module *module,
				      userdb_iter_callback_t *callback,
				      void *context, const char **error_r)
{
	struct passwd_file_db *db = module->context;

	return passwd_file_iterate(db->file, callback, context, error_r);
}

const struct userdb_vfuncs userdb_passwd_file = {
	.name = "passwd-file",
	.init = userdb_passwd_file_init,
	.deinit = userdb_passwd_file_deinit,
	.lookup = userdb_passwd_file_lookup,
	.iterate = userdb_passwd_file_iterate,
};
