/* Copyright (c) Cove authors. See AUTHORS. */

/* %-variable expansion in Dovecot 2.3 form:
     %[offset.][width][modifiers]key   or   %[...]{long_key}
   where the modifiers are L (lowercase) and U (uppercase), and %% is a
   literal %. */

#include "lib.h"
#include "str.h"
#include "var-expand.h"

/* Offsets and widths beyond this are clamped (no value is that long). */
#define VAR_EXPAND_MAX_NUMBER 100000

struct var_expand_item {
	unsigned int offset;
	unsigned int width;
	bool have_width;
	char modifier;
};

static unsigned int var_expand_number(const char **p)
{
	unsigned int num = 0;

	for (; **p >= '0' && **p <= '9'; (*p)++) {
		if (num < VAR_EXPAND_MAX_NUMBER)
			num = num * 10 + (unsigned int)(**p - '0');
	}
	return num;
}

/* Parses [offset.][width][modifiers] at *p. */
static void var_expand_parse_item(const char **p, struct var_expand_item *item)
{
	if ((**p >= '0' && **p <= '9') || **p == '.') {
		item->width = var_expand_number(p);
		item->have_width = true;
		if (**p == '.') {
			(*p)++;
			item->offset = item->width;
			item->width = var_expand_number(p);
		}
	}
	while (**p == 'L' || **p == 'U') {
		item->modifier = **p;
		(*p)++;
	}
}

static const struct var_expand_table *
var_expand_find(const struct var_expand_table *table, char key,
		const char *long_key)
{
	for (; table->key != '\0' || table->long_key != NULL; table++) {
		if (long_key == NULL ? table->key == key :
		    (table->long_key != NULL &&
		     strcmp(table->long_key, long_key) == 0))
			return table;
	}
	return NULL;
}

static void var_expand_append(string_t *dest, const char *value,
			      const struct var_expand_item *item)
{
	size_t len = strlen(value);

	if (item->offset >= len)
		return;
	value += item->offset;
	len -= item->offset;
	if (item->have_width && item->width < len)
		len = item->width;
	value = t_strndup(value, len);
	if (item->modifier == 'L')
		value = t_str_lcase(value);
	else if (item->modifier == 'U')
		value = t_str_ucase(value);
	str_append(dest, value);
}

/* Expands one variable; *p points after the '%' and is left on the last
   character of the variable. Returns 1 if it was known, 0 if not (with
   *unknown_r set), -1 on a syntax error. */
static int var_expand_variable(string_t *dest, const char **p,
			       const struct var_expand_table *table,
			       const char **unknown_r, const char **error_r)
{
	struct var_expand_item item = { .offset = 0 };
	const struct var_expand_table *entry;
	const char *long_key = NULL, *end;

	var_expand_parse_item(p, &item);
	if (**p == '\0') {
		*error_r = "Missing variable after '%'";
		return -1;
	}
	if (**p == '{') {
		end = strchr(*p, '}');
		if (end == NULL) {
			*error_r = "Missing '}' after %{";
			return -1;
		}
		long_key = t_strndup(*p + 1, end - (*p + 1));
		*p = end;
	}
	entry = var_expand_find(table, **p, long_key);
	if (entry == NULL) {
		*unknown_r = long_key == NULL ?
			t_strdup_printf("%%%c", **p) :
			t_strdup_printf("%%{%s}", long_key);
		return 0;
	}
	var_expand_append(dest, entry->value == NULL ? "" : entry->value,
			  &item);
	return 1;
}

int var_expand(string_t *dest, const char *str,
	       const struct var_expand_table *table, const char **error_r)
{
	const char *unknown = NULL, *var_unknown;

	for (const char *p = str; *p != '\0'; p++) {
		if (*p != '%') {
			str_append_c(dest, *p);
			continue;
		}
		if (*++p == '%') {
			str_append_c(dest, '%');
			continue;
		}
		switch (var_expand_variable(dest, &p, table, &var_unknown,
					    error_r)) {
		case -1:
			return -1;
		case 0:
			if (unknown == NULL)
				unknown = var_unknown;
			break;
		}
	}
	if (unknown != NULL) {
		*error_r = t_strdup_printf("Unknown variable: %s", unknown);
		return 0;
	}
	return 1;
}

const struct var_expand_table *
var_expand_user_table(const char *user, const char *home,
		      const char *service, const char *local_ip,
		      const char *remote_ip)
{
	struct var_expand_table *table = t_new(struct var_expand_table, 8);
	const char *at = user == NULL ? NULL : strchr(user, '@');

	table[0] = (struct var_expand_table){ 'u', user, "user" };
	table[1] = (struct var_expand_table){
		'n', at == NULL ? user : t_strndup(user, at - user),
		"username" };
	table[2] = (struct var_expand_table){
		'd', at == NULL ? NULL : at + 1, "domain" };
	table[3] = (struct var_expand_table){ 'h', home, "home" };
	table[4] = (struct var_expand_table){ 's', service, "service" };
	table[5] = (struct var_expand_table){ 'l', local_ip, "lip" };
	table[6] = (struct var_expand_table){ 'r', remote_ip, "rip" };
	return table;
}
