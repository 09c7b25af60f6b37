/* Copyright (c) Cove authors. See AUTHORS. */

/* The auth request state machine (see auth-request.h for the flow).

   States, in order: mechanism exchange (CONTINUE replies) -> passdb
   verification (passdbs in config order; "unknown user" falls through to
   the next) -> userdb lookup when the connection wants the user's fields
   -> OK, or FAIL held back by auth_failure_delay. Every step may finish
   later through a callback; the request is freed only by its connection,
   after the final reply or on disconnect. The password is wiped as soon
   as the passdbs are done with it.

   With auth_cache_size, the auth cache (auth-cache.h) keeps:
   - "passdb USER RIP" after a plaintext password was verified: the index
     of the passdb that accepted it and the password, hashed with a salt
     (AUTH_REQUEST_CACHE_SCHEME). The same password succeeds from the
     cache until auth_cache_ttl. Any other password goes to the passdbs
     again, so a changed password works at once (and replaces the entry),
     while the old one keeps working until the entry expires, as in
     Dovecot. A mismatch is never cached. The remote IP is in the key
     because allow_nets depends on it. Negative: no passdb knows USER.
   - "userdb USER": the userdb fields; negative: no userdb knows USER.
   Credentials lookups (CRAM-MD5, SCRAM, APOP) are not cached. */

#include "lib.h"
#include "array.h"
#include "str.h"
#include "ioloop.h"
#include "var-expand.h"
#include "password-scheme.h"
#include "auth.h"
#include "auth-cache.h"
#include "auth-penalty.h"
#include "mech.h"
#include "auth-request.h"

/* Longest user name accepted from a client. */
#define AUTH_REQUEST_MAX_USERNAME_LEN 255
/* How the auth cache keeps a verified password: salted, never plain. */
#define AUTH_REQUEST_CACHE_SCHEME "SSHA256"

static void auth_request_passdb_next(struct auth_request *request);
static void auth_request_userdb_next(struct auth_request *request);

struct auth_request *
auth_request_new(struct auth *auth, const struct mech_module *mech,
		 auth_request_reply_callback_t *callback, void *context)
{
	pool_t pool = pool_alloconly_create_clean("auth request", 1024);
	struct auth_request *request = p_new(pool, struct auth_request, 1);

	request->pool = pool;
	request->auth = auth;
	request->mech = mech;
	request->reply_callback = callback;
	request->context = context;
	request->service = "";
	request->userdb_fields = auth_field_list_create(pool);
	return request;
}

static void auth_request_wipe_password(struct auth_request *request)
{
	if (request->password != NULL) {
		safe_memset(request->password, 0, strlen(request->password));
		request->password = NULL;
	}
	if (request->passdb_password != NULL) {
		safe_memset(request->passdb_password, 0,
			    strlen(request->passdb_password));
		request->passdb_password = NULL;
	}
}

void auth_request_free(struct auth_request **_request)
{
	struct auth_request *request = *_request;
	pool_t pool = request->pool;

	*_request = NULL;
	if (request->to_fail_delay != NULL)
		timeout_remove(&request->to_fail_delay);
	if (request->to_penalty != NULL)
		timeout_remove(&request->to_penalty);
	auth_request_wipe_password(request);
	/* the request itself is in the pool */
	pool_unref(&pool);
}

static const char *
auth_request_log_prefix(struct auth_request *request, const char *subsystem)
{
	const char *user = request->user != NULL ? request->user : "?";

	if (request->remote_ip.family == 0)
		return t_strdup_printf("%s(%s): ", subsystem, user);
	return t_strdup_printf("%s(%s,%s): ", subsystem, user,
			       net_ip2addr(&request->remote_ip));
}

static void auth_request_log(struct auth_request *request,
			     enum log_type type, const char *subsystem,
			     const char *fmt, va_list args) ATTR_FORMAT(4, 0);
static void auth_request_log(struct auth_request *request,
			     enum log_type type, const char *subsystem,
			     const char *fmt, va_list args)
{
	if (type == LOG_TYPE_DEBUG && !request->auth->set->auth_debug)
		return;
	T_BEGIN {
		log_message(type, "%s%s",
			    auth_request_log_prefix(request, subsystem),
			    t_strdup_vprintf(fmt, args));
	} T_END;
}

#define AUTH_REQUEST_LOG_FUNC(func, type) \
	void func(struct auth_request *request, const char *subsystem, \
		  const char *fmt, ...) \
	{ \
		va_list args; \
		va_start(args, fmt); \
		auth_request_log(request, type, subsystem, fmt, args); \
		va_end(args); \
	}
