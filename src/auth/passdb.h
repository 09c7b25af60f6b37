/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef PASSDB_H
#define PASSDB_H

/* Password databases behind a vtable. Adding a driver is one passdb-*.c
   file plus one line in passdb.c's registry. Lookups finish through a
   callback, so a driver may answer later (from a worker process). */

struct auth_request;
struct auth_db_settings;

enum passdb_result {
	PASSDB_RESULT_INTERNAL_FAILURE = -1,
	PASSDB_RESULT_USER_UNKNOWN,
	PASSDB_RESULT_PASSWORD_MISMATCH,
	PASSDB_RESULT_OK,
};

typedef void passdb_callback_t(enum passdb_result result,
			       struct auth_request *request);

struct passdb_module;

struct passdb_vfuncs {
	/* the driver setting: "passwd-file" */
	const char *name;
	/* The driver reads /etc/shadow (directly or through PAM), so the
	   auth process needs the file's group. */
	bool reads_shadow;
	/* The driver can hold passwords in any scheme (plaintext, CRAM-MD5,
	   SCRAM), as mechanisms with needs_credentials want; system
	   passdbs hold only crypt(3) hashes, PAM none at all. */
	bool stores_credentials;
	/* Parses args. Returns 0, or -1 with error_r. */
	int (*init)(struct passdb_module *module, const char *args,
		    const char **error_r);
	void (*deinit)(struct passdb_module *module);
	/* Checks request->password for request->user. Logs the reason of
	   a mismatch or failure itself. */
	void (*verify_plain)(struct passdb_module *module,
			     struct auth_request *request,
			     passdb_callback_t *callback);
	/* Checks only that request->user exists. */
	void (*lookup)(struct passdb_module *module,
		       struct auth_request *request,
		       passdb_callback_t *callback);
	/* Like lookup, and on success sets request->passdb_password to the
	   stored password with its {SCHEME} prefix made explicit (NULL if
	   the entry has no password). */
	void (*lookup_credentials)(struct passdb_module *module,
				   struct auth_request *request,
				   passdb_callback_t *callback);
};

struct passdb_module {
	const struct passdb_vfuncs *v;
	const struct auth_db_settings *set;
	pool_t pool;
	void *context;
};

/* Creates the passdb for set->driver (module and its data in pool).
   Returns NULL with error_r for an unknown driver or bad args. */
struct passdb_module *passdb_create(pool_t pool,
				    const struct auth_db_settings *set,
				    const char **error_r);
void passdb_destroy(struct passdb_module **module);

extern const struct passdb_vfuncs passdb_pam;
extern const struct passdb_vfuncs passdb_passwd;
extern const struct passdb_vfuncs passdb_passwd_file;
extern const struct passdb_vfuncs passdb_shadow;

#endif
