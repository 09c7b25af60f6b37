/* Copyright (c) Cove authors. See AUTHORS. */

/* The union of all settings tables and services, for the master. Adding a
   service adds one line to each list below. */

#include "lib.h"
#include "str.h"
#include "master-service-settings.h"
#include "service-defaults.h"
#include "master-settings.h"
#include "master-all-settings.h"

extern const struct setting_parser_info auth_setting_parser_info;
extern const struct setting_parser_info login_setting_parser_info;
extern const struct setting_parser_info imap_login_setting_parser_info;
extern const struct setting_parser_info imap_setting_parser_info;
extern const struct setting_parser_info pop3_setting_parser_info;
extern const struct setting_parser_info lmtp_setting_parser_info;
extern const struct setting_parser_info deliver_setting_parser_info;
extern const struct setting_parser_info mail_storage_setting_parser_info;
extern const struct setting_parser_info submission_setting_parser_info;

extern const struct service_defaults auth_service_defaults;
extern const struct service_defaults imap_login_service_defaults;
extern const struct service_defaults imap_service_defaults;
extern const struct service_defaults pop3_login_service_defaults;
extern const struct service_defaults pop3_service_defaults;
extern const struct service_defaults lmtp_service_defaults;
extern const struct service_defaults submission_login_service_defaults;
extern const struct service_defaults submission_service_defaults;

const struct setting_parser_info *const master_all_setting_roots[] = {
	&master_service_setting_parser_info,
	&master_setting_parser_info,
	&auth_setting_parser_info,
	&login_setting_parser_info,
	&imap_login_setting_parser_info,
	&imap_setting_parser_info,
	&pop3_setting_parser_info,
	&lmtp_setting_parser_info,
	&deliver_setting_parser_info,
	&mail_storage_setting_parser_info,
	&submission_setting_parser_info,
	NULL
};

const struct service_defaults *const master_all_services[] = {
	&auth_service_defaults,
	&imap_login_service_defaults,
	&imap_service_defaults,
	&pop3_login_service_defaults,
	&pop3_service_defaults,
	&lmtp_service_defaults,
	&submission_login_service_defaults,
	&submission_service_defaults,
	NULL
};

const struct service_defaults *master_all_services_find(const char *name)
{
	for (unsigned int i = 0; master_all_services[i] != NULL; i++) {
		if (strcmp(master_all_services[i]->name, name) == 0)
			return master_all_services[i];
	}
	return NULL;
}

const char *master_all_services_names(void)
{
	string_t *str = t_str_new(64);

	for (unsigned int i = 0; master_all_services[i] != NULL; i++) {
		if (i > 0)
			str_append(str, ", ");
		str_append(str, master_all_services[i]->name);
	}
	return str_c(str);
}
