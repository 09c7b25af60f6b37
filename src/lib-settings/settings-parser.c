/* Copyright (c) Cove authors. See AUTHORS. */

/* The settings parser: applies split config lines to settings structs.

   The parser keeps a stack of frames, one per open section. Each frame has
   a list of targets: the structs its keys go to. At the top level these
   are the root structs (a key defined by several roots goes to each); a
   `service imap-login {` line finds or adds the section struct in every
   target that defines `service`, and those become the new frame's targets.

   Blocks whose content must be checked but not kept (a `protocol` block
   for another protocol, `local`/`remote` filters) get scratch targets:
   copies of the roots that are dropped afterwards. Sections that Cove
   does not know are skipped by SKIP frames, which only follow braces.

   A matching `protocol NAME {` block writes to the real roots, and the
   keys it sets are remembered: as in Dovecot, protocol values win over
   global values regardless of their order in the files. */

#include "lib.h"
#include "str.h"
#include "hash.h"
#include "settings-parser-private.h"

#include <ctype.h>

#define IS_WHITE(c) ((c) == ' ' || (c) == '\t')

static void settings_parser_vmessage(struct settings_parser *parser,
				     string_t *dest, const char *fmt,
				     va_list args) ATTR_FORMAT(3, 0);

static void settings_parser_vmessage(struct settings_parser *parser,
				     string_t *dest, const char *fmt,
				     va_list args)
{
	if (parser->cur_file != NULL)
		str_printfa(dest, "%s:%u: ", parser->cur_file,
			    parser->cur_line);
	str_vprintfa(dest, fmt, args);
}

void settings_parser_error(struct settings_parser *parser,
			   const char *fmt, ...)
{
	va_list args;

	if (str_len(parser->errors) > 0)
		str_append_c(parser->errors, '\n');
	va_start(args, fmt);
	settings_parser_vmessage(parser, parser->errors, fmt, args);
	va_end(args);
}

void settings_parser_warning(struct settings_parser *parser,
			     const char *fmt, ...)
{
	string_t *str;
	const char *warning;
	va_list args;

	/* services: the master has reported these already */
	if ((parser->flags & SETTINGS_PARSER_FLAG_IGNORE_UNKNOWN) != 0)
		return;

	str = t_str_new(128);
	va_start(args, fmt);
	settings_parser_vmessage(parser, str, fmt, args);
	va_end(args);

	/* keep the array NULL-terminated */
	warning = p_strdup(parser->pool, str_c(str));
	array_insert(&parser->warnings, array_count(&parser->warnings) - 1,
		     &warning);
}

static void settings_parser_errors_begin(struct settings_parser *parser)
{
	parser->errors = str_new(default_pool, 256);
	parser->cur_file = NULL;
}

static int settings_parser_errors_end(struct settings_parser *parser,
				      const char **error_r)
{
	int ret = 0;

	if (str_len(parser->errors) > 0) {
		*error_r = t_strdup(str_c(parser->errors));
		ret = -1;
	}
	str_free(&parser->errors);
	return ret;
}

static struct settings_frame *
settings_frame_push(struct settings_parser *parser,
		    enum settings_frame_type type, const char *name,
		    const char *label)
{
	struct settings_frame *parent = array_idx_elem(
		&parser->frames, array_count(&parser->frames) - 1);
	struct settings_frame *frame = p_new(parser->pool,
					     struct settings_frame, 1);

	frame->type = type;
	p_array_init(&frame->targets, parser->pool, 4);
	frame->roots = parent->roots;
	frame->name = label == NULL ? p_strdup(parser->pool, name) :
		p_strdup_printf(parser->pool, "%s %s", name, label);
	frame->line = parser->cur_line;
	frame->file_level = parser->file_level;
	frame->scratch = parent->scratch;
	frame->protocol_override = parent->protocol_override;
	array_push_back(&parser->frames, &frame);
	return frame;
}

/* Makes frame the top level of its block, with copies of the current
   roots (scratch) or the current roots themselves. */
