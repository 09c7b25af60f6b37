/* Copyright (c) Cove authors. See AUTHORS. */

/* The mail user: parses and expands mail_location and picks the storage
   backend. */

#include "lib.h"
#include "str.h"
#include "var-expand.h"
#include "mail-storage-private.h"

static const struct mail_storage_backend *const mail_storage_backends[] = {
	&maildir_storage_backend,
	&mbox_storage_backend,
};

/* Dovecot location parameters Cove accepts and ignores (directories for
   files that Cove keeps elsewhere or does not have). */
static const char *const mail_location_ignored_params[] = {
	"CONTROL", "VOLATILEDIR", "ITERINDEX", "SUBSCRIPTIONS",
	"UTF8", "NO-NOSELECT", "FULLDIRNAME", "DIRNAME", "ALT",
};

static const struct mail_storage_backend *
mail_storage_backend_find(const char *name)
{
	for (unsigned int i = 0; i < N_ELEMENTS(mail_storage_backends); i++) {
		if (strcmp(mail_storage_backends[i]->name, name) == 0)
			return mail_storage_backends[i];
	}
	return NULL;
}

/* Returns true if str uses %h or %{home}, modifiers included (%Lh). */
static bool mail_location_uses_home_var(const char *str)
{
	const char *p;

	for (p = strchr(str, '%'); p != NULL; p = strchr(p, '%')) {
		p++;
		if (*p == '%') {
			p++;
			continue;
		}
		p += strspn(p, "LU0123456789.");
		if (*p == 'h' || str_begins(p, "{home}"))
			return true;
	}
	return false;
}

static bool mail_location_uses_home(const char *location)
{
	const char *const *params = t_strsplit(location, ":");

	if (mail_location_uses_home_var(location))
		return true;
	for (unsigned int i = 1; params[i] != NULL; i++) {
		const char *value = strchr(params[i], '=');

		value = i == 1 || value == NULL ? params[i] : value + 1;
		if (value[0] == '~' && (value[1] == '/' || value[1] == '\0'))
			return true;
	}
	return false;
}

/* Expands a leading "~" or "~/" to home. */
static const char *mail_location_expand_home(const char *path,
					     const char *home)
{
	if (path[0] == '~' && path[1] == '\0')
		return home;
	if (path[0] == '~' && path[1] == '/')
		return t_strconcat(home, path + 1, NULL);
	return path;
}

static int mail_location_param(struct mail_location *loc, pool_t pool,
			       const char *param, const char *home,
			       const char **error_r)
{
	const char *value = strchr(param, '=');
	const char *key;

	if (value == NULL) {
		*error_r = t_strdup_printf("Invalid mail_location parameter "
					   "(no '='): %s", param);
		return -1;
	}
	key = t_strndup(param, value - param);
	value++;
	if (strcmp(key, "INBOX") == 0) {
		value = mail_location_expand_home(value, home);
		loc->inbox_path = p_strdup(pool, value);
	} else if (strcmp(key, "INDEX") == 0) {
		value = mail_location_expand_home(value, home);
		loc->index_path = p_strdup(pool, value);
	} else if (strcmp(key, "LAYOUT") == 0) {
		loc->layout = p_strdup(pool, value);
	} else {
		for (unsigned int i = 0;
		     i < N_ELEMENTS(mail_location_ignored_params); i++) {
			if (strcmp(key, mail_location_ignored_params[i]) == 0)
				return 0;
		}
		*error_r = t_strdup_printf("Unknown mail_location parameter: "
					   "%s", key);
		return -1;
	}
	return 0;
}

