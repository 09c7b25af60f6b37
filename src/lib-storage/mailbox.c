/* Copyright (c) Cove authors. See AUTHORS. */

/* The mailbox API: argument checks, dispatch to the backend, and the
   session's view of records shared by every backend. */

#include "lib.h"
#include "array.h"
#include "mail-storage-private.h"

#include <strings.h>

/* Frees what the generic code allocated (the backend state is gone). */
static void mailbox_free(struct mailbox *box)
{
	pool_t pool = box->pool;

	array_free(&box->records);
	array_free(&box->record_filled);
	pool_unref(&pool);
}

int mailbox_open(struct mail_user *user, const char *vname,
		 enum mailbox_flags flags, struct mailbox **box_r,
		 const char **error_r)
{
	struct mailbox *box;
	pool_t pool;
	int ret;

	pool = pool_alloconly_create("mailbox", 1024);
	box = user->backend->mailbox_alloc(pool);
	box->pool = pool;
	box->user = user;
	box->v = user->backend->v;
	box->vname = strcasecmp(vname, "INBOX") == 0 ? "INBOX" :
		p_strdup(pool, vname);
	box->flags = flags;
	i_array_init(&box->records, 64);
	i_array_init(&box->record_filled, 64);

	ret = box->v->open(box, error_r);
	if (ret > 0 && (flags & MAILBOX_FLAG_SAVEONLY) == 0 &&
	    box->v->sync(box, NULL, NULL, error_r) < 0) {
		box->v->close(box);
		ret = -1;
	}
	if (ret <= 0) {
		mailbox_free(box);
		return ret;
	}
	user->open_mailboxes++;
	*box_r = box;
	return 1;
}

void mailbox_close(struct mailbox **_box)
{
	struct mailbox *box = *_box;

	*_box = NULL;
	box->v->close(box);
	box->user->open_mailboxes--;
	mailbox_free(box);
}

bool mailbox_is_readonly(const struct mailbox *box)
{
	return (box->flags & MAILBOX_FLAG_READONLY) != 0;
}

const char *mailbox_get_vname(const struct mailbox *box)
{
	return box->vname;
}

void mailbox_get_status(struct mailbox *box, struct mailbox_status *status_r)
{
	memset(status_r, 0, sizeof(*status_r));
	status_r->messages = array_count(&box->records);
	status_r->uidvalidity = box->uidvalidity;
	status_r->uidnext = box->uidnext;
	array_foreach(&box->records, rec) {
		if ((rec->flags & MAIL_RECENT) != 0)
			status_r->recent++;
		if ((rec->flags & MAIL_SEEN) != 0)
			continue;
		status_r->unseen++;
		if (status_r->first_unseen_seq == 0) {
			status_r->first_unseen_seq =
				array_foreach_idx(&box->records, rec) + 1;
		}
	}
}

int mailbox_sync(struct mailbox *box, const struct mailbox_sync_callbacks *cb,
		 void *context, const char **error_r)
{
	return box->v->sync(box, cb, context, error_r);
}

uint32_t mailbox_get_count(const struct mailbox *box)
{
	return array_count(&box->records);
}

const struct mail_record *
mailbox_get_record(const struct mailbox *box, uint32_t seq)
{
	bool *filled;

	i_assert(seq >= 1 && seq <= array_count(&box->records));
	filled = array_idx_modifiable(&box->record_filled, seq - 1);
	if (!*filled) {
		box->v->fill_record(box, seq - 1);
		*filled = true;
	}
	return array_idx(&box->records, seq - 1);
}

unsigned int mailbox_view_find_uid(const struct mailbox *box, uint32_t uid)
{
	const struct mail_record *recs;
	unsigned int count, left = 0, right;

	recs = array_get(&box->records, &count);
	right = count;
	while (left < right) {
		unsigned int mid = left + (right - left) / 2;

		if (recs[mid].uid < uid)
			left = mid + 1;
		else
			right = mid;
	}
	return left;
}

bool mailbox_get_seq_range(const struct mailbox *box, uint32_t uid1,
			   uint32_t uid2, uint32_t *seq1_r, uint32_t *seq2_r)
{
	unsigned int idx1, idx2;

	if (uid1 > uid2 || uid2 == 0)
		return false;
	idx1 = mailbox_view_find_uid(box, uid1);
	idx2 = uid2 == UINT32_MAX ? array_count(&box->records) :
		mailbox_view_find_uid(box, uid2 + 1);
	if (idx1 >= idx2)
		return false;
	*seq1_r = idx1 + 1;
	*seq2_r = idx2;
	return true;
}