static void settings_frame_set_roots(struct settings_parser *parser,
				     struct settings_frame *frame,
				     bool scratch)
{
	const ARRAY_TYPE(settings_target) *roots = frame->roots;

	array_foreach(roots, root) {
		struct settings_target *target =
			array_append_space(&frame->targets);

		target->info = root->info;
		target->set = !scratch || frame->scratch ? root->set :
			settings_struct_copy(parser->pool, root->info,
					     root->set);
	}
	frame->scratch = frame->scratch || scratch;
	frame->roots = &frame->targets;
}

struct settings_parser *
settings_parser_init(pool_t pool,
		     const struct setting_parser_info *const *roots,
		     const char *protocol, enum settings_parser_flags flags)
{
	struct settings_parser *parser;
	struct settings_frame *frame;
	const char *null = NULL;

	parser = p_new(pool, struct settings_parser, 1);
	parser->pool = pool;
	parser->protocol = p_strdup(pool, protocol);
	parser->flags = flags;
	parser->protocol_keys = hash_table_create_str(pool, false);
	p_array_init(&parser->warnings, pool, 8);
	array_push_back(&parser->warnings, &null);
	parser->flat = str_new(pool, 1024);

	frame = p_new(pool, struct settings_frame, 1);
	frame->type = SETTINGS_FRAME_ROOT;
	frame->name = "";
	p_array_init(&frame->targets, pool, 8);
	frame->roots = &frame->targets;
	for (unsigned int i = 0; roots[i] != NULL; i++) {
		struct settings_target *target =
			array_append_space(&frame->targets);

		target->info = roots[i];
		target->set = settings_struct_new(pool, roots[i]);
	}
	parser->root_frame = frame;
	p_array_init(&parser->frames, pool, 8);
	array_push_back(&parser->frames, &frame);
	return parser;
}

void settings_parser_deinit(struct settings_parser **_parser)
{
	struct settings_parser *parser = *_parser;

	*_parser = NULL;
	hash_table_destroy(&parser->protocol_keys);
}

const char *settings_parser_path(struct settings_parser *parser,
				 const char *path)
{
	const char *slash;

	if (path[0] == '/' || parser->cur_file == NULL)
		return path;
	slash = strrchr(parser->cur_file, '/');
	if (slash == NULL)
		return path;
	return t_strdup_printf("%.*s/%s", (int)(slash - parser->cur_file),
			       parser->cur_file, path);
}

static void settings_unknown(struct settings_parser *parser, const char *name,
			     bool section)
{
	if ((parser->flags & SETTINGS_PARSER_FLAG_IGNORE_UNKNOWN) != 0)
		return;
	if (section && settings_dovecot_section_is_known(name)) {
		settings_parser_warning(parser,
			"Dovecot section not supported by Cove, ignored: %s",
			name);
	} else if (!section && settings_dovecot_setting_is_known(name)) {
		settings_parser_warning(parser,
			"Dovecot setting not supported by Cove, ignored: %s",
			name);
	} else {
		settings_parser_error(parser, "Unknown %s: %s",
				      section ? "section" : "setting", name);
	}
}

/* The value of a setting visible from frame: its own section first, then
   the top level. NULL if there is none. */
static const char *
settings_frame_lookup(const struct settings_frame *frame, const char *name)
{
	const struct setting_define *def;

	if (frame->type == SETTINGS_FRAME_SECTION) {
		array_foreach(&frame->targets, target) {
			def = settings_define_find(target->info, name);
			if (def != NULL && def->type != SET_DEFLIST &&
			    def->type != SET_STRLIST)
				return settings_value_to_text(def, target->set);
		}
	}
	array_foreach(frame->roots, root) {
		def = settings_define_find(root->info, name);
		if (def != NULL && def->type != SET_DEFLIST &&
		    def->type != SET_STRLIST)
			return settings_value_to_text(def, root->set);
	}
	return NULL;
}

/* Replaces each word that starts with $name by that setting's value
   (`mail_plugins = $mail_plugins quota` appends to the current value). */
