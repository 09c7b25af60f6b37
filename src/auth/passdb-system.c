/* Copyright (c) Cove authors. See AUTHORS. */

/* passdb drivers "shadow" and "passwd": the crypt(3) hash of a system
   user from /etc/shadow or /etc/passwd (through NSS). Reading shadow
   needs the file's group, which the auth process gets as a supplementary
   group (auth_init() checks passdb_vfuncs.reads_shadow). */

#include "lib.h"
#include "auth-request.h"
#include "auth-system-db.h"
#include "passdb.h"

/* Looks up user's hash: 1 with *hash_r, 0 unknown, -1 with error_r. */
typedef int passdb_system_find_t(const char *user, const char **hash_r,
				 const char **error_r);

static int passdb_shadow_find(const char *user, const char **hash_r,
			      const char **error_r)
{
	struct spwd sp;
	int ret;

	ret = auth_system_getspnam(user, &sp, error_r);
	if (ret > 0)
		*hash_r = sp.sp_pwdp;
	return ret;
}

static int passdb_passwd_find(const char *user, const char **hash_r,
			      const char **error_r)
{
	struct passwd pw;
	int ret;

	ret = auth_system_getpwnam(user, &pw, error_r);
	if (ret > 0)
		*hash_r = pw.pw_passwd;
	return ret;
}

static int passdb_system_init(struct passdb_module *module,
			      const char *args, const char **error_r)
{
	if (args[0] != '\0') {
		*error_r = t_strdup_printf("passdb %s: Unknown args: %s",
					   module->v->name, args);
		return -1;
	}
	module->context = strcmp(module->v->name, "shadow") == 0 ?
		passdb_shadow_find : passdb_passwd_find;
	return 0;
}

/* OK with *hash_r, USER_UNKNOWN or INTERNAL_FAILURE (logged). */
static enum passdb_result
passdb_system_find(struct passdb_module *module, struct auth_request *request,
		   const char **hash_r)
{
	passdb_system_find_t *find = module->context;
	const char *error;
	int ret;

	ret = find(request->user, hash_r, &error);
	if (ret < 0) {
		auth_request_log_error(request, module->v->name, "%s", error);
		return PASSDB_RESULT_INTERNAL_FAILURE;
	}
	return ret == 0 ? PASSDB_RESULT_USER_UNKNOWN : PASSDB_RESULT_OK;
}

static void passdb_system_verify(struct passdb_module *module,
				 struct auth_request *request,
				 passdb_callback_t *callback)
{
	enum passdb_result result;
	const char *hash;

	result = passdb_system_find(module, request, &hash);
	if (result == PASSDB_RESULT_OK) {
		result = auth_system_verify_hash(request, module->v->name,
						 hash);
	}
	callback(result, request);
}

static void passdb_system_lookup(struct passdb_module *module,
				 struct auth_request *request,
				 passdb_callback_t *callback)
{
	const char *hash;

	callback(passdb_system_find(module, request, &hash), request);
}

static void passdb_system_lookup_credentials(struct passdb_module *module,
					     struct auth_request *request,
					     passdb_callback_t *callback)
{
	enum passdb_result result;
	const char *hash;

	result = passdb_system_find(module, request, &hash);
	if (result == PASSDB_RESULT_OK) {
		request->passdb_password =
			p_strconcat(request->pool, "{CRYPT}", hash, NULL);
	}
	callback(result, request);
}

const struct passdb_vfuncs passdb_shadow = {
	.name = "shadow",
	.reads_shadow = true,
	.init = passdb_system_init,
	.verify_plain = passdb_system_verify,
	.lookup = passdb_system_lookup,
	.lookup_credentials = passdb_system_lookup_credentials,
};

const struct passdb_vfuncs passdb_passwd = {
	.name = "passwd",
	.init = passdb_system_init,
	.verify_plain = passdb_system_verify,
	.lookup = passdb_system_lookup,
	.lookup_credentials = passdb_system_lookup_credentials,
};