AUTH_REQUEST_LOG_FUNC(auth_request_log_info, LOG_TYPE_INFO)
AUTH_REQUEST_LOG_FUNC(auth_request_log_error, LOG_TYPE_ERROR)
AUTH_REQUEST_LOG_FUNC(auth_request_log_debug, LOG_TYPE_DEBUG)

const struct var_expand_table *
auth_request_get_var_table(struct auth_request *request)
{
	return var_expand_user_table(
		request->user,
		auth_field_list_get(request->userdb_fields, "home"),
		request->service,
		request->local_ip.family == 0 ? NULL :
		net_ip2addr(&request->local_ip),
		request->remote_ip.family == 0 ? NULL :
		net_ip2addr(&request->remote_ip));
}

static void auth_request_fail_delayed(struct auth_request *request)
{
	timeout_remove(&request->to_fail_delay);
	request->reply_callback(request, AUTH_REQUEST_REPLY_FAIL, NULL, 0);
}

/* True if the request's failures count against its remote address. */
static bool auth_request_has_penalty(const struct auth_request *request)
{
	return !request->no_penalty && request->remote_ip.family != 0 &&
		request->auth->set->auth_failure_delay > 0;
}

static void auth_request_fail(struct auth_request *request)
{
	unsigned int delay = request->auth->set->auth_failure_delay;

	auth_request_wipe_password(request);
	if (!request->fail_temp && auth_request_has_penalty(request)) {
		auth_penalty_add_failure(request->auth->penalty,
					 &request->remote_ip, ioloop_time);
	}
	if (delay == 0) {
		request->reply_callback(request, AUTH_REQUEST_REPLY_FAIL,
					NULL, 0);
		return;
	}
	i_assert(request->to_fail_delay == NULL);
	request->to_fail_delay = timeout_add(delay * 1000,
					     auth_request_fail_delayed,
					     request);
}

static void auth_request_success(struct auth_request *request)
{
	if (auth_request_has_penalty(request))
		auth_penalty_reset(request->auth->penalty, &request->remote_ip);
	if (request->auth->set->auth_verbose) {
		auth_request_log_info(request, "auth", "Login (mech=%s)",
				      request->mech->name);
	}
	request->reply_callback(request, AUTH_REQUEST_REPLY_OK, NULL, 0);
}

void auth_request_fail_input(struct auth_request *request,
			     const char *reason)
{
	auth_request_log_info(request, t_str_lcase(request->mech->name),
			      "%s", reason);
	auth_request_fail(request);
}

void auth_request_challenge(struct auth_request *request,
			    const void *data, size_t size)
{
	request->waiting_response = true;
	request->reply_callback(request, AUTH_REQUEST_REPLY_CONTINUE,
				data, size);
}

static bool auth_request_plaintext_allowed(struct auth_request *request)
{
	if (!request->mech->plaintext ||
	    !request->auth->set->disable_plaintext_auth || request->secured)
		return true;
	return request->remote_ip.family != 0 &&
		net_ip_is_loopback(&request->remote_ip);
}

static void auth_request_start(struct auth_request *request,
			       const unsigned char *data, size_t size)
{
	if (request->auth->set->auth_ssl_require_client_cert &&
	    !request->valid_client_cert) {
		request->fail_reason =
			"Client didn't present valid SSL certificate";
		auth_request_fail_input(request, request->fail_reason);
		return;
	}
	if (!auth_request_plaintext_allowed(request)) {
		request->fail_reason = "Plaintext authentication disallowed "
			"on non-secure (SSL/TLS) connections.";
		auth_request_fail_input(request,
					"Plaintext authentication disabled");
		return;
	}
	request->mech->auth_initial(request, data, size);
}

static void auth_request_penalty_finish(struct auth_request *request)
{
	timeout_remove(&request->to_penalty);
	auth_request_start(request, request->penalty_data,
			   request->penalty_data_size);
}

void auth_request_initial(struct auth_request *request,
			  const unsigned char *data, size_t size)
{
	unsigned int failures, secs;
	unsigned char *copy;

	if (!auth_request_has_penalty(request)) {
		auth_request_start(request, data, size);
		return;
	}
	failures = auth_penalty_get(request->auth->penalty,
				    &request->remote_ip, ioloop_time);
	secs = auth_penalty_to_secs(failures,
				    request->auth->set->auth_failure_delay);
	if (secs == 0) {
		auth_request_start(request, data, size);
		return;
	}
	auth_request_log_info(request, "auth-penalty",
		"Delaying the request by %u secs after failed logins "
		"from this IP", secs);
	if (data != NULL) {
		/* the pool is clean: the copy is zeroed with it */
		copy = p_malloc(request->pool, size + 1);
		memcpy(copy, data, size);
		request->penalty_data = copy;
		request->penalty_data_size = size;
	}
	i_assert(request->to_penalty == NULL);
	request->to_penalty = timeout_add(secs * 1000,
					  auth_request_penalty_finish,
					  request);
}

