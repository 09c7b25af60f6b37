/* Copyright (c) Cove authors. See AUTHORS. */
/* Hash table with open addressing: one array of slots, each holding the
   key's hash, the key and the value, probed linearly. A lookup touches
   the slot (and the key only when the hashes match), which matters for
   tables of 100,000 file names: a chained table costs a cache miss more
   per step. Removal shifts the following slots of the run back
   (no tombstones). The array doubles when it is more than 3/4 full.
   Iteration walks backwards from an empty slot around the array, so
   removing the current key (which shifts only slots that iteration has
   already passed) never makes it skip or repeat a key. */

#include "lib.h"
#include "hash.h"

#include <ctype.h>

#define HASH_TABLE_INITIAL_SIZE 16

enum hash_table_key_type {
	HASH_KEY_STR,
	HASH_KEY_STR_ICASE,
	HASH_KEY_DIRECT,
};

struct hash_slot {
	/* NULL: the slot is empty (keys are never NULL) */
	const void *key;
	void *value;
	unsigned int hash;
};

struct hash_table {
	pool_t pool;
	enum hash_table_key_type key_type;
	struct hash_slot *slots;
	/* a power of 2, always above count */
	unsigned int size, count;
};

struct hash_iterate_context {
	struct hash_table *table;
	/* the slot returned last; steps left before the walk is done */
	unsigned int pos, left;
};

unsigned int str_hash(const char *str)
{
	/* eight bytes at a time: file names of 40 bytes and more are the
	   common keys */
	size_t len = strlen(str);
	uint64_t h = 0x9e3779b97f4a7c15ULL ^ len, word;

	for (; len >= 8; len -= 8, str += 8) {
		memcpy(&word, str, 8);
		h = (h ^ word) * 0xff51afd7ed558ccdULL;
		h ^= h >> 32;
	}
	word = 0;
	memcpy(&word, str, len);
	h = (h ^ word) * 0xff51afd7ed558ccdULL;
	h ^= h >> 29;
	return (unsigned int)h;
}

