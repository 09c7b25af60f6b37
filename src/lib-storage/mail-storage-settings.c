/* Copyright (c) Cove authors. See AUTHORS. */

/* The mail storage settings table (Dovecot names and defaults). */

#include "lib.h"
#include "mail-storage-settings.h"

static const struct setting_define mail_storage_setting_defines[] = {
	SETTING_DEFINE(SET_STR, mail_location, struct mail_storage_settings),
	SETTING_DEFINE(SET_STR, mail_uid, struct mail_storage_settings),
	SETTING_DEFINE(SET_STR, mail_gid, struct mail_storage_settings),
	SETTING_DEFINE(SET_STR, mail_privileged_group,
		       struct mail_storage_settings),
	SETTING_DEFINE(SET_UINT, first_valid_uid,
		       struct mail_storage_settings),
	SETTING_DEFINE(SET_UINT, last_valid_uid,
		       struct mail_storage_settings),
	SETTING_DEFINE(SET_UINT, first_valid_gid,
		       struct mail_storage_settings),
	SETTING_DEFINE(SET_UINT, last_valid_gid,
		       struct mail_storage_settings),
	SETTING_DEFINE(SET_ENUM, mail_fsync, struct mail_storage_settings),
	SETTING_DEFINE(SET_STR, mail_temp_dir, struct mail_storage_settings),
	SETTING_DEFINE(SET_BOOL, mail_debug, struct mail_storage_settings),
	SETTING_DEFINE(SET_BOOL, lda_mailbox_autocreate,
		       struct mail_storage_settings),
	SETTING_DEFINE_LIST_END
};

static const struct mail_storage_settings mail_storage_default_settings = {
	.mail_location = "maildir:~/Maildir",
	.mail_uid = "",
	.mail_gid = "",
	.mail_privileged_group = "",
	.first_valid_uid = 500,
	.last_valid_uid = 0,
	.first_valid_gid = 1,
	.last_valid_gid = 0,
	.mail_fsync = "optimized:always:never",
	.mail_temp_dir = "/tmp",
	.mail_debug = false,
	.lda_mailbox_autocreate = false,
};

static bool mail_storage_settings_check(void *_set, pool_t pool ATTR_UNUSED,
					const char **error_r)
{
	struct mail_storage_settings *set = _set;

	if (set->last_valid_uid != 0 &&
	    set->last_valid_uid < set->first_valid_uid) {
		*error_r = "last_valid_uid is lower than first_valid_uid";
		return false;
	}
	if (set->last_valid_gid != 0 &&
	    set->last_valid_gid < set->first_valid_gid) {
		*error_r = "last_valid_gid is lower than first_valid_gid";
		return false;
	}
	if (set->mail_temp_dir[0] != '/') {
		*error_r = "mail_temp_dir must be an absolute path";
		return false;
	}
	return true;
}

const struct setting_parser_info mail_storage_setting_parser_info = {
	.module_name = "mail",
	.defines = mail_storage_setting_defines,
	.defaults = &mail_storage_default_settings,
	.struct_size = sizeof(struct mail_storage_settings),
	.type_offset = SIZE_MAX,
	.check_func = mail_storage_settings_check,
};