int auth_request_continue(struct auth_request *request,
			  const unsigned char *data, size_t size)
{
	if (!request->waiting_response)
		return -1;
	request->waiting_response = false;
	request->mech->auth_continue(request, data, size);
	return 0;
}

static bool auth_request_username_is_valid(const char *username)
{
	for (; *username != '\0'; username++) {
		if ((unsigned char)*username < 0x20 || *username == 0x7f)
			return false;
	}
	return true;
}

int auth_request_set_username(struct auth_request *request,
			      const char *username, const char **error_r)
{
	const struct auth_settings *set = request->auth->set;
	string_t *user;
	const char *error;

	if (set->auth_ssl_username_from_cert &&
	    request->cert_username != NULL)
		username = request->cert_username;
	if (username[0] == '\0') {
		*error_r = "Empty username";
		return -1;
	}
	if (strlen(username) > AUTH_REQUEST_MAX_USERNAME_LEN) {
		*error_r = "Username too long";
		return -1;
	}
	if (!auth_request_username_is_valid(username)) {
		*error_r = "Username contains disallowed characters";
		return -1;
	}
	if (set->auth_default_realm[0] != '\0' &&
	    strchr(username, '@') == NULL) {
		username = t_strconcat(username, "@",
				       set->auth_default_realm, NULL);
	}
	request->login_user = p_strdup(request->pool, username);
	request->user = request->login_user;

	user = t_str_new(64);
	if (var_expand(user, set->auth_username_format,
		       auth_request_get_var_table(request), &error) <= 0) {
		*error_r = t_strdup_printf(
			"Failed to expand auth_username_format=%s: %s",
			set->auth_username_format, error);
		return -1;
	}
	if (str_len(user) == 0) {
		*error_r = "auth_username_format made the username empty";
		return -1;
	}
	request->user = p_strdup(request->pool, str_c(user));
	return 0;
}

static const char *auth_request_passdb_name(struct auth_request *request)
{
	struct passdb_module *const *passdbs;
	unsigned int count;

	passdbs = array_get(&request->auth->passdbs, &count);
	i_assert(count > 0);
	return passdbs[I_MIN(request->passdb_idx, count - 1)]->v->name;
}

static void auth_request_passdb_callback(enum passdb_result result,
					 struct auth_request *request)
{
	if (result == PASSDB_RESULT_USER_UNKNOWN) {
		request->passdb_idx++;
		auth_request_passdb_next(request);
		return;
	}
	request->passdb_callback(result, request);
}

static void auth_request_passdb_next(struct auth_request *request)
{
	struct passdb_module *const *passdbs;
	struct passdb_module *module;
	unsigned int count;

	passdbs = array_get(&request->auth->passdbs, &count);
	if (request->passdb_idx >= count) {
		request->passdb_callback(PASSDB_RESULT_USER_UNKNOWN, request);
		return;
	}
	module = passdbs[request->passdb_idx];
	switch (request->passdb_mode) {
	case AUTH_REQUEST_PASSDB_VERIFY:
		module->v->verify_plain(module, request,
					auth_request_passdb_callback);
		break;
	case AUTH_REQUEST_PASSDB_LOOKUP:
		module->v->lookup(module, request,
				  auth_request_passdb_callback);
		break;
	case AUTH_REQUEST_PASSDB_CREDENTIALS:
		module->v->lookup_credentials(module, request,
					      auth_request_passdb_callback);
		break;
	}
}

void auth_request_lookup_passdb(struct auth_request *request,
				passdb_callback_t *callback)
{
	request->passdb_callback = callback;
	request->passdb_mode = AUTH_REQUEST_PASSDB_LOOKUP;
	request->passdb_idx = 0;
	auth_request_passdb_next(request);
}

static void auth_request_login_userdb_callback(enum userdb_result result,
					       struct auth_request *request)
{
	switch (result) {
	case USERDB_RESULT_OK:
		auth_request_success(request);
		break;
	case USERDB_RESULT_USER_UNKNOWN:
		auth_request_log_info(request, "userdb",
				      "user not found from any userdb");
		auth_request_fail(request);
		break;
	case USERDB_RESULT_INTERNAL_FAILURE:
		request->fail_temp = true;
		auth_request_fail(request);
		break;
	}
}