int mailbox_open_mail_stream(struct mailbox *box, uint32_t seq,
			     struct istream **input_r, const char **error_r)
{
	i_assert(seq >= 1 && seq <= array_count(&box->records));
	return box->v->open_mail_stream(box, seq - 1, input_r, error_r);
}

enum mail_flags mail_flags_modify(enum mail_flags old_flags,
				  enum modify_type modify,
				  enum mail_flags flags)
{
	flags &= MAIL_FLAGS_NONRECENT;
	switch (modify) {
	case MODIFY_ADD:
		return old_flags | flags;
	case MODIFY_REMOVE:
		return old_flags & ~flags;
	case MODIFY_REPLACE:
		return (old_flags & MAIL_RECENT) | flags;
	}
	i_unreached();
}

int mailbox_update_flags(struct mailbox *box, uint32_t seq,
			 enum modify_type modify, enum mail_flags flags,
			 const char **error_r)
{
	const struct mail_record *rec;

	i_assert(seq >= 1 && seq <= array_count(&box->records));
	if (mailbox_is_readonly(box)) {
		*error_r = "Mailbox is read-only";
		return -1;
	}
	rec = array_idx(&box->records, seq - 1);
	if (mail_flags_modify(rec->flags, modify, flags) == rec->flags)
		return 1;
	return box->v->update_flags(box, seq - 1, modify, flags, error_r);
}

int mailbox_expunge_deleted(struct mailbox *box,
			    const struct mailbox_sync_callbacks *cb,
			    void *context, const char **error_r)
{
	if (mailbox_is_readonly(box)) {
		*error_r = "Mailbox is read-only";
		return -1;
	}
	return box->v->expunge_deleted(box, cb, context, error_r);
}

int mailbox_expunge_marked(struct mailbox *box, const bool *marked,
			   const struct mailbox_sync_callbacks *cb,
			   void *context, const char **error_r)
{
	if (mailbox_is_readonly(box)) {
		*error_r = "Mailbox is read-only";
		return -1;
	}
	return box->v->expunge_marked(box, marked, cb, context, error_r);
}

struct mail_save_context *mailbox_save_init(struct mailbox *box)
{
	struct mail_save_context *ctx = box->v->save_init(box);

	ctx->box = box;
	ctx->received_date = (time_t)-1;
	return ctx;
}

void mailbox_save_set_flags(struct mail_save_context *ctx,
			    enum mail_flags flags)
{
	ctx->flags = flags & MAIL_FLAGS_NONRECENT;
}

void mailbox_save_set_received_date(struct mail_save_context *ctx,
				    time_t date)
{
	ctx->received_date = date;
}

int mailbox_save_write(struct mail_save_context *ctx, const void *data,
		       size_t size, const char **error_r)
{
	return ctx->box->v->save_write(ctx, data, size, error_r);
}

int mailbox_save_finish(struct mail_save_context **_ctx, uint32_t *uid_r,
			const char **error_r)
{
	struct mail_save_context *ctx = *_ctx;

	*_ctx = NULL;
	*uid_r = 0;
	return ctx->box->v->save_finish(ctx, uid_r, error_r);
}

void mailbox_save_abort(struct mail_save_context **_ctx)
{
	struct mail_save_context *ctx = *_ctx;

	*_ctx = NULL;
	ctx->box->v->save_abort(ctx);
}

struct mail_record *mailbox_view_append(struct mailbox *box, bool filled)
{
	array_push_back(&box->record_filled, &filled);
	return array_append_space(&box->records);
}

void mailbox_view_expunge(struct mailbox *box, const bool *keep,
			  const struct mailbox_sync_callbacks *cb,
			  void *context)
{
	struct mail_record *recs;
	bool *filled;
	unsigned int i, dest, count;

	recs = array_get_modifiable(&box->records, &count);
	if (cb != NULL && cb->expunge != NULL) {
		for (i = count; i > 0; i--) {
			if (!keep[i - 1])
				cb->expunge(i, context);
		}
	}
	filled = array_get_modifiable(&box->record_filled, NULL);
	for (i = dest = 0; i < count; i++) {
		if (keep[i]) {
			recs[dest] = recs[i];
			filled[dest] = filled[i];
			dest++;
		}
	}
	array_delete(&box->records, dest, count - dest);
	array_delete(&box->record_filled, dest, count - dest);
}
