/* Copyright (c) Cove authors. See AUTHORS. */

/* coveadm: the administrator's command-line tool. Parses the global
   options, reads the config, and runs one command from the table. */

#include "lib.h"
#include "master-service.h"
#include "mail-storage-settings.h"
#include "admin-print.h"
#include "admin-cmd.h"

/* To stdout when asked for, to stderr after a usage error. */
static void admin_print_help(FILE *out, const struct admin_cmd *only)
{
	if (only != NULL) {
		fprintf(out, "usage: coveadm %s%s%s\n  %s\n", only->name,
			only->usage[0] == '\0' ? "" : " ", only->usage,
			only->help);
		return;
	}
	fprintf(out, "usage: coveadm [-c CONFIG] [-f table|flow|tab|json] "
		"COMMAND [ARGS]\n\n"
		"Commands:\n");
	for (unsigned int i = 0; admin_cmd_all[i] != NULL; i++) {
		const struct admin_cmd *cmd = admin_cmd_all[i];

		fprintf(out, "  %s %s\n      %s\n", cmd->name, cmd->usage,
			cmd->help);
	}
	fprintf(out, "  help [COMMAND]\n      Show this help, or one "
		"command's.\n");
}

static int admin_run(int argc, char *argv[])
{
	enum admin_print_format format = ADMIN_PRINT_FORMAT_DEFAULT;
	const struct admin_cmd *cmd;
	struct admin_context ctx;
	const char *config_error;
	int ret;

	/* the global -f FORMAT, before the command */
	if (argc >= 3 && strcmp(argv[1], "-f") == 0) {
		if (admin_print_format_parse(argv[2], &format) < 0) {
			fprintf(stderr, "coveadm: Unknown format '%s' "
				"(table, flow, tab or json)\n", argv[2]);
			return ADMIN_EXIT_USAGE;
		}
		argc -= 2;
		argv += 2;
	}
	if (argc < 2 || strcmp(argv[1], "help") == 0) {
		cmd = argc > 2 ? admin_cmd_find(argv[2]) : NULL;
		admin_print_help(argc < 2 ? stderr : stdout, cmd);
		return argc < 2 ? ADMIN_EXIT_USAGE : ADMIN_EXIT_OK;
	}
	cmd = admin_cmd_find(argv[1]);
	if (cmd == NULL) {
		fprintf(stderr, "coveadm: Unknown command '%s' "
			"(coveadm help lists them)\n", argv[1]);
		return ADMIN_EXIT_USAGE;
	}
	config_error = master_service_get_config_error(master_service);
	if (config_error != NULL &&
	    (cmd->flags & ADMIN_CMD_FLAG_CONFIG_ERRORS_OK) == 0) {
		fprintf(stderr, "coveadm: Invalid configuration in %s:\n%s\n",
			master_service_get_config_path(master_service),
			config_error);
		return ADMIN_EXIT_CONFIG;
	}
	ctx.config_path = master_service_get_config_path(master_service);
	ctx.set = master_service_get_common_settings(master_service);
	ctx.mail_set = config_error != NULL ? NULL :
		master_service_get_settings(master_service,
					    &mail_storage_setting_parser_info);
	ctx.format = format;
	ret = cmd->run(&ctx, argc - 1, argv + 1);
	if (ret == ADMIN_EXIT_USAGE)
		admin_cmd_print_usage(cmd);
	return ret;
}

int main(int argc, char *argv[])
{
	static const struct setting_parser_info *set_roots[] = {
		&mail_storage_setting_parser_info,
		NULL
	};
	int ret;

	master_service = master_service_init("coveadm",
		MASTER_SERVICE_FLAG_STANDALONE |
		MASTER_SERVICE_FLAG_TOLERATE_CONFIG_ERRORS, &argc, &argv,
		set_roots);
	master_service_init_finish(master_service);
	T_BEGIN {
		ret = admin_run(argc, argv);
	} T_END;
	master_service_deinit(&master_service);
	return ret;
}
