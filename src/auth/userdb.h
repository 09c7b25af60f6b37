/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef USERDB_H
#define USERDB_H

/* User databases behind a vtable: they fill request->userdb_fields (uid,
   gid, home, mail, ...). Adding a driver is one userdb-*.c file plus one
   line in userdb.c's registry. */

struct auth_request;
struct auth_db_settings;

enum userdb_result {
	USERDB_RESULT_INTERNAL_FAILURE = -1,
	USERDB_RESULT_USER_UNKNOWN,
	USERDB_RESULT_OK,
};

typedef void userdb_callback_t(enum userdb_result result,
			       struct auth_request *request);

struct userdb_module;
typedef void userdb_iter_callback_t(const char *user, void *context);

struct userdb_vfuncs {
	/* the driver setting: "static" */
	const char *name;
	int (*init)(struct userdb_module *module, const char *args,
		    const char **error_r);
	void (*deinit)(struct userdb_module *module);
	/* Fills request->userdb_fields for request->user. */
	void (*lookup)(struct userdb_module *module,
		       struct auth_request *request,
		       userdb_callback_t *callback);
	/* Calls callback with every user (NULL: the userdb cannot list
	   its users). Returns 0, or -1 with error_r. */
	int (*iterate)(struct userdb_module *module,
		       userdb_iter_callback_t *callback, void *context,
		       const char **error_r);
};

struct userdb_module {
	const struct userdb_vfuncs *v;
	const struct auth_db_settings *set;
	pool_t pool;
	void *context;
};

struct userdb_module *userdb_create(pool_t pool,
				    const struct auth_db_settings *set,
				    const char **error_r);
void userdb_destroy(struct userdb_module **module);

/* After a driver's successful lookup: applies the section's
   default_fields and override_fields and turns uid/gid names into
   numbers. Returns 0, or -1 with error_r. */
int userdb_finish_fields(struct userdb_module *module,
			 struct auth_request *request, const char **error_r);

extern const struct userdb_vfuncs userdb_passwd;
extern const struct userdb_vfuncs userdb_passwd_file;
extern const struct userdb_vfuncs userdb_static;

#endif
