/* Copyright (c) Cove authors. See AUTHORS. */
/* Chained hash table. Nodes come from the table's pool and are recycled
   through a free list; the bucket array doubles when the load passes 1.
   Iteration remembers the next node before returning the current one, so
   the current key may be removed. */

#include "lib.h"
#include "hash.h"

#include <ctype.h>

#define HASH_TABLE_INITIAL_SIZE 16

enum hash_table_key_type {
	HASH_KEY_STR,
	HASH_KEY_STR_ICASE,
	HASH_KEY_DIRECT,
};

struct hash_node {
	struct hash_node *next;
	const void *key;
	void *value;
	unsigned int hash;
};

struct hash_table {
	pool_t pool;
	enum hash_table_key_type key_type;
	struct hash_node **buckets;
	unsigned int size, count;
	struct hash_node *free_nodes;
};

struct hash_iterate_context {
	struct hash_table *table;
	unsigned int bucket;
	struct hash_node *next;
};

unsigned int str_hash(const char *str)
{
	/* FNV-1a */
	uint32_t h = 2166136261u;

	for (const unsigned char *p = (const unsigned char *)str;
	     *p != '\0'; p++)
		h = (h ^ *p) * 16777619u;
	return h;
}

unsigned int strcase_hash(const char *str)
{
	uint32_t h = 2166136261u;

	for (const unsigned char *p = (const unsigned char *)str;
	     *p != '\0'; p++)
		h = (h ^ (unsigned char)tolower(*p)) * 16777619u;
	return h;
}

static unsigned int direct_hash(const void *key)
{
	uint64_t x = (uint64_t)(uintptr_t)key;

	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	return (unsigned int)x;
}

static unsigned int hash_table_hash(const struct hash_table *table,
				    const void *key)
{
	switch (table->key_type) {
	case HASH_KEY_STR:
		return str_hash(key);
	case HASH_KEY_STR_ICASE:
		return strcase_hash(key);
	case HASH_KEY_DIRECT:
		break;
	}
	return direct_hash(key);
}

static bool hash_table_key_equals(const struct hash_table *table,
				  const void *key1, const void *key2)
{
	switch (table->key_type) {
	case HASH_KEY_STR:
		return strcmp(key1, key2) == 0;
	case HASH_KEY_STR_ICASE:
		return strcasecmp(key1, key2) == 0;
	case HASH_KEY_DIRECT:
		break;
	}
	return key1 == key2;
}

static struct hash_table *
hash_table_create(pool_t pool, enum hash_table_key_type key_type)
{
	struct hash_table *table = p_new(pool, struct hash_table, 1);

	table->pool = pool;
	table->key_type = key_type;
	table->size = HASH_TABLE_INITIAL_SIZE;
	table->buckets = p_new(pool, struct hash_node *, table->size);
	return table;
}

struct hash_table *hash_table_create_str(pool_t pool, bool icase)
{
	return hash_table_create(pool, icase ? HASH_KEY_STR_ICASE :
				 HASH_KEY_STR);
}

struct hash_table *hash_table_create_direct(pool_t pool)
{
	return hash_table_create(pool, HASH_KEY_DIRECT);
}

static void hash_table_free_nodes(struct hash_table *table)
{
	while (table->free_nodes != NULL) {
		struct hash_node *node = table->free_nodes;

		table->free_nodes = node->next;
		p_free(table->pool, node);
	}
}

void hash_table_destroy(struct hash_table **_table)
{
	struct hash_table *table = *_table;

	if (table == NULL)
		return;
	*_table = NULL;
	hash_table_clear(table);
	hash_table_free_nodes(table);
	p_free(table->pool, table->buckets);
	p_free(table->pool, table);
}

static struct hash_node **
hash_table_find(struct hash_table *table, const void *key, unsigned int hash)
{
	struct hash_node **nodep = &table->buckets[hash & (table->size - 1)];

	for (; *nodep != NULL; nodep = &(*nodep)->next) {
		if ((*nodep)->hash == hash &&
		    hash_table_key_equals(table, (*nodep)->key, key))
			break;
	}
	return nodep;
}

