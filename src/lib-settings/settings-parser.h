/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef SETTINGS_PARSER_H
#define SETTINGS_PARSER_H

/* Typed settings tables and the cove.conf reader (Dovecot 2.3 syntax).

   Each module declares its settings in one place:

     struct imap_settings { const char *imap_capability; unsigned int
	imap_max_line_length; bool verbose_proctitle; };
     static const struct setting_define imap_setting_defines[] = {
	SETTING_DEFINE(SET_UINT, imap_max_line_length, struct imap_settings),
	...
	SETTING_DEFINE_LIST_END
     };
     const struct setting_parser_info imap_setting_parser_info = {
	.module_name = "imap", .defines = imap_setting_defines,
	.defaults = &imap_default_settings,
	.struct_size = sizeof(struct imap_settings),
	.check_func = imap_settings_check,
     };

   A settings parser is created with a list of root infos. Top-level keys
   belong to whichever root infos define them (a key may be shared: every
   root that defines it gets the value). Sections are SET_DEFLIST entries:
   `passdb { ... }`, `service imap-login { inet_listener imap { ... } }`,
   parsed into an ARRAY of pointers to structs of the list's info.

   File syntax: `key = value`, `key = "quoted value"`, `# comment`,
   `section [name] { ... }`, `!include path-or-glob`, `!include_try ...`
   (relative to the including file's directory), `key = <path` reads the
   value from a file, `$key` in a value expands to that setting's current
   value (`$default_login_user`). `protocol NAME { ... }` blocks hold
   overrides that apply only when the parser's protocol is NAME.

   Errors name file:line. settings_parser_read_file() keeps going after an
   error and reports all of them, one per line, in error_r. */

#include "array.h"
#include "str.h"

enum setting_type {
	SET_BOOL,	/* yes/no */
	SET_UINT,	/* decimal */
	SET_UINT_OCT,	/* octal, e.g. unix socket mode 0600 */
	SET_SIZE,	/* uoff_t; 10k, 10M, 1G suffixes */
	SET_TIME,	/* unsigned int seconds; "5 secs", "1 min", "2h" */
	SET_TIME_MSECS,	/* unsigned int milliseconds; "500 ms", "2 s" */
	SET_STR,	/* const char * */
	SET_ENUM,	/* const char *; default holds "a:b:c", first = default */
	SET_IN_PORT,	/* in_port_t, 0..65535 */
	SET_DEFLIST,	/* ARRAY(struct x *) of sections of list_info */
	SET_STRLIST,	/* ARRAY_TYPE(const_string): key, value, key, ... */
};

struct setting_parser_info;

struct setting_define {
	enum setting_type type;
	const char *key;
	size_t offset;
	const struct setting_parser_info *list_info;
};

#define SETTING_DEFINE(type, name, struct_name) \
	{ type, #name, offsetof(struct_name, name), NULL }
#define SETTING_DEFINE_KEY(type, key, name, struct_name) \
	{ type, key, offsetof(struct_name, name), NULL }
#define SETTING_DEFINE_DEFLIST(name, key, struct_name, info) \
	{ SET_DEFLIST, key, offsetof(struct_name, name), info }
#define SETTING_DEFINE_LIST_END { 0, NULL, 0, NULL }

struct setting_parser_info {
	const char *module_name;
	const struct setting_define *defines;
	/* Struct holding the default values (same type as the settings). */
	const void *defaults;
	size_t struct_size;
	/* For sections: offset of the const char * field that receives the
	   section's name (`service imap { }` -> "imap"), or SIZE_MAX. */
	size_t type_offset;
	/* Validates and pre-parses; returns false with error_r. Called for
	   every section and root after the whole file is read. */
	bool (*check_func)(void *set, pool_t pool, const char **error_r);
};

enum settings_parser_flags {
	/* Services: the master already rejected unknown keys. */
	SETTINGS_PARSER_FLAG_IGNORE_UNKNOWN = 0x01,
};

struct settings_parser;

/* roots is NULL-terminated. protocol selects `protocol X { }` overrides
   (NULL: none apply). Everything lives in pool. */
struct settings_parser *
settings_parser_init(pool_t pool, const struct setting_parser_info *const *roots,
		     const char *protocol, enum settings_parser_flags flags);
void settings_parser_deinit(struct settings_parser **parser);

/* Reads path (and its includes). Returns 0, or -1 with error_r holding
   every error found ("/etc/cove/conf.d/10-mail.conf:12: Unknown setting:
   mail_lokation"), one per line. Warnings (Dovecot settings that Cove
   does not implement) are collected, see settings_parser_get_warnings(). */
int settings_parser_read_file(struct settings_parser *parser,
			      const char *path, const char **error_r);
/* Applies one "key=value" line (command line overrides, tests). */
int settings_parser_parse_line(struct settings_parser *parser,
			       const char *line, const char **error_r);
/* Runs the check functions. Returns 0, or -1 with every error in error_r. */
int settings_parser_check(struct settings_parser *parser,
			  const char **error_r);
/* Warning lines, NULL-terminated. */
const char *const *settings_parser_get_warnings(struct settings_parser *parser);

/* Returns the filled settings struct of one of the roots (from pool). */
void *settings_parser_get(struct settings_parser *parser,
			  const struct setting_parser_info *root);
/* Appends "key = value" lines, sections as "name {" ... "}", for the
   settings that differ from defaults (all=false, like doveconf -n) or for
   all settings (all=true). */
void settings_parser_dump(struct settings_parser *parser, bool all,
			  string_t *dest);
/* The configuration as read, as one self-contained file that parses back
   to the same settings: includes expanded in place, $variables replaced,
   values quoted; `key = <file` keeps the file's absolute path. The master
   gives this snapshot to the services, so that they never read a config
   file that it has not validated. Valid until the parser is freed. */
const char *settings_parser_get_flat_config(struct settings_parser *parser);
/* The value of a top-level key as text, or NULL if unknown. */
const char *settings_parser_get_value(struct settings_parser *parser,
				      const char *key);

/* Parsers for single values, shared with callers that read settings from
   elsewhere. Return 0, or -1 with error_r. */
int settings_get_bool(const char *value, bool *result_r,
		      const char **error_r);
int settings_get_size(const char *value, uoff_t *result_r,
		      const char **error_r);
int settings_get_time(const char *value, unsigned int *secs_r,
		      const char **error_r);
int settings_get_time_msecs(const char *value, unsigned int *msecs_r,
			    const char **error_r);

#endif