static int settings_expand_vars(const struct settings_frame *frame,
				const char *value, const char **value_r,
				const char **error_r)
{
	string_t *str = t_str_new(128);
	const char *p, *name, *var_value;

	for (p = value; *p != '\0'; p++) {
		if (*p != '$' || (p != value && !IS_WHITE(p[-1])) ||
		    (!isalpha((unsigned char)p[1]) && p[1] != '_')) {
			str_append_c(str, *p);
			continue;
		}
		name = ++p;
		while (isalnum((unsigned char)*p) || *p == '_')
			p++;
		name = t_strndup(name, p - name);
		var_value = settings_frame_lookup(frame, name);
		if (var_value == NULL) {
			*error_r = t_strdup_printf("Unknown variable: $%s",
						   name);
			return -1;
		}
		str_append(str, var_value);
		p--;
	}
	*value_r = str_c(str);
	return 0;
}

/* The final text of a value: quoted as is, <file read, $vars expanded. */
static int settings_value_get(struct settings_parser *parser,
			      const struct settings_frame *frame,
			      const struct settings_line *line,
			      const char **value_r)
{
	const char *path, *error;

	if (line->quoted) {
		*value_r = line->value;
		return 0;
	}
	if (line->value[0] != '<') {
		if (settings_expand_vars(frame, line->value, value_r,
					 &error) < 0) {
			settings_parser_error(parser, "%s", error);
			return -1;
		}
		return 0;
	}
	path = line->value + 1;
	while (IS_WHITE(*path))
		path++;
	path = settings_parser_path(parser, path);
	if (settings_file_read_value(path, value_r, &error) < 0) {
		settings_parser_error(parser, "%s: %s", line->key, error);
		return -1;
	}
	return 0;
}

static const struct setting_define *
settings_target_find_key(const struct settings_target *target,
			 const char *key)
{
	const struct setting_define *def =
		settings_define_find(target->info, key);

	if (def == NULL || def->type == SET_DEFLIST ||
	    def->type == SET_STRLIST)
		return NULL;
	return def;
}

static void settings_strlist_apply(struct settings_parser *parser,
				   struct settings_frame *frame,
				   const struct settings_line *line)
{
	const char *value;

	if (settings_value_get(parser, frame, line, &value) < 0)
		return;
	settings_flat_value(parser, line, value);
	array_foreach(&frame->targets, target) {
		settings_strlist_set(parser->pool, target->set, line->key,
				     value);
	}
}

static void settings_key_apply(struct settings_parser *parser,
			       struct settings_frame *frame,
			       const struct settings_line *line)
{
	const struct setting_define *def;
	const char *value, *error;
	bool found = false, keep;

	array_foreach(&frame->targets, target) {
		if (settings_target_find_key(target, line->key) != NULL)
			found = true;
	}
	if (!found) {
		settings_unknown(parser, line->key, false);
		return;
	}
	if (settings_value_get(parser, frame, line, &value) < 0)
		return;
	settings_flat_value(parser, line, value);

	/* A global value read from a file after a matching protocol block
	   set the key is still checked, but not kept. */
	keep = frame->type != SETTINGS_FRAME_ROOT || parser->cur_file == NULL ||
		hash_table_lookup(parser->protocol_keys, line->key) == NULL;
	array_foreach(&frame->targets, target) {
		void *set = target->set;

		def = settings_target_find_key(target, line->key);
		if (def == NULL)
			continue;
		if (!keep)
			set = t_malloc(target->info->struct_size);
		if (settings_value_set(parser->pool, target->info, def, set,
				       value, &error) < 0) {
			settings_parser_error(parser, "%s: %s", line->key,
					      error);
			return;
		}
	}
	if (frame->type == SETTINGS_FRAME_FILTER && frame->protocol_override) {
		hash_table_update(parser->protocol_keys,
				  p_strdup(parser->pool, line->key), parser);
	}
}

