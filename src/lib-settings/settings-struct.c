/* Copyright (c) Cove authors. See AUTHORS. */

/* Generic access to settings structs through their setting_define tables:
   creating them from defaults, storing parsed values, finding sections of
   a list by label, and turning values back into text. */

#include "lib.h"
#include "str.h"
#include "settings-parser-private.h"

#include <netinet/in.h>

#define SETTINGS_LIST_INIT_COUNT 4

const struct setting_define *
settings_define_find(const struct setting_parser_info *info, const char *key)
{
	for (const struct setting_define *def = info->defines;
	     def->key != NULL; def++) {
		if (strcmp(def->key, key) == 0)
			return def;
	}
	return NULL;
}

void *settings_struct_copy(pool_t pool, const struct setting_parser_info *info,
			   const void *set)
{
	void *copy = p_malloc(pool, info->struct_size);

	if (set != NULL)
		memcpy(copy, set, info->struct_size);
	/* Lists are never shared between structs: each gets its own. */
	for (const struct setting_define *def = info->defines;
	     def->key != NULL; def++) {
		if (def->type == SET_DEFLIST || def->type == SET_STRLIST) {
			array_create_(SETTINGS_PTR(copy, def->offset), pool,
				      sizeof(void *), SETTINGS_LIST_INIT_COUNT);
		}
	}
	return copy;
}

void *settings_struct_new(pool_t pool, const struct setting_parser_info *info)
{
	void *set = settings_struct_copy(pool, info, info->defaults);

	for (const struct setting_define *def = info->defines;
	     def->key != NULL; def++) {
		const char **field = SETTINGS_PTR(set, def->offset);

		if (def->type == SET_ENUM && *field != NULL)
			*field = p_strndup(pool, *field, strcspn(*field, ":"));
	}
	return set;
}

const char *settings_section_label(const struct setting_parser_info *info,
				   const void *set)
{
	if (info->type_offset == SIZE_MAX)
		return NULL;
	return *(const char *const *)SETTINGS_PTR(set, info->type_offset);
}

void *settings_section_get(pool_t pool, const struct setting_define *def,
			   void *set, const char *label)
{
	const struct setting_parser_info *info = def->list_info;
	ARRAY_TYPE(settings_ptr) *list = SETTINGS_PTR(set, def->offset);
	void *section;

	if (label != NULL && info->type_offset != SIZE_MAX) {
		array_foreach(list, sectionp) {
			const char *name =
				settings_section_label(info, *sectionp);

			if (name != NULL && strcmp(name, label) == 0)
				return *sectionp;
		}
	}
	section = settings_struct_new(pool, info);
	if (label != NULL && info->type_offset != SIZE_MAX) {
		*(const char **)SETTINGS_PTR(section, info->type_offset) =
			p_strdup(pool, label);
	}
	array_push_back(list, &section);
	return section;
}

void settings_strlist_set(pool_t pool, ARRAY_TYPE(const_string) *list,
			  const char *key, const char *value)
{
	unsigned int i, count;
	const char **items = array_get_modifiable(list, &count);

	for (i = 0; i + 1 < count; i += 2) {
		if (strcmp(items[i], key) == 0) {
			items[i + 1] = p_strdup(pool, value);
			return;
		}
	}
	key = p_strdup(pool, key);
	value = p_strdup(pool, value);
	array_push_back(list, &key);
	array_push_back(list, &value);
}

static int settings_get_octal(const char *value, unsigned int *num_r)
{
	unsigned int num = 0;

	if (*value == '\0')
		return -1;
	for (; *value != '\0'; value++) {
		if (*value < '0' || *value > '7' || num > (UINT_MAX >> 3))
			return -1;
		num = num * 8 + (unsigned int)(*value - '0');
	}
	*num_r = num;
	return 0;
}

static int settings_enum_set(pool_t pool,
			     const struct setting_parser_info *info,
			     const struct setting_define *def,
			     const char **field, const char *value,
			     const char **error_r)
{
	const char *allowed;

	i_assert(info->defaults != NULL);
	allowed = *(const char *const *)SETTINGS_PTR(info->defaults,
						     def->offset);
	for (const char *const *p = t_strsplit(allowed, ":"); *p != NULL;
	     p++) {
		if (strcmp(*p, value) == 0) {
			*field = p_strdup(pool, value);
			return 0;
		}
	}
	*error_r = t_strdup_printf("Invalid value: %s (allowed: %s)", value,
				   t_strarray_join(t_strsplit(allowed, ":"),
						   ", "));
	return -1;
}