unsigned int strcase_hash(const char *str)
{
	/* FNV-1a */
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

/* The hash as stored: the low bits pick the slot, and FNV-1a's low bits
   are weak for similar keys, so they are mixed first. */
static unsigned int hash_table_slot_hash(const struct hash_table *table,
					 const void *key)
{
	unsigned int h = hash_table_hash(table, key);

	h ^= h >> 16;
	h *= 0x7feb352dU;
	h ^= h >> 15;
	return h;
}

static struct hash_table *
hash_table_create(pool_t pool, enum hash_table_key_type key_type)
{
	struct hash_table *table = p_new(pool, struct hash_table, 1);

	table->pool = pool;
	table->key_type = key_type;
	table->size = HASH_TABLE_INITIAL_SIZE;
	table->slots = p_new(pool, struct hash_slot, table->size);
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

void hash_table_destroy(struct hash_table **_table)
{
	struct hash_table *table = *_table;

	if (table == NULL)
		return;
	*_table = NULL;
	p_free(table->pool, table->slots);
	p_free(table->pool, table);
}

/* Returns the slot holding key, or the empty slot where it would go. */
static struct hash_slot *
hash_table_find(const struct hash_table *table, const void *key,
		unsigned int hash)
{
	unsigned int mask = table->size - 1;
	struct hash_slot *slot;

	for (unsigned int i = hash & mask;; i = (i + 1) & mask) {
		slot = &table->slots[i];
		if (slot->key == NULL ||
		    (slot->hash == hash &&
		     hash_table_key_equals(table, slot->key, key)))
			return slot;
	}
}

void *hash_table_lookup(struct hash_table *table, const void *key)
{
	struct hash_slot *slot =
		hash_table_find(table, key, hash_table_slot_hash(table, key));

	return slot->value;
}

bool hash_table_lookup_full(struct hash_table *table, const void *lookup_key,
			    const void **key_r, void **value_r)
{
	struct hash_slot *slot = hash_table_find(table, lookup_key,
		hash_table_slot_hash(table, lookup_key));

	if (slot->key == NULL)
		return false;
	if (key_r != NULL)
		*key_r = slot->key;
	if (value_r != NULL)
		*value_r = slot->value;
	return true;
}

static void hash_table_grow(struct hash_table *table)
{
	struct hash_slot *old_slots = table->slots;
	unsigned int old_size = table->size;

	table->size *= 2;
	table->slots = p_new(table->pool, struct hash_slot, table->size);
	for (unsigned int i = 0; i < old_size; i++) {
		if (old_slots[i].key != NULL) {
			*hash_table_find(table, old_slots[i].key,
					 old_slots[i].hash) = old_slots[i];
		}
	}
	p_free(table->pool, old_slots);
}

/* Returns the slot for key: where it is, or a new one (its hash set, key
   and value to fill in). */
static struct hash_slot *
hash_table_get_slot(struct hash_table *table, const void *key)
{
	unsigned int hash = hash_table_slot_hash(table, key);
	struct hash_slot *slot;

	i_assert(key != NULL);
	slot = hash_table_find(table, key, hash);
	if (slot->key == NULL) {
		if ((table->count + 1) * 4 > table->size * 3) {
			hash_table_grow(table);
			slot = hash_table_find(table, key, hash);
		}
		table->count++;
		slot->hash = hash;
	}
	return slot;
}

void hash_table_update(struct hash_table *table, const void *key,
		       void *value)
{
	struct hash_slot *slot = hash_table_get_slot(table, key);

	slot->key = key;
	slot->value = value;
}

bool hash_table_try_insert(struct hash_table *table, const void *key,
			   void *value)
{
	struct hash_slot *slot = hash_table_get_slot(table, key);

	if (slot->key != NULL)
		return false;
	slot->key = key;
	slot->value = value;
	return true;
}

bool hash_table_remove(struct hash_table *table, const void *key)
{
	unsigned int mask = table->size - 1;
	struct hash_slot *slot =
		hash_table_find(table, key, hash_table_slot_hash(table, key));
	unsigned int hole, i;

	if (slot->key == NULL)
		return false;
	table->count--;
	/* move back each later slot of the run that may live in the hole
	   (its home slot is not between the hole and it) */
	hole = slot - table->slots;
	for (i = (hole + 1) & mask; table->slots[i].key != NULL;
	     i = (i + 1) & mask) {
		unsigned int home = table->slots[i].hash & mask;

		if (((i - home) & mask) >= ((i - hole) & mask)) {
			table->slots[hole] = table->slots[i];
			hole = i;
		}
	}
	memset(&table->slots[hole], 0, sizeof(table->slots[hole]));
	return true;
}

unsigned int hash_table_count(const struct hash_table *table)
{
	return table->count;
}

void hash_table_clear(struct hash_table *table)
{
	memset(table->slots, 0, sizeof(*table->slots) * table->size);
	table->count = 0;
}

struct hash_iterate_context *hash_table_iterate_init(struct hash_table *table)
{
	struct hash_iterate_context *ctx;
	unsigned int empty = 0;

	/* there is always an empty slot: the table is at most 3/4 full */
	while (table->slots[empty].key != NULL)
		empty++;
	ctx = i_new(struct hash_iterate_context, 1);
	ctx->table = table;
	ctx->pos = empty;
	ctx->left = table->size - 1;
	return ctx;
}

bool hash_table_iterate(struct hash_iterate_context *ctx,
			const void **key_r, void **value_r)
{
	struct hash_table *table = ctx->table;
	const struct hash_slot *slot;

	while (ctx->left > 0) {
		ctx->left--;
		ctx->pos = (ctx->pos - 1) & (table->size - 1);
		slot = &table->slots[ctx->pos];
		if (slot->key != NULL) {
			*key_r = slot->key;
			*value_r = slot->value;
			return true;
		}
	}
	return false;
}

void hash_table_iterate_deinit(struct hash_iterate_context **ctx)
{
	i_free(*ctx);
}
