/* Copyright (c) Cove authors. See AUTHORS. */

/* The mail storage settings table (Dovecot names and defaults), with the
   namespace { mailbox { } } sections of 10-mail.conf and
   15-mailboxes.conf. */

#include "lib.h"
#include "mail-storage-settings.h"
#include "mbox/mbox-lock.h"

#include <stddef.h>
#include <strings.h>

static const struct setting_define mailbox_setting_defines[] = {
	SETTING_DEFINE_KEY(SET_ENUM, "auto", autocreate,
			   struct mailbox_settings),
	SETTING_DEFINE(SET_STR, special_use, struct mailbox_settings),
	SETTING_DEFINE_LIST_END
};

static const struct mailbox_settings mailbox_default_settings = {
	.name = "",
	.autocreate = "no:create:subscribe",
	.special_use = "",
};

/* RFC 6154 flags (and \All etc. that a config may name). */
static const char *const mailbox_special_use_flags[] = {
	"\\All", "\\Archive", "\\Drafts", "\\Flagged", "\\Junk",
	"\\Sent", "\\Trash", "\\Important",
};

static bool mailbox_special_use_is_valid(const char *flag)
{
	unsigned int i;

	for (i = 0; i < N_ELEMENTS(mailbox_special_use_flags); i++) {
		if (strcasecmp(flag, mailbox_special_use_flags[i]) == 0)
			return true;
	}
	return false;
}

static bool mailbox_settings_check(void *_set, pool_t pool ATTR_UNUSED,
				   const char **error_r)
{
	struct mailbox_settings *set = _set;
	const char *const *flags = t_strsplit_spaces(set->special_use, " ");

	if (set->name[0] == '\0') {
		*error_r = "mailbox section has no name";
		return false;
	}
	for (; *flags != NULL; flags++) {
		if (!mailbox_special_use_is_valid(*flags)) {
			*error_r = t_strdup_printf(
				"mailbox %s: Invalid special_use flag: %s",
				set->name, *flags);
			return false;
		}
	}
	return true;
}

static const struct setting_parser_info mailbox_setting_parser_info = {
	.module_name = "mailbox",
	.defines = mailbox_setting_defines,
	.defaults = &mailbox_default_settings,
	.struct_size = sizeof(struct mailbox_settings),
	.type_offset = offsetof(struct mailbox_settings, name),
	.check_func = mailbox_settings_check,
};

#undef DEF
#define DEF(type, name) \
	SETTING_DEFINE(type, name, struct mail_namespace_settings)

static const struct setting_define mail_namespace_setting_defines[] = {
	DEF(SET_ENUM, type),
	DEF(SET_STR, separator),
	DEF(SET_STR, prefix),
	DEF(SET_STR, location),
	DEF(SET_BOOL, inbox),
	SETTING_DEFINE_DEFLIST(mailboxes, "mailbox",
			       struct mail_namespace_settings,
			       &mailbox_setting_parser_info),
	SETTING_DEFINE_LIST_END
};

static const struct mail_namespace_settings mail_namespace_default_settings = {
	.name = "",
	.type = "private:shared:public",
	.separator = "",
	.prefix = "",
	.location = "",
	.inbox = false,
};

static bool mail_namespace_settings_check(void *_set, pool_t pool ATTR_UNUSED,
					  const char **error_r)
{
	struct mail_namespace_settings *set = _set;
	size_t len = strlen(set->prefix);

	if (strlen(set->separator) > 1 ||
	    (set->separator[0] != '\0' &&
	     (set->separator[0] <= 0x20 || set->separator[0] >= 0x7f ||
	      strchr("%*\"\\", set->separator[0]) != NULL))) {
		*error_r = t_strdup_printf(
			"namespace %s: Invalid separator: %s",
			set->name, set->separator);
		return false;
	}
	if (len > 0 && set->prefix[len - 1] !=
	    (set->separator[0] == '\0' ? '.' : set->separator[0])) {
		*error_r = t_strdup_printf(
			"namespace %s: prefix must end with the separator",
			set->name);
		return false;
	}
	if (strcmp(set->type, "private") != 0) {
		*error_r = t_strdup_printf(
			"namespace %s: only private namespaces are supported",
			set->name);
		return false;
	}
	if (set->location[0] != '\0') {
		*error_r = t_strdup_printf(
			"namespace %s: location is not supported "
			"(set mail_location)", set->name);
		return false;
	}
	return true;
}

static const struct setting_parser_info mail_namespace_setting_parser_info = {
	.module_name = "namespace",
	.defines = mail_namespace_setting_defines,
	.defaults = &mail_namespace_default_settings,
	.struct_size = sizeof(struct mail_namespace_settings),
	.type_offset = offsetof(struct mail_namespace_settings, name),
	.check_func = mail_namespace_settings_check,
};

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
	SETTING_DEFINE(SET_STR, mbox_read_locks, struct mail_storage_settings),
	SETTING_DEFINE(SET_STR, mbox_write_locks, struct mail_storage_settings),
	SETTING_DEFINE(SET_TIME, mbox_lock_timeout,
		       struct mail_storage_settings),
	SETTING_DEFINE(SET_TIME, mbox_dotlock_change_timeout,
		       struct mail_storage_settings),
	SETTING_DEFINE_DEFLIST(namespaces, "namespace",
			       struct mail_storage_settings,
			       &mail_namespace_setting_parser_info),
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
	.mbox_read_locks = "fcntl",
	.mbox_write_locks = "dotlock fcntl",
	.mbox_lock_timeout = 5 * 60,
	.mbox_dotlock_change_timeout = 2 * 60,
	.namespaces = { { NULL, 0 } },
};

static bool mail_storage_settings_check(void *_set, pool_t pool ATTR_UNUSED,
					const char **error_r)
{
	struct mail_storage_settings *set = _set;
	const char *error;

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
	if (mbox_lock_methods_check(set->mbox_read_locks, &error) < 0 ||
	    mbox_lock_methods_check(set->mbox_write_locks, &error) < 0) {
		*error_r = t_strdup_printf("mbox_read_locks/mbox_write_locks: %s",
					   error);
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

const struct mail_namespace_settings *
mail_storage_settings_get_namespace(const struct mail_storage_settings *set)
{
	struct mail_namespace_settings *const *nss;
	unsigned int i, count;

	if (!array_is_created(&set->namespaces))
		return NULL;
	nss = array_get(&set->namespaces, &count);
	for (i = 0; i < count; i++) {
		if (nss[i]->inbox)
			return nss[i];
	}
	return count == 0 ? NULL : nss[0];
}
