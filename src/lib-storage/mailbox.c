/* Copyright (c) Cove authors. See AUTHORS. */

/* The mailbox API: argument checks, dispatch to the backend, and the
   session's view of records shared by every backend. */

#include "lib.h"
#include "array.h"
#include "istream.h"
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
	const char *name;
	pool_t pool;
	int ret;

	/* an invalid name is a mailbox that does not exist */
	if (mailbox_list_vname_to_name(user, vname, &name, error_r) == 0)
		return 0;
	if (strcmp(name, "INBOX") != 0 &&
	    mailbox_list_autocreate(user, error_r) < 0)
		return -1;
	pool = pool_alloconly_create("mailbox", 1024);
	box = user->backend->mailbox_alloc(pool);
	box->pool = pool;
	box->user = user;
	box->v = user->backend->v;
	box->vname = strcasecmp(vname, "INBOX") == 0 ? "INBOX" :
		p_strdup(pool, vname);
	box->name = p_strdup(pool, name);
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
	mailbox_notify_changes_stop(box);
	mailbox_cache_deinit(box);
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
	status_r->highest_modseq = box->highest_modseq;
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

const struct mail_record *
mailbox_get_record_flags(const struct mailbox *box, uint32_t seq)
{
	i_assert(seq >= 1 && seq <= array_count(&box->records));
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

uint32_t mail_keywords_modify(uint32_t old, enum modify_type modify,
			      uint32_t keywords)
{
	switch (modify) {
	case MODIFY_ADD:
		return old | keywords;
	case MODIFY_REMOVE:
		return old & ~keywords;
	case MODIFY_REPLACE:
		return keywords;
	}
	i_unreached();
}

/* keywords NULL: the keywords stay as they are. */
static int mailbox_update(struct mailbox *box, uint32_t seq,
			  enum modify_type modify, enum mail_flags flags,
			  const uint32_t *keywords, const char **error_r)
{
	const struct mail_record *rec;

	i_assert(seq >= 1 && seq <= array_count(&box->records));
	if (mailbox_is_readonly(box)) {
		*error_r = "Mailbox is read-only";
		return -1;
	}
	rec = array_idx(&box->records, seq - 1);
	if (mail_flags_modify(rec->flags, modify, flags) == rec->flags &&
	    (keywords == NULL ||
	     mail_keywords_modify(rec->keywords, modify, *keywords) ==
	     rec->keywords))
		return 1;
	return box->v->update_flags(box, seq - 1, modify, flags, keywords,
				    error_r);
}

int mailbox_update_flags(struct mailbox *box, uint32_t seq,
			 enum modify_type modify, enum mail_flags flags,
			 const char **error_r)
{
	return mailbox_update(box, seq, modify, flags, NULL, error_r);
}

int mailbox_update_flags_keywords(struct mailbox *box, uint32_t seq,
				  enum modify_type modify,
				  enum mail_flags flags, uint32_t keywords,
				  const char **error_r)
{
	return mailbox_update(box, seq, modify, flags, &keywords, error_r);
}

int mailbox_flags_commit(struct mailbox *box, const char **error_r)
{
	if (box->v->flags_commit == NULL)
		return 0;
	return box->v->flags_commit(box, error_r);
}

uint64_t mailbox_get_expunge_modseq(const struct mailbox *box)
{
	return box->expunge_modseq;
}

const char *const *mailbox_get_keywords(struct mailbox *box,
					unsigned int *count_r)
{
	return box->v->get_keywords(box, count_r);
}

int mailbox_keywords_lookup(struct mailbox *box, const char *const *names,
			    unsigned int count, uint32_t *keywords_r,
			    const char **error_r)
{
	*keywords_r = 0;
	if (count == 0)
		return 1;
	return box->v->keywords_lookup(box, names, count, keywords_r,
				       error_r);
}

int mailbox_expunge_deleted(struct mailbox *box,
			    const struct mailbox_sync_callbacks *cb,
			    void *context, const char **error_r)
{
	const struct mail_record *recs;
	unsigned int i, count;
	bool *marked;
	int ret;

	recs = array_get(&box->records, &count);
	marked = i_new(bool, count + 1);
	for (i = 0; i < count; i++)
		marked[i] = (recs[i].flags & MAIL_DELETED) != 0;
	ret = mailbox_expunge_marked(box, marked, cb, context, error_r);
	i_free(marked);
	return ret;
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

void mailbox_save_set_keywords(struct mail_save_context *ctx,
			       uint32_t keywords)
{
	ctx->keywords = keywords;
}

void mailbox_save_set_envelope_sender(struct mail_save_context *ctx,
				      const char *sender)
{
	ctx->envelope_sender = sender;
}

int mailbox_save_write(struct mail_save_context *ctx, const void *data,
		       size_t size, const char **error_r)
{
	return ctx->box->v->save_write(ctx, data, size, error_r);
}

int mailbox_save_complete(struct mail_save_context *ctx,
			  const char **error_r)
{
	if (ctx->box->v->save_complete == NULL)
		return 0;
	return ctx->box->v->save_complete(ctx, error_r);
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

/* Maps the keywords of src's mask into dest's, leaving out those dest
   has no room for. Returns 0 or -1. */
static int mailbox_copy_keywords(struct mailbox *dest, struct mailbox *src,
				 uint32_t src_keywords, uint32_t *keywords_r,
				 const char **error_r)
{
	const char *const *src_names;
	const char *error;
	unsigned int i, count;
	uint32_t mask;
	int ret;

	*keywords_r = 0;
	src_names = mailbox_get_keywords(src, &count);
	for (i = 0; i < count; i++) {
		if ((src_keywords & (1U << i)) == 0 || src_names[i] == NULL)
			continue;
		ret = mailbox_keywords_lookup(dest, &src_names[i], 1, &mask,
					      &error);
		if (ret < 0) {
			*error_r = error;
			return -1;
		}
		if (ret > 0)
			*keywords_r |= mask;
	}
	return 0;
}

/* Writes the bytes of message seq of src into ctx and completes it.
   Returns 1, 0 if the message was expunged, -1 error; frees ctx unless
   it returns 1. */
static int mailbox_copy_stream(struct mail_save_context *ctx,
			       struct mailbox *src, uint32_t seq,
			       const char **error_r)
{
	struct istream *input;
	const unsigned char *data;
	size_t size;
	int ret;

	ret = mailbox_open_mail_stream(src, seq, &input, error_r);
	if (ret <= 0) {
		mailbox_save_abort(&ctx);
		return ret;
	}
	while (i_stream_read(input) > 0) {
		data = i_stream_get_data(input, &size);
		if (mailbox_save_write(ctx, data, size, error_r) < 0)
			break;
		i_stream_skip(input, size);
	}
	if (!input->eof || input->stream_errno != 0) {
		if (input->stream_errno != 0) {
			*error_r = t_strdup_printf("read() failed: %s",
				i_stream_get_error(input));
		}
		i_stream_destroy(&input);
		mailbox_save_abort(&ctx);
		return -1;
	}
	i_stream_destroy(&input);
	if (mailbox_save_complete(ctx, error_r) < 0) {
		mailbox_save_abort(&ctx);
		return -1;
	}
	return 1;
}

int mailbox_copy_prepare(struct mailbox *dest, struct mailbox *src,
			 uint32_t seq, struct mail_save_context **ctx_r,
			 const char **error_r)
{
	const struct mail_record *rec = mailbox_get_record(src, seq);
	struct mail_save_context *ctx;
	uint32_t keywords;
	int ret;

	if (mailbox_copy_keywords(dest, src, rec->keywords, &keywords,
				  error_r) < 0)
		return -1;
	ctx = mailbox_save_init(dest);
	mailbox_save_set_flags(ctx, rec->flags);
	mailbox_save_set_keywords(ctx, keywords);
	mailbox_save_set_received_date(ctx, rec->received_date);
	ret = 0;
	if (dest->v->copy != NULL && dest->v == src->v)
		ret = dest->v->copy(ctx, src, seq - 1, error_r);
	if (ret == 0)
		ret = mailbox_copy_stream(ctx, src, seq, error_r);
	else if (ret < 0)
		mailbox_save_abort(&ctx);
	*ctx_r = ret > 0 ? ctx : NULL;
	return ret;
}

int mailbox_copy(struct mailbox *dest, struct mailbox *src, uint32_t seq,
		 uint32_t *uid_r, const char **error_r)
{
	struct mail_save_context *ctx;
	int ret;

	*uid_r = 0;
	ret = mailbox_copy_prepare(dest, src, seq, &ctx, error_r);
	if (ret <= 0)
		return ret;
	return mailbox_save_finish(&ctx, uid_r, error_r) < 0 ? -1 : 1;
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
