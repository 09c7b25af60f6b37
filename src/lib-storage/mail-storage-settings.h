/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef MAIL_STORAGE_SETTINGS_H
#define MAIL_STORAGE_SETTINGS_H

/* Settings shared by every process that opens mail storage (imap, lmtp):
   where the mail lives, which uids/gids may own it and how hard to fsync.
   Names and defaults follow Dovecot. */

#include "settings-parser.h"

struct mail_storage_settings {
	/* "maildir:~/Maildir"; see mail_user_init() for the syntax. */
	const char *mail_location;
	/* Default uid/gid for users whose userdb gives none; "" = none. */
	const char *mail_uid;
	const char *mail_gid;
	/* Group kept while accessing mail (e.g. "mail"); "" = none. */
	const char *mail_privileged_group;
	/* Valid uid/gid ranges for mail users; last = 0 means no limit. */
	unsigned int first_valid_uid;
	unsigned int last_valid_uid;
	unsigned int first_valid_gid;
	unsigned int last_valid_gid;
	/* "optimized" (fsync new mail and index-like files), "always",
	   "never". */
	const char *mail_fsync;
	/* Directory for temporary files that do not belong to a mailbox. */
	const char *mail_temp_dir;
	bool mail_debug;
	/* LMTP: create a missing destination mailbox instead of falling
	   back to INBOX. */
	bool lda_mailbox_autocreate;
};

extern const struct setting_parser_info mail_storage_setting_parser_info;

#endif
