/* Copyright (c) Cove authors. See AUTHORS. */

/* The imap worker's settings table and service defaults, read by the
   worker and by the master. */

#include "lib.h"
#include "imap-settings.h"

#define IMAP_IDLE_NOTIFY_INTERVAL_MAX (15 * 60)
/* Keeps the timeout's milliseconds far from overflowing. */
#define IMAP_CLIENT_IDLE_TIMEOUT_MAX (24 * 60 * 60)

static const struct setting_define imap_setting_defines[] = {
	SETTING_DEFINE(SET_SIZE, imap_max_line_length, struct imap_settings),
	SETTING_DEFINE(SET_STR, imap_capability, struct imap_settings),
	SETTING_DEFINE(SET_SIZE, imap_max_append_size, struct imap_settings),
	SETTING_DEFINE(SET_TIME, imap_idle_notify_interval,
		       struct imap_settings),
	SETTING_DEFINE(SET_TIME, imap_client_idle_timeout,
		       struct imap_settings),
	SETTING_DEFINE_LIST_END
};

static const struct imap_settings imap_default_settings = {
	.imap_max_line_length = 64 * 1024,
	.imap_capability = "",
	.imap_max_append_size = 50 * 1024 * 1024,
	.imap_idle_notify_interval = 2 * 60,
	/* RFC 3501 5.4: at least 30 minutes (Dovecot hard-codes that) */
	.imap_client_idle_timeout = 30 * 60,
};

static bool imap_settings_check(void *_set, pool_t pool ATTR_UNUSED,
				const char **error_r)
{
	const struct imap_settings *set = _set;

	/* room for at least a tag, a command and a few arguments */
	if (set->imap_max_line_length < 1024) {
		*error_r = "imap_max_line_length must be at least 1k";
		return false;
	}
	if (set->imap_max_append_size == 0 ||
	    set->imap_max_append_size > SSIZE_MAX) {
		*error_r = "imap_max_append_size must be above 0";
		return false;
	}
	/* The keep-alive keeps middleboxes from dropping an idling
	   connection, and finds out when it is gone. */
	if (set->imap_idle_notify_interval == 0 ||
	    set->imap_idle_notify_interval > IMAP_IDLE_NOTIFY_INTERVAL_MAX) {
		*error_r = "imap_idle_notify_interval must be "
			"between 1 sec and 15 mins";
		return false;
	}
	if (set->imap_client_idle_timeout == 0 ||
	    set->imap_client_idle_timeout > IMAP_CLIENT_IDLE_TIMEOUT_MAX) {
		*error_r = "imap_client_idle_timeout must be "
			"between 1 sec and 1 day";
		return false;
	}
	return true;
}

const struct setting_parser_info imap_setting_parser_info = {
	.module_name = "imap",
	.defines = imap_setting_defines,
	.defaults = &imap_default_settings,
	.struct_size = sizeof(struct imap_settings),
	.type_offset = SIZE_MAX,
	.check_func = imap_settings_check,
};

const struct service_defaults imap_service_defaults =
	SERVICE_DEFAULTS_MAIL_WORKER("imap");
