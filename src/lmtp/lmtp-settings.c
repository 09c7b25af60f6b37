/* Copyright (c) Cove authors. See AUTHORS. */

/* The lmtp settings table and the service's defaults, read by the lmtp
   process itself and by the master. */

#include "lib.h"
#include "lmtp-settings.h"

/* Keeps the idle timeout's milliseconds far from overflowing. */
#define LMTP_CLIENT_IDLE_TIMEOUT_MAX (24 * 60 * 60)

static const struct setting_define lmtp_setting_defines[] = {
	SETTING_DEFINE(SET_STR, recipient_delimiter, struct lmtp_settings),
	SETTING_DEFINE(SET_BOOL, lmtp_save_to_detail_mailbox,
		       struct lmtp_settings),
	SETTING_DEFINE(SET_SIZE, lmtp_max_message_size, struct lmtp_settings),
	SETTING_DEFINE(SET_UINT, lmtp_max_recipients, struct lmtp_settings),
	SETTING_DEFINE(SET_TIME, lmtp_client_idle_timeout,
		       struct lmtp_settings),
	SETTING_DEFINE_LIST_END
};

static const struct lmtp_settings lmtp_default_settings = {
	.recipient_delimiter = "+",
	.lmtp_save_to_detail_mailbox = false,
	/* Cove limit: Postfix's message_size_limit default is 10M; leave
	   room for what a site raises it to */
	.lmtp_max_message_size = 100 * 1024 * 1024,
	/* Cove limit: Postfix sends at most lmtp_destination_recipient_limit
	   (default 50) per transaction */
	.lmtp_max_recipients = 1000,
	/* RFC 5321 4.5.3.2.7: at least 5 minutes (Dovecot hard-codes
	   that) */
	.lmtp_client_idle_timeout = 5 * 60,
};

static bool lmtp_settings_check(void *_set, pool_t pool ATTR_UNUSED,
				const char **error_r)
{
	struct lmtp_settings *set = _set;

	if (set->lmtp_max_recipients == 0) {
		*error_r = "lmtp_max_recipients must not be 0";
		return false;
	}
	if (set->lmtp_client_idle_timeout == 0 ||
	    set->lmtp_client_idle_timeout > LMTP_CLIENT_IDLE_TIMEOUT_MAX) {
		*error_r = "lmtp_client_idle_timeout must be "
			"between 1 sec and 1 day";
		return false;
	}
	return true;
}

const struct setting_parser_info lmtp_setting_parser_info = {
	.module_name = "lmtp",
	.defines = lmtp_setting_defines,
	.defaults = &lmtp_default_settings,
	.struct_size = sizeof(struct lmtp_settings),
	.type_offset = SIZE_MAX,
	.check_func = lmtp_settings_check,
};

static const struct service_listener_defaults lmtp_listeners[] = {
	{ .kind = "unix", .name = "lmtp", .mode = 0666 },
	{ .kind = NULL }
};

const struct service_defaults lmtp_service_defaults = {
	.name = "lmtp",
	.protocol = "lmtp",
	.executable = "lmtp",
	.type = SERVICE_TYPE_LISTEN,
	/* stays root when the master is root: each delivery is written as
	   its recipient (restrict_access_temp()) */
	.user = NULL,
	.chroot = NULL,
	.process_limit = 0,
	/* a delivery blocks its process until the mail is fsynced: the
	   processes are the delivery concurrency. The master keeps
	   process_min_avail of them listening and starts none on demand,
	   so this many MTA sessions are served at once (the rest wait in
	   the listen queue); Postfix opens up to
	   lmtp_destination_concurrency_limit, 20 by default. An idle one
	   costs about 200 KB. */
	.client_limit = 1,
	.process_min_avail = 10,
	.listeners = lmtp_listeners,
};
