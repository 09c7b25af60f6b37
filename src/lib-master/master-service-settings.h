/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef MASTER_SERVICE_SETTINGS_H
#define MASTER_SERVICE_SETTINGS_H

/* Settings every process shares (Dovecot's names and defaults). */

#include "settings-parser.h"

struct master_service_settings {
	const char *base_dir;
	const char *state_dir;
	const char *log_path;
	const char *protocols;
	const char *listen;
	const char *default_login_user;
	const char *default_internal_user;
	const char *hostname;
	const char *postmaster_address;
	unsigned int default_process_limit;
	unsigned int default_client_limit;
	/* Sessions of one user from one IP per protocol (the post-login
	   worker refuses more); 0: no limit. */
	unsigned int mail_max_userip_connections;
};

extern const struct setting_parser_info master_service_setting_parser_info;

/* hostname setting, or gethostname() if empty. */
const char *master_service_settings_get_hostname(
	const struct master_service_settings *set);

#endif
