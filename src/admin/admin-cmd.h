/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef ADMIN_CMD_H
#define ADMIN_CMD_H

/* coveadm's command table: one entry per command, with its usage and help
   text. Each command group lives in its own admin-cmd-*.c file and
   registers its entries in admin_cmd_all[] (admin-cmd.c). */

#include "admin-print.h"

/* Exit codes scripts can rely on (sysexits.h values, as doveadm). */
enum admin_exit_code {
	ADMIN_EXIT_OK = 0,
	ADMIN_EXIT_USAGE = 64,
	ADMIN_EXIT_DATAERR = 65,
	ADMIN_EXIT_NOUSER = 67,
	ADMIN_EXIT_NOPERM = 77,
	ADMIN_EXIT_NOMAILBOX = 68,
	ADMIN_EXIT_TEMPFAIL = 75,
	ADMIN_EXIT_CONFIG = 78,
};

struct admin_context {
	const char *config_path;
	const struct master_service_settings *set;
	/* NULL when the config has errors */
	const struct mail_storage_settings *mail_set;
	/* -f; commands that print rows use admin-print.h */
	enum admin_print_format format;
};

enum admin_cmd_flags {
	/* Runs even when the config has errors (it only needs base_dir). */
	ADMIN_CMD_FLAG_CONFIG_ERRORS_OK = 0x01,
};

struct admin_cmd {
	const char *name;
	enum admin_cmd_flags flags;
	const char *usage;
	const char *help;
	/* argv[0] is the command name. Returns an admin_exit_code. */
	int (*run)(const struct admin_context *ctx, int argc, char *argv[]);
};

extern const struct admin_cmd admin_cmd_stop;
extern const struct admin_cmd admin_cmd_reload;
extern const struct admin_cmd admin_cmd_config;
extern const struct admin_cmd admin_cmd_pw;
extern const struct admin_cmd admin_cmd_auth;
extern const struct admin_cmd admin_cmd_user;
extern const struct admin_cmd admin_cmd_mailbox;
extern const struct admin_cmd admin_cmd_search;
extern const struct admin_cmd admin_cmd_fetch;
extern const struct admin_cmd admin_cmd_expunge;
extern const struct admin_cmd admin_cmd_flags;
extern const struct admin_cmd admin_cmd_move;
extern const struct admin_cmd admin_cmd_copy;
extern const struct admin_cmd admin_cmd_import;
extern const struct admin_cmd admin_cmd_index;
extern const struct admin_cmd admin_cmd_force_resync;
extern const struct admin_cmd admin_cmd_who;
extern const struct admin_cmd admin_cmd_kick;
extern const struct admin_cmd admin_cmd_service;
extern const struct admin_cmd admin_cmd_log;

/* NULL-terminated */
extern const struct admin_cmd *const admin_cmd_all[];

const struct admin_cmd *admin_cmd_find(const char *name);
/* Prints "usage: coveadm NAME USAGE" to stderr. */
void admin_cmd_print_usage(const struct admin_cmd *cmd);

#endif
