/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef MAIL_STORAGE_SETTINGS_H
#define MAIL_STORAGE_SETTINGS_H

/* Settings shared by every process that opens mail storage (imap, lmtp):
   where the mail lives, which uids/gids may own it and how hard to fsync.
   Names and defaults follow Dovecot. */

#include "settings-parser.h"

/* `mailbox NAME { special_use = \Sent  auto = subscribe }` inside a
   namespace (Dovecot's 15-mailboxes.conf). */
struct mailbox_settings {
	/* The mailbox name (UTF-8, the namespace's separator). */
	const char *name;
	/* "no", "create" (created at login) or "subscribe" (created and
	   subscribed). */
	const char *autocreate;
	/* Space-separated RFC 6154 flags ("\\Sent"); "" = none. */
	const char *special_use;
};
ARRAY_DEFINE_TYPE(mailbox_settings, struct mailbox_settings *);

/* `namespace NAME { ... }`. Cove serves one private namespace: the one
   with inbox = yes (or the first). */
struct mail_namespace_settings {
	const char *name;
	/* "private" (the only one supported), "shared" or "public". */
	const char *type;
	/* Hierarchy separator shown to clients; "" = the storage's
	   (mail_storage_backend.name_sep: '.' Maildir++, '/' mbox). */
	const char *separator;
	/* Prefix of every mailbox name except INBOX; "" or ends with the
	   separator. */
	const char *prefix;
	/* Dovecot's per-namespace mail_location; must be "" here. */
	const char *location;
	bool inbox;
	ARRAY_TYPE(mailbox_settings) mailboxes;
};
ARRAY_DEFINE_TYPE(mail_namespace_settings, struct mail_namespace_settings *);

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
	/* mbox locking, see mbox/mbox-lock.h: space-separated methods
	   ("dotlock", "dotlock_try", "fcntl", "flock"), the total wait and
	   the age of a stale dotlock, in seconds. */
	const char *mbox_read_locks;
	const char *mbox_write_locks;
	unsigned int mbox_lock_timeout;
	unsigned int mbox_dotlock_change_timeout;
	ARRAY_TYPE(mail_namespace_settings) namespaces;
};

extern const struct setting_parser_info mail_storage_setting_parser_info;

/* The namespace Cove serves (inbox = yes, else the first), or NULL when
   none is configured. */
const struct mail_namespace_settings *
mail_storage_settings_get_namespace(const struct mail_storage_settings *set);

#endif
