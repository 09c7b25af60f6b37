/* Copyright (c) Cove authors. See AUTHORS. */

/* userdb driver "static": the same fields for every user, from args
   ("uid=vmail gid=vmail home=/var/vmail/%d/%n"), %-variables expanded.
   Unless allow_all_users=yes, a user exists only if a passdb knows it
   (checked without a password when no authentication preceded). */

#include "lib.h"
#include "str.h"
#include "auth-request.h"
#include "userdb.h"

struct userdb_static {
	/* args without allow_all_users */
	const char *templates;
	bool allow_all_users;
};

static int userdb_static_init(struct userdb_module *module,
			      const char *args, const char **error_r)
{
	struct userdb_static *ctx =
		p_new(module->pool, struct userdb_static, 1);
	const char *const *argv = t_strsplit_spaces(args, " ");
	string_t *templates = t_str_new(128);

	for (; *argv != NULL; argv++) {
		if (strcmp(*argv, "allow_all_users=yes") == 0)
			ctx->allow_all_users = true;
		else if (strcmp(*argv, "allow_all_users=no") == 0)
			ctx->allow_all_users = false;
		else if (str_begins(*argv, "allow_all_users=")) {
			*error_r = t_strdup_printf("static: Invalid %s",
						   *argv);
			return -1;
		} else {
			if (str_len(templates) > 0)
				str_append_c(templates, ' ');
			str_append(templates, *argv);
		}
	}
	ctx->templates = p_strdup(module->pool, str_c(templates));
	module->context = ctx;
	return 0;
}

static void userdb_static_fill(struct userdb_module *module,
			       struct auth_request *request,
			       userdb_callback_t *callback)
{
	struct userdb_static *ctx = module->context;
	const char *error;

	if (auth_field_list_apply(request->userdb_fields, ctx->templates, true,
				  auth_request_get_var_table(request),
				  &error) < 0) {
		auth_request_log_error(request, "static", "%s", error);
		callback(USERDB_RESULT_INTERNAL_FAILURE, request);
		return;
	}
	callback(USERDB_RESULT_OK, request);
}

static void userdb_static_passdb_callback(enum passdb_result result,
					  struct auth_request *request)
{
	struct userdb_module *module = request->userdb;
	userdb_callback_t *callback = request->userdb_driver_callback;

	request->userdb_driver_callback = NULL;
	switch (result) {
	case PASSDB_RESULT_OK:
		userdb_static_fill(module, request, callback);
		break;
	case PASSDB_RESULT_USER_UNKNOWN:
	case PASSDB_RESULT_PASSWORD_MISMATCH:
		callback(USERDB_RESULT_USER_UNKNOWN, request);
		break;
	case PASSDB_RESULT_INTERNAL_FAILURE:
		callback(USERDB_RESULT_INTERNAL_FAILURE, request);
		break;
	}
}

static void userdb_static_lookup(struct userdb_module *module,
				 struct auth_request *request,
				 userdb_callback_t *callback)
{
	struct userdb_static *ctx = module->context;

	if (ctx->allow_all_users || request->passdb_success) {
		userdb_static_fill(module, request, callback);
		return;
	}
	request->userdb_driver_callback = callback;
	auth_request_lookup_passdb(request, userdb_static_passdb_callback);
}

const struct userdb_vfuncs userdb_static = {
	.name = "static",
	.init = userdb_static_init,
	.deinit = NULL,
	.lookup = userdb_static_lookup,
};
