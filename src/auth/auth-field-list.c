/* Copyright (c) Cove authors. See AUTHORS. */

/* Ordered key=value field lists for passdb and userdb results. The lists
   are short (a handful of fields), so lookups are linear. */

#include "lib.h"
#include "array.h"
#include "str.h"
#include "auth-field-list.h"

struct auth_field {
	const char *key;
	const char *value;
};

struct auth_field_list {
	pool_t pool;
	ARRAY(struct auth_field) fields;
};

struct auth_field_list *auth_field_list_create(pool_t pool)
{
	struct auth_field_list *list = p_new(pool, struct auth_field_list, 1);

	list->pool = pool;
	p_array_init(&list->fields, pool, 8);
	return list;
}

static struct auth_field *
auth_field_list_find(const struct auth_field_list *list, const char *key)
{
	array_foreach_modifiable(&list->fields, field) {
		if (strcmp(field->key, key) == 0)
			return field;
	}
	return NULL;
}

void auth_field_list_set(struct auth_field_list *list, const char *key,
			 const char *value)
{
	struct auth_field *field = auth_field_list_find(list, key);

	if (field == NULL) {
		field = array_append_space(&list->fields);
		field->key = p_strdup(list->pool, key);
	}
	field->value = p_strdup(list->pool, value);
}

const char *auth_field_list_get(const struct auth_field_list *list,
				const char *key)
{
	const struct auth_field *field = auth_field_list_find(list, key);

	return field == NULL ? NULL : field->value;
}

void auth_field_list_merge(struct auth_field_list *dest,
			   const struct auth_field_list *src)
{
	array_foreach(&src->fields, field)
		auth_field_list_set(dest, field->key, field->value);
}

int auth_field_list_apply(struct auth_field_list *list, const char *templates,
			  bool override, const struct var_expand_table *table,
			  const char **error_r)
{
	const char *const *tmpls = t_strsplit_spaces(templates, " ");
	const char *key, *value, *error;
	string_t *str = t_str_new(128);

	for (; *tmpls != NULL; tmpls++) {
		value = strchr(*tmpls, '=');
		if (value == NULL) {
			key = *tmpls;
			value = "";
		} else {
			key = t_strndup(*tmpls, value - *tmpls);
			value++;
		}
		if (!override && auth_field_list_get(list, key) != NULL)
			continue;
		str_truncate(str, 0);
		if (var_expand(str, value, table, &error) <= 0) {
			*error_r = t_strdup_printf("Failed to expand %s: %s",
						   *tmpls, error);
			return -1;
		}
		auth_field_list_set(list, key, str_c(str));
	}
	return 0;
}

void auth_field_list_append_tabescaped(const struct auth_field_list *list,
				       string_t *dest)
{
	array_foreach(&list->fields, field) {
		str_append_c(dest, '\t');
		str_append_tabescaped(dest, field->key);
		str_append_c(dest, '=');
		str_append_tabescaped(dest, field->value);
	}
}
