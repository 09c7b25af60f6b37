/* Copyright (c) Cove authors. See AUTHORS. */

/* settings_parser_dump(): the settings as config text, like doveconf -n
   (only values that differ from the defaults) or doveconf -a (all). Keys
   come first in table order, then sections, indented by two spaces per
   level. Values that would not read back the same are quoted. */

#include "lib.h"
#include "str.h"
#include "settings-parser-private.h"

#define IS_WHITE(c) ((c) == ' ' || (c) == '\t')

/* Text that would parse back differently when written bare (comments,
   quotes, <file, $variables, surrounding spaces) gets quoted. */
static bool settings_dump_needs_quotes(const char *value)
{
	size_t len = strlen(value);

	if (len == 0)
		return false;
	if (strchr("<\"'", value[0]) != NULL || IS_WHITE(value[0]) ||
	    IS_WHITE(value[len - 1]) || strchr(value, '#') != NULL)
		return true;
	for (const char *p = value; *p != '\0'; p++) {
		if (*p == '$' && (p == value || IS_WHITE(p[-1])))
			return true;
	}
	return false;
}

void settings_append_quoted(string_t *dest, const char *value)
{
	str_append_c(dest, '"');
	for (; *value != '\0'; value++) {
		if (*value == '"' || *value == '\\')
			str_append_c(dest, '\\');
		str_append_c(dest, *value);
	}
	str_append_c(dest, '"');
}

void settings_append_label(string_t *dest, const char *label)
{
	if (*label == '\0' || strpbrk(label, " \t{}#\"'") != NULL)
		settings_append_quoted(dest, label);
	else
		str_append(dest, label);
}

static void settings_dump_text(string_t *dest, const char *value)
{
	if (settings_dump_needs_quotes(value))
		settings_append_quoted(dest, value);
	else
		str_append(dest, value);
}

static void settings_dump_indent(string_t *dest, unsigned int indent)
{
	for (unsigned int i = 0; i < indent; i++)
		str_append(dest, "  ");
}

static void settings_dump_pair(string_t *dest, unsigned int indent,
			       const char *key, const char *value)
{
	settings_dump_indent(dest, indent);
	str_append(dest, key);
	str_append(dest, " = ");
	settings_dump_text(dest, value);
	str_append_c(dest, '\n');
}

/* True if one of the first count roots defines key: it was dumped with
   that root already. */
static bool settings_dump_seen(const struct settings_target *roots,
			       unsigned int count, const char *key)
{
	for (unsigned int i = 0; i < count; i++) {
		if (settings_define_find(roots[i].info, key) != NULL)
			return true;
	}
	return false;
}

static void settings_dump_keys(string_t *dest, unsigned int indent,
			       const struct setting_parser_info *info,
			       const void *set, bool all,
			       const struct settings_target *seen_roots,
			       unsigned int seen_count)
{
	const void *defaults = settings_struct_new(datastack_pool, info);

	for (const struct setting_define *def = info->defines;
	     def->key != NULL; def++) {
		const char *value = settings_value_to_text(def, set);

		if (value == NULL || def->offset == info->type_offset ||
		    settings_dump_seen(seen_roots, seen_count, def->key))
			continue;
		if (all || strcmp(value,
				  settings_value_to_text(def, defaults)) != 0)
			settings_dump_pair(dest, indent, def->key, value);
	}
}

static void settings_dump_sections(string_t *dest, unsigned int indent,
				   const struct setting_parser_info *info,
				   const void *set, bool all,
				   const struct settings_target *seen_roots,
				   unsigned int seen_count);

static void settings_dump_section(string_t *dest, unsigned int indent,
				  const struct setting_define *def,
				  const void *section, bool all)
{
	const char *label = settings_section_label(def->list_info, section);

	settings_dump_indent(dest, indent);
	str_append(dest, def->key);
	/* an unlabelled section has an empty label */
	if (label != NULL && *label != '\0') {
		str_append_c(dest, ' ');
		settings_append_label(dest, label);
	}
	str_append(dest, " {\n");
	settings_dump_keys(dest, indent + 1, def->list_info, section, all,
			   NULL, 0);
	settings_dump_sections(dest, indent + 1, def->list_info, section, all,
			       NULL, 0);
	settings_dump_indent(dest, indent);
	str_append(dest, "}\n");
}

static void settings_dump_strlist(string_t *dest, unsigned int indent,
				  const char *key,
				  const ARRAY_TYPE(const_string) *list)
{
	unsigned int i, count;
	const char *const *items = array_get(list, &count);

	if (count == 0)
		return;
	settings_dump_indent(dest, indent);
	str_printfa(dest, "%s {\n", key);
	for (i = 0; i + 1 < count; i += 2)
		settings_dump_pair(dest, indent + 1, items[i], items[i + 1]);
	settings_dump_indent(dest, indent);
	str_append(dest, "}\n");
}

static void settings_dump_sections(string_t *dest, unsigned int indent,
				   const struct setting_parser_info *info,
				   const void *set, bool all,
				   const struct settings_target *seen_roots,
				   unsigned int seen_count)
{
	for (const struct setting_define *def = info->defines;
	     def->key != NULL; def++) {
		const void *field = SETTINGS_PTR(set, def->offset);

		if (settings_dump_seen(seen_roots, seen_count, def->key))
			continue;
		if (def->type == SET_STRLIST) {
			settings_dump_strlist(dest, indent, def->key, field);
		} else if (def->type == SET_DEFLIST) {
			const ARRAY_TYPE(settings_ptr) *list = field;

			array_foreach(list, sectionp) {
				settings_dump_section(dest, indent, def,
						      *sectionp, all);
			}
		}
	}
}

void settings_parser_dump(struct settings_parser *parser, bool all,
			  string_t *dest)
{
	unsigned int i, count;
	const struct settings_target *roots =
		array_get(&parser->root_frame->targets, &count);

	for (i = 0; i < count; i++) {
		settings_dump_keys(dest, 0, roots[i].info, roots[i].set, all,
				   roots, i);
	}
	for (i = 0; i < count; i++) {
		settings_dump_sections(dest, 0, roots[i].info, roots[i].set,
				       all, roots, i);
	}
}
