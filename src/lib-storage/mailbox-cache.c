/* Copyright (c) Cove authors. See AUTHORS. */

/* The mailbox's cache (mail-cache.h) behind the mailbox API: opened at
   first use in the mailbox's directory, compacted at close against the
   session's view. */

#include "lib.h"
#include "mail-cache.h"
#include "mail-storage-private.h"

static struct mail_cache *mailbox_cache_get(struct mailbox *box)
{
	if (box->cache == NULL) {
		box->cache = mail_cache_open(t_strconcat(box->v->get_dir(box),
			"/" MAIL_CACHE_FILE_NAME, NULL), box->uidvalidity);
	}
	return box->cache;
}

int mailbox_cache_lookup(struct mailbox *box, uint32_t seq,
			 enum mailbox_cache_field field, const char **value_r,
			 const char **error_r)
{
	uint32_t uid = mailbox_get_record_flags(box, seq)->uid;

	return mail_cache_lookup(mailbox_cache_get(box), uid, field, value_r,
				 error_r);
}

int mailbox_cache_add(struct mailbox *box, uint32_t seq,
		      enum mailbox_cache_field field, const char *value,
		      const char **error_r)
{
	uint32_t uid = mailbox_get_record_flags(box, seq)->uid;

	return mail_cache_add(mailbox_cache_get(box), uid, field, value,
			      error_r);
}

int mailbox_cache_commit(struct mailbox *box, const char **error_r)
{
	if (box->cache == NULL)
		return 0;
	return mail_cache_flush(box->cache, error_r);
}

/* A UID below UIDNEXT that is not in the view has been expunged (UIDs
   above it may be new messages that this view has not synced yet). */
static bool mailbox_cache_is_expunged(uint32_t uid, void *context)
{
	const struct mailbox *box = context;
	unsigned int idx;

	if (uid >= box->uidnext)
		return false;
	idx = mailbox_view_find_uid(box, uid);
	return idx == array_count(&box->records) ||
		array_idx(&box->records, idx)->uid != uid;
}

void mailbox_cache_deinit(struct mailbox *box)
{
	const char *error;

	if (box->cache == NULL)
		return;
	T_BEGIN {
		if (mail_cache_flush(box->cache, &error) < 0 ||
		    mail_cache_compact_if_needed(box->cache,
				mailbox_cache_is_expunged, box, &error) < 0)
			i_error("Writing the cache of %s failed: %s",
				box->vname, error);
	} T_END;
	mail_cache_close(&box->cache);
}
