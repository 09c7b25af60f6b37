/* Copyright (c) Cove authors. See AUTHORS. */

/* The command table and its lookup. */

#include "lib.h"
#include "master-service.h"
#include "admin-cmd.h"

const struct admin_cmd *const admin_cmd_all[] = {
	&admin_cmd_auth,
	&admin_cmd_config,
	&admin_cmd_copy,
	&admin_cmd_expunge,
	&admin_cmd_fetch,
	&admin_cmd_flags,
	&admin_cmd_force_resync,
	&admin_cmd_import,
	&admin_cmd_index,
	&admin_cmd_kick,
	&admin_cmd_log,
	&admin_cmd_mailbox,
	&admin_cmd_move,
	&admin_cmd_pw,
	&admin_cmd_reload,
	&admin_cmd_search,
	&admin_cmd_service,
	&admin_cmd_stop,
	&admin_cmd_user,
	&admin_cmd_who,
	NULL
};

const struct admin_cmd *admin_cmd_find(const char *name)
{
	for (unsigned int i = 0; admin_cmd_all[i] != NULL; i++) {
		if (strcmp(admin_cmd_all[i]->name, name) == 0)
			return admin_cmd_all[i];
	}
	return NULL;
}

void admin_cmd_print_usage(const struct admin_cmd *cmd)
{
	fprintf(stderr, "usage: coveadm %s%s%s\n", cmd->name,
		cmd->usage[0] == '\0' ? "" : " ", cmd->usage);
}
