/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef AUTH_FIELD_LIST_H
#define AUTH_FIELD_LIST_H

/* An ordered list of key=value fields: passdb extra fields and userdb
   replies (uid, gid, home, mail, ...). Keys are unique; setting a key
   again replaces its value in place. */

#include "var-expand.h"

struct auth_field_list;

/* The list and its strings live in pool. */
struct auth_field_list *auth_field_list_create(pool_t pool);
/* Copies key and value into the list's pool. */
void auth_field_list_set(struct auth_field_list *list, const char *key,
			 const char *value);
/* Returns the value, or NULL if key is not set. */
const char *auth_field_list_get(const struct auth_field_list *list,
				const char *key);
/* Copies every field of src into dest (replacing). */
void auth_field_list_merge(struct auth_field_list *dest,
			   const struct auth_field_list *src);

/* Applies space-separated "key=value" templates (a bare "key" means an
   empty value), expanding %-variables from table. override=false sets
   only keys that are missing. Returns 0, or -1 with error_r on a
   template with an unknown variable or bad syntax. */
int auth_field_list_apply(struct auth_field_list *list, const char *templates,
			  bool override, const struct var_expand_table *table,
			  const char **error_r);

/* Appends "\tkey=value" per field, values tab-escaped. */
void auth_field_list_append_tabescaped(const struct auth_field_list *list,
				       string_t *dest);

#endif
