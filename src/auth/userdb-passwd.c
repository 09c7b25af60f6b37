/* Copyright (c) Cove authors. See AUTHORS. */

/* userdb driver "passwd": uid, gid and home of a system user (through
   NSS), and system_groups_user so that the worker takes the user's
   supplementary groups too; the section's default_fields/override_fields add the rest
   (e.g. mail). */

#include "lib.h"
#include "auth-field-list.h"
#include "auth-request.h"
#include "auth-system-db.h"
#include "userdb.h"

static int userdb_passwd_init(struct userdb_module *module ATTR_UNUSED,
			      const char *args, const char **error_r)
{
	if (args[0] != '\0') {
		*error_r = t_strdup_printf("userdb passwd: Unknown args: %s",
					   args);
		return -1;
	}
	return 0;
}

static void userdb_passwd_lookup(struct userdb_module *module ATTR_UNUSED,
				 struct auth_request *request,
				 userdb_callback_t *callback)
{
	struct passwd pw;
	const char *error;
	int ret;

	ret = auth_system_getpwnam(request->user, &pw, &error);
	if (ret < 0) {
		auth_request_log_error(request, "passwd", "%s", error);
		callback(USERDB_RESULT_INTERNAL_FAILURE, request);
		return;
	}
	if (ret == 0) {
		callback(USERDB_RESULT_USER_UNKNOWN, request);
		return;
	}
	auth_field_list_set(request->userdb_fields, "uid",
			    t_strdup_printf("%lu", (unsigned long)pw.pw_uid));
	auth_field_list_set(request->userdb_fields, "gid",
			    t_strdup_printf("%lu", (unsigned long)pw.pw_gid));
	auth_field_list_set(request->userdb_fields, "home", pw.pw_dir);
	/* a system user keeps its supplementary groups */
	auth_field_list_set(request->userdb_fields, "system_groups_user",
			    pw.pw_name);
	callback(USERDB_RESULT_OK, request);
}

const struct userdb_vfuncs userdb_passwd = {
	.name = "passwd",
	.init = userdb_passwd_init,
	.lookup = userdb_passwd_lookup,
};