int settings_value_set(pool_t pool, const struct setting_parser_info *info,
		       const struct setting_define *def, void *set,
		       const char *value, const char **error_r)
{
	void *field = SETTINGS_PTR(set, def->offset);
	unsigned int num;

	switch (def->type) {
	case SET_BOOL:
		return settings_get_bool(value, field, error_r);
	case SET_UINT:
		if (str_to_uint(value, field) < 0) {
			*error_r = t_strdup_printf("Invalid number: %s", value);
			return -1;
		}
		return 0;
	case SET_UINT_OCT:
		if (settings_get_octal(value, field) < 0) {
			*error_r = t_strdup_printf("Invalid octal number: %s",
						   value);
			return -1;
		}
		return 0;
	case SET_SIZE:
		return settings_get_size(value, field, error_r);
	case SET_TIME:
		return settings_get_time(value, field, error_r);
	case SET_TIME_MSECS:
		return settings_get_time_msecs(value, field, error_r);
	case SET_STR:
		*(const char **)field = p_strdup(pool, value);
		return 0;
	case SET_ENUM:
		return settings_enum_set(pool, info, def, field, value,
					 error_r);
	case SET_IN_PORT:
		if (str_to_uint(value, &num) < 0 || num > 65535) {
			*error_r = t_strdup_printf("Invalid port number: %s",
						   value);
			return -1;
		}
		*(in_port_t *)field = (in_port_t)num;
		return 0;
	case SET_DEFLIST:
	case SET_STRLIST:
		break;
	}
	i_unreached();
}

static const char *settings_size_to_text(uoff_t size)
{
	static const char suffixes[] = "kMGT";
	unsigned int i = 0;

	if (size == 0)
		return "0";
	while (i < sizeof(suffixes) - 1 && size % 1024 == 0) {
		size /= 1024;
		i++;
	}
	if (i == 0)
		return t_strdup_printf("%llu", (unsigned long long)size);
	return t_strdup_printf("%llu %c", (unsigned long long)size,
			       suffixes[i - 1]);
}

static const char *settings_time_to_text(unsigned int secs)
{
	static const struct {
		unsigned int secs;
		const char *name;
	} units[] = {
		{ 7 * 86400, "weeks" }, { 86400, "days" },
		{ 3600, "hours" }, { 60, "mins" }, { 1, "secs" },
	};
	unsigned int i;

	if (secs == 0)
		return "0";
	for (i = 0; secs % units[i].secs != 0; i++) ;
	return t_strdup_printf("%u %s", secs / units[i].secs, units[i].name);
}

const char *settings_value_to_text(const struct setting_define *def,
				   const void *set)
{
	const void *field = SETTINGS_PTR(set, def->offset);
	const char *str;

	switch (def->type) {
	case SET_BOOL:
		return *(const bool *)field ? "yes" : "no";
	case SET_UINT:
		return t_strdup_printf("%u", *(const unsigned int *)field);
	case SET_UINT_OCT:
		return t_strdup_printf("%04o", *(const unsigned int *)field);
	case SET_SIZE:
		return settings_size_to_text(*(const uoff_t *)field);
	case SET_TIME:
		return settings_time_to_text(*(const unsigned int *)field);
	case SET_TIME_MSECS:
		if (*(const unsigned int *)field % 1000 != 0) {
			return t_strdup_printf("%u ms",
					       *(const unsigned int *)field);
		}
		return settings_time_to_text(*(const unsigned int *)field /
					     1000);
	case SET_STR:
	case SET_ENUM:
		str = *(const char *const *)field;
		return str == NULL ? "" : str;
	case SET_IN_PORT:
		return t_strdup_printf("%u", *(const in_port_t *)field);
	case SET_DEFLIST:
	case SET_STRLIST:
		break;
	}
	return NULL;
}
