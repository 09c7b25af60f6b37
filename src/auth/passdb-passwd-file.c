/* Copyright (c) Cove authors. See AUTHORS. */

/* passdb driver "passwd-file": args "[scheme=SCHEME]
   [username_format=FORMAT] /path". A password without a {SCHEME} prefix
   uses scheme= (default CRYPT). The extra fields nopassword, allow_nets
   and nologin apply (passdb-fields.h). */

#include "lib.h"
#include "password-scheme.h"
#include "auth-request.h"
#include "passwd-file.h"
#include "passdb.h"
#include "passdb-fields.h"

#define PASSDB_PASSWD_FILE_NAME "passwd-file"

struct passdb_passwd_file {
	struct passwd_file_db db;
	const char *default_scheme;
};

static int passdb_passwd_file_init(struct passdb_module *module,
				   const char *args, const char **error_r)
{
	struct passdb_passwd_file *ctx;

	ctx = p_new(module->pool, struct passdb_passwd_file, 1);
	if (passwd_file_db_init(module->pool, args, &ctx->db, error_r) < 0)
		return -1;
	ctx->default_scheme = ctx->db.scheme != NULL ? ctx->db.scheme :
		PASSWORD_SCHEME_DEFAULT;
	module->context = ctx;
	return 0;
}

static void passdb_passwd_file_deinit(struct passdb_module *module)
{
	struct passdb_passwd_file *ctx = module->context;

	passwd_file_db_deinit(&ctx->db);
}

/* Finds the user's entry: PASSDB_RESULT_OK with *entry_r, or
   USER_UNKNOWN or INTERNAL_FAILURE (logged). */
static enum passdb_result
passdb_passwd_file_find(struct passdb_passwd_file *ctx,
			struct auth_request *request,
			const struct passwd_file_entry **entry_r)
{
	const char *error;
	int ret;

	ret = passwd_file_db_lookup(&ctx->db,
				    auth_request_get_var_table(request),
				    entry_r, &error);
	if (ret < 0) {
		auth_request_log_error(request, PASSDB_PASSWD_FILE_NAME,
				       "%s", error);
		return PASSDB_RESULT_INTERNAL_FAILURE;
	}
	return ret == 0 ? PASSDB_RESULT_USER_UNKNOWN : PASSDB_RESULT_OK;
}

static void passdb_passwd_file_verify(struct passdb_module *module,
				      struct auth_request *request,
				      passdb_callback_t *callback)
{
	struct passdb_passwd_file *ctx = module->context;
	const struct passwd_file_entry *entry;
	enum passdb_result result;
	const char *error;
	int ret;

	result = passdb_passwd_file_find(ctx, request, &entry);
	if (result != PASSDB_RESULT_OK) {
		callback(result, request);
		return;
	}
	if (passdb_fields_nopassword(entry->passdb_fields)) {
		/* any password is accepted */
	} else if (entry->password[0] == '\0') {
		/* an empty field never matches */
		result = PASSDB_RESULT_PASSWORD_MISMATCH;
	} else {
		ret = password_scheme_verify(request->password,
					     entry->password,
					     ctx->default_scheme, &error);
		if (ret < 0) {
			auth_request_log_error(request,
				PASSDB_PASSWD_FILE_NAME,
				"Invalid password in %s: %s",
				passwd_file_get_path(ctx->db.file), error);
			result = PASSDB_RESULT_INTERNAL_FAILURE;
		} else if (ret == 0) {
			result = PASSDB_RESULT_PASSWORD_MISMATCH;
		}
	}
	callback(passdb_fields_apply(request, PASSDB_PASSWD_FILE_NAME,
				     entry->passdb_fields, result), request);
}

static void passdb_passwd_file_lookup(struct passdb_module *module,
				      struct auth_request *request,
				      passdb_callback_t *callback)
{
	const struct passwd_file_entry *entry;

	callback(passdb_passwd_file_find(module->context, request, &entry),
		 request);
}

static void
passdb_passwd_file_lookup_credentials(struct passdb_module *module,
				      struct auth_request *request,
				      passdb_callback_t *callback)
{
	struct passdb_passwd_file *ctx = module->context;
	const struct passwd_file_entry *entry;
	enum passdb_result result;
	const char *scheme, *password;

	result = passdb_passwd_file_find(ctx, request, &entry);
	if (result == PASSDB_RESULT_OK && entry->password[0] != '\0') {
		scheme = password_scheme_split(entry->password, &password);
		if (scheme == NULL)
			scheme = ctx->default_scheme;
		request->passdb_password = p_strconcat(request->pool, "{",
			scheme, "}", password, NULL);
	}
	callback(result, request);
}

const struct passdb_vfuncs passdb_passwd_file = {
	.name = PASSDB_PASSWD_FILE_NAME,
	.stores_credentials = true,
	.init = passdb_passwd_file_init,
	.deinit = passdb_passwd_file_deinit,
	.verify_plain = passdb_passwd_file_verify,
	.lookup = passdb_passwd_file_lookup,
	.lookup_credentials = passdb_passwd_file_lookup_credentials,
};
