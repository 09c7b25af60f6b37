/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef SETTINGS_PARSER_PRIVATE_H
#define SETTINGS_PARSER_PRIVATE_H

/* Internals shared by the files of the settings parser: the parser state,
   the stack of open sections, and the helpers that touch settings structs
   generically through their setting_define tables. */

#include "settings-parser.h"

#include <sys/types.h>

#define SETTINGS_PTR(set, offset) ((void *)((char *)(set) + (offset)))

/* A generic view of an ARRAY(struct x *) or ARRAY_TYPE(const_string)
   field: both hold pointers. */
ARRAY_DEFINE_TYPE(settings_ptr, void *);

/* One struct that a line applies to. For a strlist section, info is NULL
   and set points to the ARRAY_TYPE(const_string) field. */
struct settings_target {
	const struct setting_parser_info *info;
	void *set;
};
ARRAY_DEFINE_TYPE(settings_target, struct settings_target);

enum settings_frame_type {
	/* The real top level. */
	SETTINGS_FRAME_ROOT,
	/* protocol/local/remote block: top-level keys of real or scratch
	   roots. */
	SETTINGS_FRAME_FILTER,
	/* A SET_DEFLIST section. */
	SETTINGS_FRAME_SECTION,
	/* A SET_STRLIST section: any key goes. */
	SETTINGS_FRAME_STRLIST,
	/* An ignored section: only braces are followed. */
	SETTINGS_FRAME_SKIP,
};

struct settings_frame {
	enum settings_frame_type type;
	/* What keys and sections apply to. */
	ARRAY_TYPE(settings_target) targets;
	/* The top-level targets in effect ($var lookups). */
	const ARRAY_TYPE(settings_target) *roots;
	/* "service imap-login", for messages. */
	const char *name;
	/* The line that opened the section, and the include level of its
	   file (a section must be closed in the file that opened it). */
	unsigned int line;
	unsigned int file_level;
	/* Targets are throwaway copies: values are checked, then dropped. */
	bool scratch;
	/* Inside a protocol block that matches the parser's protocol. */
	bool protocol_override;
};

/* Deeper !include nesting is an error. */
#define SETTINGS_INCLUDE_MAX_DEPTH 20

/* A config file being read (include loops are found by these). */
struct settings_file_id {
	dev_t dev;
	ino_t ino;
};

struct settings_parser {
	pool_t pool;
	const char *protocol;
	enum settings_parser_flags flags;

	/* The top level: its targets are the root structs. */
	struct settings_frame *root_frame;
	/* Open sections; the first entry is the root frame. */
	ARRAY(struct settings_frame *) frames;
	/* Top-level keys set by a matching protocol block: later global
	   values of these keys do not override them. */
	struct hash_table *protocol_keys;

	/* Every line applied, as one self-contained file: includes
	   expanded, values final (see settings_parser_get_flat_config()). */
	string_t *flat;
	/* Collected during settings_parser_read_file(): lines of errors. */
	string_t *errors;
	/* NULL-terminated. */
	ARRAY_TYPE(const_string) warnings;
	/* Current file and line (NULL file: a settings_parser_parse_line()
	   call). */
	const char *cur_file;
	unsigned int cur_line;
	unsigned int file_level;
	/* The files being read, by level (file_ids[0]: the top one). */
	struct settings_file_id file_ids[SETTINGS_INCLUDE_MAX_DEPTH + 1];
	/* Files read so far (the top one and the included ones). */
	unsigned int files_read;
};

/* A line of the config file, split by settings_line_parse(). */
enum settings_line_type {
	SETTINGS_LINE_SKIP,
	SETTINGS_LINE_KEYVALUE,
	SETTINGS_LINE_SECTION_BEGIN,
	SETTINGS_LINE_SECTION_END,
	SETTINGS_LINE_INCLUDE,
	SETTINGS_LINE_INCLUDE_TRY,
};

struct settings_line {
	enum settings_line_type type;
	/* Key, section name, or include path. */
	const char *key;
	/* Value (KEYVALUE) or section label (SECTION_BEGIN, may be NULL). */
	const char *value;
	/* The value was quoted: no <file or $var processing. */
	bool quoted;
};

