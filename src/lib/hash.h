/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef HASH_H
#define HASH_H

/* Hash table with string keys (case-sensitive or not) or pointer keys.
   Keys and values are stored as pointers; the caller owns both and keeps
   them alive while they are in the table. */

struct hash_table;

struct hash_table *hash_table_create_str(pool_t pool, bool icase);
struct hash_table *hash_table_create_direct(pool_t pool);
void hash_table_destroy(struct hash_table **table);

/* Returns the value, or NULL. */
void *hash_table_lookup(struct hash_table *table, const void *key);
/* Returns true and fills key_r/value_r if found. */
bool hash_table_lookup_full(struct hash_table *table, const void *lookup_key,
			    const void **key_r, void **value_r);
/* Inserts or replaces. */
void hash_table_update(struct hash_table *table, const void *key,
		       void *value);
/* Inserts key unless the table has it: then returns false and changes
   nothing (one lookup instead of hash_table_lookup() + update). */
bool hash_table_try_insert(struct hash_table *table, const void *key,
			   void *value);
/* Returns true if a key was removed. */
bool hash_table_remove(struct hash_table *table, const void *key);
unsigned int hash_table_count(const struct hash_table *table);
void hash_table_clear(struct hash_table *table);

struct hash_iterate_context;
struct hash_iterate_context *hash_table_iterate_init(struct hash_table *table);
/* Removing the current key during iteration is allowed. */
bool hash_table_iterate(struct hash_iterate_context *ctx,
			const void **key_r, void **value_r);
void hash_table_iterate_deinit(struct hash_iterate_context **ctx);

unsigned int str_hash(const char *str);
unsigned int strcase_hash(const char *str);

#endif
