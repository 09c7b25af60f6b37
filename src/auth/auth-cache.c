/* Copyright (c) Cove authors. See AUTHORS. */

/* The cache is a hash table from key to entry, and a list of the entries
   in the order of their last use, most recent first: the tail is the
   first to go when the cache is full. An entry is one allocation: the
   struct, then key, user and value. */

#include "lib.h"
#include "hash.h"
#include "llist.h"
#include "auth-cache.h"

struct auth_cache_entry {
	struct auth_cache_entry *prev, *next;
	const char *key, *user;
	/* NULL for a negative entry */
	char *value;
	time_t created;
	size_t size;
};

struct auth_cache {
	struct hash_table *table;
	struct auth_cache_entry *head, *tail;
	size_t max_size, used_size;
	unsigned int ttl_secs, negative_ttl_secs;
};

struct auth_cache *auth_cache_create(size_t max_size, unsigned int ttl_secs,
				     unsigned int negative_ttl_secs)
{
	struct auth_cache *cache = i_new(struct auth_cache, 1);

	i_assert(max_size > 0);
	cache->table = hash_table_create_str(default_pool, false);
	cache->max_size = max_size;
	cache->ttl_secs = ttl_secs;
	cache->negative_ttl_secs = negative_ttl_secs;
	return cache;
}

static void auth_cache_entry_free(struct auth_cache *cache,
				  struct auth_cache_entry *entry)
{
	hash_table_remove(cache->table, entry->key);
	DLLIST2_REMOVE(&cache->head, &cache->tail, entry);
	cache->used_size -= entry->size;
	/* the value may be a password hash */
	safe_memset(entry, 0, entry->size);
	i_free(entry);
}

void auth_cache_destroy(struct auth_cache **_cache)
{
	struct auth_cache *cache = *_cache;

	*_cache = NULL;
	(void)auth_cache_flush(cache, NULL);
	hash_table_destroy(&cache->table);
	i_free(cache);
}

static bool auth_cache_entry_expired(const struct auth_cache *cache,
				     const struct auth_cache_entry *entry,
				     time_t now)
{
	unsigned int ttl = entry->value != NULL ? cache->ttl_secs :
		cache->negative_ttl_secs;

	return now - entry->created >= (time_t)ttl;
}

int auth_cache_lookup(struct auth_cache *cache, const char *key, time_t now,
		      const char **value_r)
{
	struct auth_cache_entry *entry;

	entry = hash_table_lookup(cache->table, key);
	if (entry == NULL)
		return -1;
	if (auth_cache_entry_expired(cache, entry, now)) {
		auth_cache_entry_free(cache, entry);
		return -1;
	}
	/* most recently used */
	DLLIST2_REMOVE(&cache->head, &cache->tail, entry);
	DLLIST2_PREPEND(&cache->head, &cache->tail, entry);
	if (entry->value == NULL)
		return 0;
	*value_r = entry->value;
	return 1;
}

void auth_cache_remove(struct auth_cache *cache, const char *key)
{
	struct auth_cache_entry *entry;

	entry = hash_table_lookup(cache->table, key);
	if (entry != NULL)
		auth_cache_entry_free(cache, entry);
}

void auth_cache_insert(struct auth_cache *cache, const char *key,
		       const char *user, const char *value, time_t now)
{
	size_t key_len = strlen(key) + 1, user_len = strlen(user) + 1;
	size_t value_len = value == NULL ? 0 : strlen(value) + 1;
	struct auth_cache_entry *entry;
	char *p;

	auth_cache_remove(cache, key);
	if (value == NULL && cache->negative_ttl_secs == 0)
		return;

	entry = i_malloc(sizeof(*entry) + key_len + user_len + value_len);
	entry->size = sizeof(*entry) + key_len + user_len + value_len;
	p = (char *)(entry + 1);
	entry->key = memcpy(p, key, key_len);
	entry->user = memcpy(p + key_len, user, user_len);
	if (value != NULL)
		entry->value = memcpy(p + key_len + user_len, value, value_len);
	entry->created = now;

	if (entry->size > cache->max_size) {
		/* bigger than the whole cache: not kept */
		safe_memset(entry, 0, entry->size);
		i_free(entry);
		return;
	}
	while (cache->used_size + entry->size > cache->max_size)
		auth_cache_entry_free(cache, cache->tail);
	hash_table_update(cache->table, entry->key, entry);
	DLLIST2_PREPEND(&cache->head, &cache->tail, entry);
	cache->used_size += entry->size;
}

unsigned int auth_cache_flush(struct auth_cache *cache, const char *user)
{
	struct auth_cache_entry *entry, *next;
	unsigned int count = 0;

	for (entry = cache->head; entry != NULL; entry = next) {
		next = entry->next;
		if (user == NULL || strcmp(entry->user, user) == 0) {
			auth_cache_entry_free(cache, entry);
			count++;
		}
	}
	return count;
}

unsigned int auth_cache_count(const struct auth_cache *cache)
{
	return hash_table_count(cache->table);
}

size_t auth_cache_used_size(const struct auth_cache *cache)
{
	return cache->used_size;
}