/* settings-line.c: splits one line (from the temporary frame). Returns 0,
   or -1 with error_r; a broken line that opens a section (garbage after
   its '{', or ending in '{') still has type SECTION_BEGIN then. */
int settings_line_parse(const char *line, struct settings_line *line_r,
			const char **error_r);

/* settings-parser.c */
void settings_parser_error(struct settings_parser *parser,
			   const char *fmt, ...) ATTR_FORMAT(2, 3);
void settings_parser_warning(struct settings_parser *parser,
			     const char *fmt, ...) ATTR_FORMAT(2, 3);
/* Handles one split line in the current frame. */
void settings_parser_apply_line(struct settings_parser *parser,
				const struct settings_line *line);
/* Opens a section whose content is ignored (after a syntax error in its
   opening line). */
void settings_parser_skip_section(struct settings_parser *parser,
				  const char *name);
/* Relative paths are taken relative to the current file's directory. */
const char *settings_parser_path(struct settings_parser *parser,
				 const char *path);

/* settings-dump.c: writes value as a quoted string ("..." with \" and
   \\ escapes), and a section label, quoted when it is not one word. */
void settings_append_quoted(string_t *dest, const char *value);
void settings_append_label(string_t *dest, const char *label);

/* settings-flat.c: records applied lines into parser->flat. */
void settings_flat_section_begin(struct settings_parser *parser,
				 const struct settings_line *line);
void settings_flat_section_end(struct settings_parser *parser);
void settings_flat_value(struct settings_parser *parser,
			 const struct settings_line *line, const char *value);

/* settings-file.c: reads path and applies its lines, reporting errors
   with file:line into parser->errors. Returns 0, or -1 if path could not
   be read (then error_r says why, *enoent_r whether it is missing, and
   nothing was reported). */
int settings_file_read(struct settings_parser *parser, const char *path,
		       bool *enoent_r, const char **error_r);
/* Handles !include / !include_try. */
void settings_file_include(struct settings_parser *parser,
			   const char *pattern, bool try_only);
/* Reads a `key = <path` value file. Returns 0, or -1 with error_r. */
int settings_file_read_value(const char *path, const char **value_r,
			     const char **error_r);

/* settings-struct.c: generic access to settings structs. */
const struct setting_define *
settings_define_find(const struct setting_parser_info *info,
		     const char *key);
/* New struct filled from info's defaults (enums resolved to their first
   value, lists empty). */
void *settings_struct_new(pool_t pool, const struct setting_parser_info *info);
/* Copy of set whose lists are new and empty. */
void *settings_struct_copy(pool_t pool, const struct setting_parser_info *info,
			   const void *set);
/* Finds the section with label in the list field, or adds a new one. */
void *settings_section_get(pool_t pool, const struct setting_define *def,
			   void *set, const char *label);
/* Parses value for def and stores it in set (the struct). Returns 0, or
   -1 with error_r. */
int settings_value_set(pool_t pool, const struct setting_parser_info *info,
		       const struct setting_define *def, void *set,
		       const char *value, const char **error_r);
/* Sets key in a strlist field, replacing an earlier value. */
void settings_strlist_set(pool_t pool, ARRAY_TYPE(const_string) *list,
			  const char *key, const char *value);
/* The value of a field as text (from the temporary frame), or NULL for
   lists. */
const char *settings_value_to_text(const struct setting_define *def,
				   const void *set);
/* The section's label (type_offset field), or NULL. */
const char *settings_section_label(const struct setting_parser_info *info,
				   const void *set);

/* settings-dovecot-names.c: Dovecot 2.3 setting and section names that
   Cove does not implement; they warn instead of failing. */
bool settings_dovecot_setting_is_known(const char *name);
bool settings_dovecot_section_is_known(const char *name);
extern const char *const settings_dovecot_setting_names[];
extern const unsigned int settings_dovecot_setting_names_count;
extern const char *const settings_dovecot_section_names[];
extern const unsigned int settings_dovecot_section_names_count;

#endif