void *hash_table_lookup(struct hash_table *table, const void *key)
{
	struct hash_node *node =
		*hash_table_find(table, key, hash_table_hash(table, key));

	return node == NULL ? NULL : node->value;
}

bool hash_table_lookup_full(struct hash_table *table, const void *lookup_key,
			    const void **key_r, void **value_r)
{
	struct hash_node *node = *hash_table_find(table, lookup_key,
		hash_table_hash(table, lookup_key));

	if (node == NULL)
		return false;
	if (key_r != NULL)
		*key_r = node->key;
	if (value_r != NULL)
		*value_r = node->value;
	return true;
}

static void hash_table_grow(struct hash_table *table)
{
	unsigned int new_size = table->size * 2;
	struct hash_node **new_buckets =
		p_new(table->pool, struct hash_node *, new_size);

	for (unsigned int i = 0; i < table->size; i++) {
		struct hash_node *node, *next;

		for (node = table->buckets[i]; node != NULL; node = next) {
			next = node->next;
			node->next = new_buckets[node->hash & (new_size - 1)];
			new_buckets[node->hash & (new_size - 1)] = node;
		}
	}
	p_free(table->pool, table->buckets);
	table->buckets = new_buckets;
	table->size = new_size;
}

void hash_table_update(struct hash_table *table, const void *key,
		       void *value)
{
	unsigned int hash = hash_table_hash(table, key);
	struct hash_node **nodep = hash_table_find(table, key, hash);
	struct hash_node *node = *nodep;

	if (node != NULL) {
		node->key = key;
		node->value = value;
		return;
	}
	if (table->free_nodes != NULL) {
		node = table->free_nodes;
		table->free_nodes = node->next;
	} else {
		node = p_new(table->pool, struct hash_node, 1);
	}
	node->key = key;
	node->value = value;
	node->hash = hash;
	node->next = table->buckets[hash & (table->size - 1)];
	table->buckets[hash & (table->size - 1)] = node;
	if (++table->count > table->size)
		hash_table_grow(table);
}

bool hash_table_remove(struct hash_table *table, const void *key)
{
	struct hash_node **nodep =
		hash_table_find(table, key, hash_table_hash(table, key));
	struct hash_node *node = *nodep;

	if (node == NULL)
		return false;
	*nodep = node->next;
	node->next = table->free_nodes;
	table->free_nodes = node;
	table->count--;
	return true;
}

unsigned int hash_table_count(const struct hash_table *table)
{
	return table->count;
}

void hash_table_clear(struct hash_table *table)
{
	for (unsigned int i = 0; i < table->size; i++) {
		struct hash_node *node, *next;

		for (node = table->buckets[i]; node != NULL; node = next) {
			next = node->next;
			node->next = table->free_nodes;
			table->free_nodes = node;
		}
		table->buckets[i] = NULL;
	}
	table->count = 0;
}

struct hash_iterate_context *hash_table_iterate_init(struct hash_table *table)
{
	struct hash_iterate_context *ctx;

	ctx = i_new(struct hash_iterate_context, 1);
	ctx->table = table;
	ctx->next = table->buckets[0];
	return ctx;
}

bool hash_table_iterate(struct hash_iterate_context *ctx,
			const void **key_r, void **value_r)
{
	struct hash_table *table = ctx->table;
	struct hash_node *node;

	while (ctx->next == NULL) {
		if (++ctx->bucket >= table->size)
			return false;
		ctx->next = table->buckets[ctx->bucket];
	}
	node = ctx->next;
	ctx->next = node->next;
	*key_r = node->key;
	*value_r = node->value;
	return true;
}

void hash_table_iterate_deinit(struct hash_iterate_context **ctx)
{
	i_free(*ctx);
}