static void settings_protocol_begin(struct settings_parser *parser,
				    const char *label)
{
	struct settings_frame *frame;
	bool negate, match;

	if (label == NULL) {
		settings_parser_error(parser, "protocol section needs a name");
		settings_frame_push(parser, SETTINGS_FRAME_SKIP, "protocol",
				    NULL);
		return;
	}
	frame = settings_frame_push(parser, SETTINGS_FRAME_FILTER, "protocol",
				    label);
	negate = label[0] == '!';
	match = parser->protocol != NULL &&
		(strcmp(label + (negate ? 1 : 0), parser->protocol) == 0) !=
		negate;
	settings_frame_set_roots(parser, frame, !match);
	if (match && !frame->scratch)
		frame->protocol_override = true;
}

/* Adds the targets of a `name [label] {` section to frame. Returns false
   if no parent target defines name. */
static bool settings_section_targets(struct settings_parser *parser,
				     const struct settings_frame *parent,
				     struct settings_frame *frame,
				     const char *name, const char *label)
{
	array_foreach(&parent->targets, parent_target) {
		const struct setting_define *def =
			settings_define_find(parent_target->info, name);
		struct settings_target *target;

		if (def == NULL || (def->type != SET_DEFLIST &&
				    def->type != SET_STRLIST))
			continue;
		if (array_count(&frame->targets) == 0) {
			frame->type = def->type == SET_DEFLIST ?
				SETTINGS_FRAME_SECTION : SETTINGS_FRAME_STRLIST;
		} else if ((def->type == SET_DEFLIST) !=
			   (frame->type == SETTINGS_FRAME_SECTION)) {
			/* the first root decided the kind of section */
			continue;
		}
		target = array_append_space(&frame->targets);
		if (def->type == SET_DEFLIST) {
			target->info = def->list_info;
			target->set = settings_section_get(parser->pool, def,
							   parent_target->set,
							   label);
		} else {
			target->set = SETTINGS_PTR(parent_target->set,
						   def->offset);
		}
	}
	return array_count(&frame->targets) > 0;
}

static void settings_section_begin(struct settings_parser *parser,
				   struct settings_frame *parent,
				   const char *name, const char *label)
{
	struct settings_frame *frame;
	bool top = parent->type == SETTINGS_FRAME_ROOT ||
		parent->type == SETTINGS_FRAME_FILTER;

	if (parent->type == SETTINGS_FRAME_SKIP) {
		settings_frame_push(parser, SETTINGS_FRAME_SKIP, name, label);
		return;
	}
	if (top && strcmp(name, "protocol") == 0) {
		settings_protocol_begin(parser, label);
		return;
	}
	if (top && (strcmp(name, "local") == 0 ||
		    strcmp(name, "remote") == 0)) {
		settings_parser_warning(parser,
			"local/remote filters are not supported by Cove, "
			"ignored: %s %s", name, label == NULL ? "" : label);
		frame = settings_frame_push(parser, SETTINGS_FRAME_FILTER,
					    name, label);
		settings_frame_set_roots(parser, frame, true);
		return;
	}

	frame = settings_frame_push(parser, SETTINGS_FRAME_SKIP, name, label);
	if (parent->type == SETTINGS_FRAME_STRLIST ||
	    !settings_section_targets(parser, parent, frame, name, label)) {
		frame->type = SETTINGS_FRAME_SKIP;
		settings_unknown(parser, name, true);
	}
}

void settings_parser_skip_section(struct settings_parser *parser,
				  const char *name)
{
	settings_frame_push(parser, SETTINGS_FRAME_SKIP, name, NULL);
}

static void settings_section_end(struct settings_parser *parser)
{
	unsigned int count = array_count(&parser->frames);
	struct settings_frame *frame = array_idx_elem(&parser->frames,
						      count - 1);

	if (count == 1 || frame->file_level != parser->file_level) {
		settings_parser_error(parser, "Unexpected '}'");
		return;
	}
	array_delete(&parser->frames, count - 1, 1);
}

