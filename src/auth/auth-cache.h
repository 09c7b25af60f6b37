/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef AUTH_CACHE_H
#define AUTH_CACHE_H

/* The auth cache (auth_cache_size, auth_cache_ttl,
   auth_cache_negative_ttl, as Dovecot's): string values under string
   keys, each entry also tagged with the user it is about so that one
   user's entries can be flushed. A positive entry has a value and lives
   ttl seconds; a negative one ("no such user") has none and lives
   negative_ttl seconds. The cache holds about max_size bytes: past that,
   the least recently used entries go. What auth caches, and how a
   changed password behaves, is in auth-request.c. */

struct auth_cache;

/* max_size 0 is not allowed: no cache is no auth_cache. */
struct auth_cache *auth_cache_create(size_t max_size, unsigned int ttl_secs,
				     unsigned int negative_ttl_secs);
void auth_cache_destroy(struct auth_cache **cache);

/* Returns 1 with *value_r (valid until the next call that changes the
   cache) for a positive entry, 0 for a negative entry, -1 if key has no
   entry or it expired at now. */
int auth_cache_lookup(struct auth_cache *cache, const char *key, time_t now,
		      const char **value_r);
/* Stores value (NULL: a negative entry) for key about user, replacing
   an older entry. A negative entry is not stored when negative_ttl is
   0. Values are wiped from memory when their entry goes. */
void auth_cache_insert(struct auth_cache *cache, const char *key,
		       const char *user, const char *value, time_t now);
/* Removes key's entry, if any. */
void auth_cache_remove(struct auth_cache *cache, const char *key);
/* Removes every entry about user (NULL: every entry). Returns the number
   removed. */
unsigned int auth_cache_flush(struct auth_cache *cache, const char *user);
/* The number of entries and the bytes they use. */
unsigned int auth_cache_count(const struct auth_cache *cache);
size_t auth_cache_used_size(const struct auth_cache *cache);

#endif