void auth_request_verify_finish(struct auth_request *request,
				enum passdb_result result)
{
	const char *driver = auth_request_passdb_name(request);

	auth_request_wipe_password(request);
	switch (result) {
	case PASSDB_RESULT_OK:
		request->passdb_success = true;
		auth_request_log_debug(request, driver, "Password verified");
		if (request->want_userdb) {
			auth_request_lookup_user(request,
				auth_request_login_userdb_callback);
		} else {
			auth_request_success(request);
		}
		break;
	case PASSDB_RESULT_USER_UNKNOWN:
		auth_request_log_info(request, driver, "unknown user (mech=%s)",
				      request->mech->name);
		auth_request_fail(request);
		break;
	case PASSDB_RESULT_PASSWORD_MISMATCH:
		auth_request_log_info(request, driver,
				      "Password mismatch (mech=%s)",
				      request->mech->name);
		auth_request_fail(request);
		break;
	case PASSDB_RESULT_INTERNAL_FAILURE:
		request->fail_temp = true;
		auth_request_fail(request);
		break;
	}
}

static const char *auth_request_passdb_cache_key(struct auth_request *request)
{
	return t_strdup_printf("passdb\t%s\t%s", request->user,
			       net_ip2addr(&request->remote_ip));
}

/* Answers a plaintext verification from the cache: returns true if it
   did (the request went on), false if the passdbs must be asked. */
static bool auth_request_verify_cached(struct auth_request *request)
{
	struct auth_cache *cache = request->auth->cache;
	const char *value, *stored, *error;
	unsigned int idx;
	int ret;

	ret = auth_cache_lookup(cache, auth_request_passdb_cache_key(request),
				ioloop_time, &value);
	if (ret < 0)
		return false;
	if (ret == 0) {
		request->passdb_idx = array_count(&request->auth->passdbs);
		auth_request_log_debug(request, "cache", "hit: unknown user");
		auth_request_verify_finish(request,
					   PASSDB_RESULT_USER_UNKNOWN);
		return true;
	}
	stored = strchr(value, '\t');
	i_assert(stored != NULL);
	if (str_to_uint(t_strndup(value, stored - value), &idx) < 0)
		i_unreached();
	if (password_scheme_verify(request->password, stored + 1,
				   AUTH_REQUEST_CACHE_SCHEME, &error) <= 0) {
		/* the password may have changed: ask the passdbs */
		auth_request_log_debug(request, "cache",
				       "password differs from the cached one");
		return false;
	}
	request->passdb_idx = idx;
	auth_request_log_debug(request, "cache", "hit: password verified");
	auth_request_verify_finish(request, PASSDB_RESULT_OK);
	return true;
}

/* Keeps a verification's result in the cache. */
static void auth_request_verify_cache_update(struct auth_request *request,
					     enum passdb_result result)
{
	const char *stored, *error;

	switch (result) {
	case PASSDB_RESULT_OK:
		if (password_scheme_generate(request->password,
					     AUTH_REQUEST_CACHE_SCHEME,
					     &stored, &error) < 0)
			i_panic("Cannot hash for the auth cache: %s", error);
		auth_cache_insert(request->auth->cache,
				  auth_request_passdb_cache_key(request),
				  request->user,
				  t_strdup_printf("%u\t%s", request->passdb_idx,
						  stored), ioloop_time);
		break;
	case PASSDB_RESULT_USER_UNKNOWN:
		auth_cache_insert(request->auth->cache,
				  auth_request_passdb_cache_key(request),
				  request->user, NULL, ioloop_time);
		break;
	case PASSDB_RESULT_PASSWORD_MISMATCH:
	case PASSDB_RESULT_INTERNAL_FAILURE:
		break;
	}
}

static void auth_request_verify_callback(enum passdb_result result,
					 struct auth_request *request)
{
	if (request->auth->cache != NULL) T_BEGIN {
		auth_request_verify_cache_update(request, result);
	} T_END;
	auth_request_verify_finish(request, result);
}

/* Sets the user name and asks the passdbs (mode VERIFY or
   CREDENTIALS). */
static void
auth_request_passdb_start(struct auth_request *request, const char *username,
			  enum auth_request_passdb_mode mode,
			  passdb_callback_t *callback)
{
	const char *error;

	if (auth_request_set_username(request, username, &error) < 0) {
		request->user = NULL;
		auth_request_fail_input(request, error);
		return;
	}
	request->passdb_callback = callback;
	request->passdb_mode = mode;
	request->passdb_idx = 0;
	if (mode == AUTH_REQUEST_PASSDB_VERIFY &&
	    request->auth->cache != NULL) {
		bool cached;

		T_BEGIN {
			cached = auth_request_verify_cached(request);
		} T_END;
		if (cached)
			return;
	}
	auth_request_passdb_next(request);
}