void settings_parser_apply_line(struct settings_parser *parser,
				const struct settings_line *line)
{
	struct settings_frame *frame = array_idx_elem(
		&parser->frames, array_count(&parser->frames) - 1);

	switch (line->type) {
	case SETTINGS_LINE_SKIP:
		break;
	case SETTINGS_LINE_SECTION_BEGIN:
		settings_flat_section_begin(parser, line);
		settings_section_begin(parser, frame, line->key, line->value);
		break;
	case SETTINGS_LINE_SECTION_END:
		settings_flat_section_end(parser);
		settings_section_end(parser);
		break;
	case SETTINGS_LINE_INCLUDE:
	case SETTINGS_LINE_INCLUDE_TRY:
		if (frame->type != SETTINGS_FRAME_SKIP) {
			settings_file_include(parser, line->key,
				line->type == SETTINGS_LINE_INCLUDE_TRY);
		}
		break;
	case SETTINGS_LINE_KEYVALUE:
		if (frame->type == SETTINGS_FRAME_STRLIST)
			settings_strlist_apply(parser, frame, line);
		else if (frame->type != SETTINGS_FRAME_SKIP)
			settings_key_apply(parser, frame, line);
		break;
	}
}

int settings_parser_read_file(struct settings_parser *parser,
			      const char *path, const char **error_r)
{
	const char *error;
	bool enoent;

	settings_parser_errors_begin(parser);
	if (settings_file_read(parser, path, &enoent, &error) < 0)
		settings_parser_error(parser, "%s", error);
	return settings_parser_errors_end(parser, error_r);
}

int settings_parser_parse_line(struct settings_parser *parser,
			       const char *line, const char **error_r)
{
	struct settings_line parsed;
	const char *error;

	settings_parser_errors_begin(parser);
	if (settings_line_parse(line, &parsed, &error) < 0)
		settings_parser_error(parser, "%s", error);
	else if (parsed.type != SETTINGS_LINE_KEYVALUE)
		settings_parser_error(parser, "Expecting key=value: %s", line);
	else
		settings_key_apply(parser, parser->root_frame, &parsed);
	return settings_parser_errors_end(parser, error_r);
}

static void settings_check_struct(struct settings_parser *parser,
				  const struct setting_parser_info *info,
				  void *set, const char *path)
{
	const char *error;

	for (const struct setting_define *def = info->defines;
	     def->key != NULL; def++) {
		ARRAY_TYPE(settings_ptr) *list;

		if (def->type != SET_DEFLIST)
			continue;
		list = SETTINGS_PTR(set, def->offset);
		array_foreach(list, sectionp) {
			const char *label = settings_section_label(
				def->list_info, *sectionp);
			const char *name = label == NULL ? def->key :
				t_strdup_printf("%s %s", def->key, label);

			settings_check_struct(parser, def->list_info, *sectionp,
				path == NULL ? name :
				t_strdup_printf("%s/%s", path, name));
		}
	}
	if (info->check_func == NULL || info->check_func(set, parser->pool,
							  &error))
		return;
	if (path == NULL)
		settings_parser_error(parser, "%s", error);
	else
		settings_parser_error(parser, "%s: %s", path, error);
}

int settings_parser_check(struct settings_parser *parser,
			  const char **error_r)
{
	settings_parser_errors_begin(parser);
	array_foreach(&parser->root_frame->targets, root)
		settings_check_struct(parser, root->info, root->set, NULL);
	return settings_parser_errors_end(parser, error_r);
}

const char *const *settings_parser_get_warnings(struct settings_parser *parser)
{
	return array_front(&parser->warnings);
}

const char *settings_parser_get_flat_config(struct settings_parser *parser)
{
	return str_c(parser->flat);
}

void *settings_parser_get(struct settings_parser *parser,
			  const struct setting_parser_info *root)
{
	array_foreach(&parser->root_frame->targets, target) {
		if (target->info == root)
			return target->set;
	}
	i_panic("settings_parser_get(%s): not a root of this parser",
		root->module_name);
}

const char *settings_parser_get_value(struct settings_parser *parser,
				      const char *key)
{
	return settings_frame_lookup(parser->root_frame, key);
}
