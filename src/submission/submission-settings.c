/* Copyright (c) Cove authors. See AUTHORS. */

/* The submission worker's settings table, its check and the service
   defaults, read by the worker and by the master. */

#include "lib.h"
#include "submission-settings.h"

/* Keeps the idle timeout's milliseconds far from overflowing. */
#define SUBMISSION_CLIENT_IDLE_TIMEOUT_MAX (24 * 60 * 60)

static const struct setting_define submission_setting_defines[] = {
	SETTING_DEFINE(SET_STR, submission_relay_host,
		       struct submission_settings),
	SETTING_DEFINE(SET_UINT, submission_relay_port,
		       struct submission_settings),
	SETTING_DEFINE(SET_STR, submission_relay_user,
		       struct submission_settings),
	SETTING_DEFINE(SET_STR, submission_relay_password,
		       struct submission_settings),
	SETTING_DEFINE(SET_ENUM, submission_relay_ssl,
		       struct submission_settings),
	SETTING_DEFINE(SET_BOOL, submission_relay_ssl_verify,
		       struct submission_settings),
	SETTING_DEFINE(SET_STR, ssl_client_ca_file,
		       struct submission_settings),
	SETTING_DEFINE(SET_BOOL, submission_sender_check,
		       struct submission_settings),
	SETTING_DEFINE(SET_TIME, submission_relay_connect_timeout,
		       struct submission_settings),
	SETTING_DEFINE(SET_TIME, submission_relay_command_timeout,
		       struct submission_settings),
	SETTING_DEFINE(SET_SIZE, submission_max_mail_size,
		       struct submission_settings),
	SETTING_DEFINE(SET_UINT, submission_max_recipients,
		       struct submission_settings),
	SETTING_DEFINE(SET_TIME, submission_client_idle_timeout,
		       struct submission_settings),
	SETTING_DEFINE_LIST_END
};

static const struct submission_settings submission_default_settings = {
	.submission_relay_host = "",
	.submission_relay_port = 25,
	.submission_relay_user = "",
	.submission_relay_password = "",
	.submission_relay_ssl = "no:smtps:starttls",
	.submission_relay_ssl_verify = true,
	.ssl_client_ca_file = "",
	.submission_sender_check = false,
	.submission_relay_connect_timeout = 30,
	.submission_relay_command_timeout = 5 * 60,
	.submission_max_mail_size = 40 * 1024 * 1024,
	.submission_max_recipients = 1000,
	/* RFC 5321 4.5.3.2.7: at least 5 minutes (Dovecot hard-codes
	   that) */
	.submission_client_idle_timeout = 5 * 60,
};

static bool submission_settings_check(void *_set, pool_t pool ATTR_UNUSED,
				      const char **error_r)
{
	struct submission_settings *set = _set;

	if (set->submission_relay_port == 0 ||
	    set->submission_relay_port > 65535) {
		*error_r = "submission_relay_port must be 1..65535";
		return false;
	}
	if (set->submission_relay_user[0] == '\0' &&
	    set->submission_relay_password[0] != '\0') {
		*error_r = "submission_relay_password is set, but "
			"submission_relay_user is not";
		return false;
	}
	if (set->submission_max_mail_size == 0 ||
	    set->submission_max_mail_size > SUBMISSION_MAX_MAIL_SIZE_CAP)
		set->submission_max_mail_size = SUBMISSION_MAX_MAIL_SIZE_CAP;
	if (set->submission_max_recipients == 0) {
		*error_r = "submission_max_recipients must be at least 1";
		return false;
	}
	if (set->submission_client_idle_timeout == 0 ||
	    set->submission_client_idle_timeout >
	    SUBMISSION_CLIENT_IDLE_TIMEOUT_MAX) {
		*error_r = "submission_client_idle_timeout must be "
			"between 1 sec and 1 day";
		return false;
	}
	return true;
}

const struct setting_parser_info submission_setting_parser_info = {
	.module_name = "submission",
	.defines = submission_setting_defines,
	.defaults = &submission_default_settings,
	.struct_size = sizeof(struct submission_settings),
	.type_offset = SIZE_MAX,
	.check_func = submission_settings_check,
};

const struct service_defaults submission_service_defaults =
	SERVICE_DEFAULTS_MAIL_WORKER("submission");