/* Parses "driver:root[:KEY=VALUE...]" split at ':' and %-expanded. */
static int mail_location_parse(struct mail_user *user,
			       const char *const *params,
			       const char **error_r)
{
	struct mail_location *loc = &user->location;

	user->backend = mail_storage_backend_find(params[0]);
	if (user->backend == NULL) {
		*error_r = t_strdup_printf("Unknown mail storage driver: %s",
					   params[0]);
		return -1;
	}
	loc->driver = user->backend->name;
	if (params[1] == NULL || params[1][0] == '\0') {
		*error_r = "mail_location has no path";
		return -1;
	}
	loc->root = p_strdup(user->pool,
			     mail_location_expand_home(params[1], user->home));
	for (unsigned int i = 2; params[i] != NULL; i++) {
		if (params[i][0] == '\0')
			continue;
		if (mail_location_param(loc, user->pool, params[i],
					user->home, error_r) < 0)
			return -1;
	}
	return user->backend->location_check(loc, error_r);
}

static int mail_user_parse_fsync(struct mail_user *user, const char *value,
				 const char **error_r)
{
	/* the unparsed default "optimized:always:never" means its first */
	value = t_strndup(value, strcspn(value, ":"));
	if (strcmp(value, "optimized") == 0)
		user->fsync_mode = MAIL_STORAGE_FSYNC_OPTIMIZED;
	else if (strcmp(value, "always") == 0)
		user->fsync_mode = MAIL_STORAGE_FSYNC_ALWAYS;
	else if (strcmp(value, "never") == 0)
		user->fsync_mode = MAIL_STORAGE_FSYNC_NEVER;
	else {
		*error_r = t_strdup_printf("Invalid mail_fsync: %s", value);
		return -1;
	}
	return 0;
}

static int mail_user_init_location(struct mail_user *user,
				   const char *mail_location,
				   const char **error_r)
{
	const struct var_expand_table *table;
	const char **params;
	const char *error;
	string_t *str;

	if (mail_location[0] == '\0') {
		*error_r = "mail_location is not set";
		return -1;
	}
	if (user->home == NULL && mail_location_uses_home(mail_location)) {
		*error_r = t_strdup_printf(
			"User %s has no home directory, but mail_location "
			"'%s' needs one", user->username, mail_location);
		return -1;
	}
	table = var_expand_user_table(user->username, user->home, "",
				      NULL, NULL);
	params = t_strsplit(mail_location, ":");
	for (unsigned int i = 0; params[i] != NULL; i++) {
		str = t_str_new(128);
		if (var_expand(str, params[i], table, &error) <= 0) {
			*error_r = t_strdup_printf(
				"Invalid mail_location '%s': %s",
				mail_location, error);
			return -1;
		}
		params[i] = str_c(str);
	}
	if (mail_location_parse(user, params, error_r) < 0) {
		*error_r = t_strdup_printf("Invalid mail_location '%s': %s",
					   mail_location, *error_r);
		return -1;
	}
	return 0;
}

int mail_user_init(const struct mail_storage_settings *set,
		   const char *username, const char *home,
		   const char *mail_location, struct mail_user **user_r,
		   const char **error_r)
{
	struct mail_user *user;
	pool_t pool;
	int ret;

	pool = pool_alloconly_create("mail user", 1024);
	user = p_new(pool, struct mail_user, 1);
	user->pool = pool;
	user->set = set;
	user->username = p_strdup(pool, username);
	user->home = home == NULL || home[0] == '\0' ? NULL :
		p_strdup(pool, home);
	if (mail_location == NULL)
		mail_location = set->mail_location;

	ret = mail_user_parse_fsync(user, set->mail_fsync, error_r);
	if (ret == 0)
		ret = mail_user_init_location(user, mail_location, error_r);
	if (ret < 0) {
		pool_unref(&pool);
		return -1;
	}
	mailbox_list_user_init(user);
	*user_r = user;
	return 0;
}

void mail_user_deinit(struct mail_user **_user)
{
	struct mail_user *user = *_user;

	pool_t pool = user->pool;

	*_user = NULL;
	i_assert(user->open_mailboxes == 0);
	pool_unref(&pool);
}

const char *mail_user_get_username(const struct mail_user *user)
{
	return user->username;
}
