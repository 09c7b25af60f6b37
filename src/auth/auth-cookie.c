/* Copyright (c) Cove authors. See AUTHORS. */

/* Login cookie store: a hash table from the hex cookie to an entry in its
   own clean pool. Expired entries are swept (at most once a second) on add
   and take, so the table holds about a minute's worth of logins. */

#include "lib.h"
#include "hash.h"
#include "hex-binary.h"
#include "randgen.h"
#include "auth-cookie.h"

#define AUTH_COOKIE_BYTES (AUTH_COOKIE_HEX_LEN / 2)

struct auth_cookie {
	pool_t pool;
	const char *cookie;
	const char *user;
	struct auth_field_list *fields;
	time_t expires;
};

struct auth_cookies {
	struct hash_table *table;
	/* sweeping is O(n): do it at most once per second */
	time_t last_sweep;
};

struct auth_cookies *auth_cookies_create(void)
{
	struct auth_cookies *cookies = i_new(struct auth_cookies, 1);

	cookies->table = hash_table_create_str(default_pool, false);
	return cookies;
}

static void auth_cookie_free(struct auth_cookie *cookie)
{
	pool_t pool = cookie->pool;

	pool_unref(&pool);
}

static void auth_cookies_sweep(struct auth_cookies *cookies, time_t now,
			       bool all)
{
	struct hash_iterate_context *iter;
	const void *key;
	void *value;

	if (!all && cookies->last_sweep == now)
		return;
	cookies->last_sweep = now;
	iter = hash_table_iterate_init(cookies->table);
	while (hash_table_iterate(iter, &key, &value)) {
		struct auth_cookie *cookie = value;

		if (all || cookie->expires <= now) {
			hash_table_remove(cookies->table, key);
			auth_cookie_free(cookie);
		}
	}
	hash_table_iterate_deinit(&iter);
}

void auth_cookies_destroy(struct auth_cookies **_cookies)
{
	struct auth_cookies *cookies = *_cookies;

	*_cookies = NULL;
	auth_cookies_sweep(cookies, 0, true);
	hash_table_destroy(&cookies->table);
	i_free(cookies);
}

const char *auth_cookies_add(struct auth_cookies *cookies, const char *user,
			     const struct auth_field_list *fields,
			     time_t now)
{
	unsigned char rand[AUTH_COOKIE_BYTES];
	struct auth_cookie *cookie;
	pool_t pool;

	auth_cookies_sweep(cookies, now, false);
	if (hash_table_count(cookies->table) >= AUTH_COOKIE_MAX_COUNT)
		return NULL;

	random_fill(rand, sizeof(rand));
	pool = pool_alloconly_create_clean("auth cookie", 512);
	cookie = p_new(pool, struct auth_cookie, 1);
	cookie->pool = pool;
	cookie->cookie = p_strdup(pool, binary_to_hex(rand, sizeof(rand)));
	cookie->user = p_strdup(pool, user);
	cookie->fields = auth_field_list_create(pool);
	auth_field_list_merge(cookie->fields, fields);
	cookie->expires = now + AUTH_COOKIE_EXPIRE_SECS;
	safe_memset(rand, 0, sizeof(rand));
	hash_table_update(cookies->table, cookie->cookie, cookie);
	return t_strdup(cookie->cookie);
}

int auth_cookies_take(struct auth_cookies *cookies, const char *cookie_str,
		      time_t now, pool_t pool, const char **user_r,
		      struct auth_field_list **fields_r)
{
	struct auth_cookie *cookie;

	auth_cookies_sweep(cookies, now, false);
	cookie = hash_table_lookup(cookies->table, cookie_str);
	if (cookie == NULL)
		return 0;
	if (cookie->expires <= now) {
		hash_table_remove(cookies->table, cookie->cookie);
		auth_cookie_free(cookie);
		return 0;
	}
	hash_table_remove(cookies->table, cookie->cookie);
	*user_r = p_strdup(pool, cookie->user);
	*fields_r = auth_field_list_create(pool);
	auth_field_list_merge(*fields_r, cookie->fields);
	auth_cookie_free(cookie);
	return 1;
}

unsigned int auth_cookies_count(const struct auth_cookies *cookies)
{
	return hash_table_count(cookies->table);
}