void auth_request_verify_plain(struct auth_request *request,
			       const char *username, const char *password)
{
	request->password = p_strdup(request->pool, password);
	auth_request_passdb_start(request, username,
				  AUTH_REQUEST_PASSDB_VERIFY,
				  auth_request_verify_callback);
}

bool auth_request_credentials_found(struct auth_request *request,
				    enum passdb_result result)
{
	if (result == PASSDB_RESULT_OK && request->passdb_password == NULL)
		result = PASSDB_RESULT_PASSWORD_MISMATCH;
	if (result == PASSDB_RESULT_OK)
		return true;
	auth_request_verify_finish(request, result);
	return false;
}

void auth_request_lookup_credentials(struct auth_request *request,
				     const char *username,
				     passdb_callback_t *callback)
{
	auth_request_passdb_start(request, username,
				  AUTH_REQUEST_PASSDB_CREDENTIALS, callback);
}

static const char *auth_request_userdb_cache_key(struct auth_request *request)
{
	return t_strconcat("userdb\t", request->user, NULL);
}

/* Answers a userdb lookup from the cache: returns true if it did. */
static bool auth_request_userdb_cached(struct auth_request *request)
{
	const char *value, *const *fields, *eq;
	int ret;

	ret = auth_cache_lookup(request->auth->cache,
				auth_request_userdb_cache_key(request),
				ioloop_time, &value);
	if (ret < 0)
		return false;
	auth_request_log_debug(request, "cache", "hit: userdb");
	if (ret == 0) {
		request->userdb_callback(USERDB_RESULT_USER_UNKNOWN, request);
		return true;
	}
	for (fields = t_strsplit_tabescaped(value); *fields != NULL;
	     fields++) {
		eq = strchr(*fields, '=');
		i_assert(eq != NULL);
		auth_field_list_set(request->userdb_fields,
				    t_strndup(*fields, eq - *fields), eq + 1);
	}
	request->userdb_callback(USERDB_RESULT_OK, request);
	return true;
}

/* Ends a userdb lookup with result, keeping it in the cache. */
static void auth_request_userdb_finish(struct auth_request *request,
				       enum userdb_result result)
{
	string_t *str;

	if (request->auth->cache != NULL &&
	    result != USERDB_RESULT_INTERNAL_FAILURE) T_BEGIN {
		str = t_str_new(256);
		auth_field_list_append_tabescaped(request->userdb_fields, str);
		auth_cache_insert(request->auth->cache,
				  auth_request_userdb_cache_key(request),
				  request->user,
				  result == USERDB_RESULT_OK ?
				  str_c(str) + I_MIN(str_len(str), 1) : NULL,
				  ioloop_time);
	} T_END;
	request->userdb_callback(result, request);
}

static void auth_request_userdb_callback(enum userdb_result result,
					 struct auth_request *request)
{
	const char *error;

	if (result == USERDB_RESULT_USER_UNKNOWN) {
		request->userdb_fields = auth_field_list_create(request->pool);
		request->userdb_idx++;
		auth_request_userdb_next(request);
		return;
	}
	if (result == USERDB_RESULT_OK &&
	    userdb_finish_fields(request->userdb, request, &error) < 0) {
		auth_request_log_error(request, request->userdb->v->name,
				       "%s", error);
		result = USERDB_RESULT_INTERNAL_FAILURE;
	}
	auth_request_userdb_finish(request, result);
}

static void auth_request_userdb_next(struct auth_request *request)
{
	struct userdb_module *const *userdbs;
	unsigned int count;

	userdbs = array_get(&request->auth->userdbs, &count);
	if (request->userdb_idx >= count) {
		auth_request_userdb_finish(request, USERDB_RESULT_USER_UNKNOWN);
		return;
	}
	request->userdb = userdbs[request->userdb_idx];
	request->userdb->v->lookup(request->userdb, request,
				   auth_request_userdb_callback);
}

void auth_request_lookup_user(struct auth_request *request,
			      userdb_callback_t *callback)
{
	bool cached = false;

	request->userdb_callback = callback;
	request->userdb_idx = 0;
	if (request->auth->cache != NULL) T_BEGIN {
		cached = auth_request_userdb_cached(request);
	} T_END;
	if (!cached)
		auth_request_userdb_next(request);
}
