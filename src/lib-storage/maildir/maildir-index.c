/* Copyright (c) Cove authors. See AUTHORS. */

/* Reading and writing the maildir index (see maildir-index.h). The whole
   file is read into the mailbox's names_pool, and the view's base names
   point into it. */

#include "lib.h"
#include "array.h"
#include "buffer.h"
#include "hash.h"
#include "file-util.h"
#include "maildir-filename.h"
#include "maildir-keywords.h"
#include "maildir-index.h"

#include <fcntl.h>
#include <unistd.h>
#include <sys/stat.h>

#define MAILDIR_INDEX_MAGIC "CoveIdx\n"

struct maildir_index_header {
	char magic[8];
	uint32_t version;
	uint32_t header_size;
	uint64_t file_size;
	uint32_t checksum;
	uint32_t uidvalidity;
	uint32_t uidnext;
	uint32_t record_count;
	uint32_t info_count;
	uint32_t unused;
	/* The view's mod-sequences (struct mailbox) */
	uint64_t highest_modseq;
	uint64_t expunge_modseq;
	struct maildir_uidlist_id uidlist;
	int64_t new_mtime_sec, new_mtime_nsec;
	int64_t cur_mtime_sec, cur_mtime_nsec;
};

enum maildir_index_record_flags {
	/* received_date and the sizes are known */
	MAILDIR_INDEX_RECORD_FILLED = 0x01,
};

struct maildir_index_record {
	uint32_t uid;
	uint32_t info_idx;
	uint32_t flags;
	uint32_t base_len;
	int64_t received_date;
	uint64_t physical_size;
	uint64_t virtual_size;
	uint64_t modseq;
};

static const char *maildir_index_path(const struct maildir_mailbox *mbox)
{
	return t_strconcat(mbox->path, "/", MAILDIR_INDEX_NAME, NULL);
}

/* A word-at-a-time hash of data, with the header's checksum field taken
   as zero. */
static uint32_t maildir_index_checksum(const unsigned char *data, size_t size)
{
	const size_t csum_offset =
		offsetof(struct maildir_index_header, checksum);
	uint64_t hash = 0xcbf29ce484222325ULL, word;
	size_t i;

	for (i = 0; i + sizeof(word) <= size; i += sizeof(word)) {
		memcpy(&word, data + i, sizeof(word));
		if (i <= csum_offset && csum_offset < i + sizeof(word)) {
			memset((unsigned char *)&word + (csum_offset - i), 0,
			       sizeof(uint32_t));
		}
		hash = (hash ^ word) * 0x100000001b3ULL;
		hash ^= hash >> 29;
	}
	for (; i < size; i++)
		hash = (hash ^ data[i]) * 0x100000001b3ULL;
	return (uint32_t)(hash ^ (hash >> 32));
}

static void
maildir_index_set_mtime(struct timespec *ts, int64_t sec, int64_t nsec)
{
	ts->tv_sec = sec;
	ts->tv_nsec = nsec;
}

/* Reads the whole file into the names pool. Returns 1, 0 missing or not
   plausible, -1 error. */
static int maildir_index_read_file(struct maildir_mailbox *mbox,
				   unsigned char **data_r, size_t *size_r,
				   const char **error_r)
{
	const char *path = maildir_index_path(mbox);
	struct stat st;
	ssize_t ret;
	size_t pos;
	int fd;

	fd = open(path, O_RDONLY);
	if (fd == -1) {
		if (errno == ENOENT)
			return 0;
		*error_r = t_strdup_printf("open(%s) failed: %m", path);
		return -1;
	}
	if (fstat(fd, &st) < 0) {
		*error_r = t_strdup_printf("fstat(%s) failed: %m", path);
		(void)close(fd);
		return -1;
	}
	if (st.st_size < (off_t)sizeof(struct maildir_index_header) ||
	    st.st_size > MAILDIR_INDEX_MAX_SIZE) {
		(void)close(fd);
		return 0;
	}
	*size_r = (size_t)st.st_size;
	*data_r = p_malloc(mbox->names_pool, *size_r);
	for (pos = 0; pos < *size_r; pos += (size_t)ret) {
		ret = read(fd, *data_r + pos, *size_r - pos);
		if (ret <= 0) {
			if (ret < 0) {
				*error_r = t_strdup_printf(
					"read(%s) failed: %m", path);
			}
			(void)close(fd);
			/* shrunk meanwhile: replaced by a writer */
			return ret < 0 ? -1 : 0;
		}
	}
	(void)close(fd);
	return 1;
}

/* Checks the header against the file and the uidlist on disk. */
static bool
maildir_index_header_is_usable(struct maildir_mailbox *mbox,
			       const struct maildir_index_header *hdr,
			       const unsigned char *data, size_t size)
{
	struct maildir_uidlist_id id;

	if (memcmp(hdr->magic, MAILDIR_INDEX_MAGIC, sizeof(hdr->magic)) != 0 ||
	    hdr->version != MAILDIR_INDEX_VERSION ||
	    hdr->header_size != sizeof(*hdr) || hdr->file_size != size ||
	    hdr->uidvalidity == 0 || hdr->highest_modseq == 0 ||
	    hdr->checksum != maildir_index_checksum(data, size))
		return false;
	return maildir_uidlist_stat_id(mbox->path, &id) &&
		memcmp(&id, &hdr->uidlist, sizeof(id)) == 0;
}

/* Parses the info strings into infos (interned). Returns the offset
   after them, or 0 if damaged. */
static size_t maildir_index_parse_infos(struct maildir_mailbox *mbox,
					const unsigned char *data, size_t size,
					unsigned int count, const char **infos)
{
	size_t pos = sizeof(struct maildir_index_header);
	const unsigned char *end;

	for (unsigned int i = 0; i < count; i++) {
		end = memchr(data + pos, '\0', size - pos);
		if (end == NULL)
			return 0;
		infos[i] = maildir_info_intern(mbox, (const char *)data + pos);
		pos = end - data + 1;
	}
	return pos;
}

/* Fills the view from the records. Returns false if they are damaged
   (the view is then left for the caller to clear). */
static bool maildir_index_parse_records(struct maildir_mailbox *mbox,
					const struct maildir_index_header *hdr,
					const unsigned char *data, size_t size,
					size_t pos, const char *const *infos)
{
	struct maildir_index_record irec;
	struct mail_record *rec;
	struct maildir_mail *mail;
	enum mail_flags *info_flags;
	uint32_t *info_keywords, last_uid = 0;
	bool filled;

	info_flags = t_new(enum mail_flags, hdr->info_count + 1);
	info_keywords = t_new(uint32_t, hdr->info_count + 1);
	for (unsigned int i = 0; i < hdr->info_count; i++) {
		info_flags[i] = maildir_filename_get_flags(infos[i]);
		info_keywords[i] = maildir_keywords_from_info(infos[i]);
	}
	for (unsigned int i = 0; i < hdr->record_count; i++) {
		if (size - pos < sizeof(irec))
			return false;
		memcpy(&irec, data + pos, sizeof(irec));
		pos += sizeof(irec);
		if (irec.uid <= last_uid || irec.uid >= hdr->uidnext ||
		    irec.info_idx >= hdr->info_count || irec.base_len == 0 ||
		    size - pos <= irec.base_len ||
		    data[pos + irec.base_len] != '\0' ||
		    memchr(data + pos, '\0', irec.base_len) != NULL)
			return false;
		last_uid = irec.uid;
		filled = (irec.flags & MAILDIR_INDEX_RECORD_FILLED) != 0;
		rec = mailbox_view_append(&mbox->box, filled);
		rec->uid = irec.uid;
		rec->modseq = irec.modseq;
		rec->flags = info_flags[irec.info_idx];
		rec->keywords = info_keywords[irec.info_idx];
		if (filled) {
			rec->received_date = (time_t)irec.received_date;
			rec->physical_size = irec.physical_size;
			rec->virtual_size = irec.virtual_size;
		}
		mail = array_append_space(&mbox->mails);
		mail->base = (const char *)data + pos;
		mail->info = infos[irec.info_idx];
		pos += irec.base_len + 1;
	}
	return pos == size;
}

static void maildir_index_clear_view(struct maildir_mailbox *mbox)
{
	array_clear(&mbox->mails);
	array_clear(&mbox->box.records);
	array_clear(&mbox->box.record_filled);
}

int maildir_index_read(struct maildir_mailbox *mbox, const char **error_r)
{
	struct maildir_index_header hdr;
	const char **infos;
	unsigned char *data;
	size_t size, pos;
	bool ok;
	int ret;

	i_assert(array_count(&mbox->box.records) == 0);
	/* read after the scan that wrote the index: the names of all the
	   letters it saw (see maildir_sync()) */
	if (maildir_keywords_refresh(mbox->keywords, error_r) < 0)
		return -1;
	ret = maildir_index_read_file(mbox, &data, &size, error_r);
	if (ret <= 0)
		return ret;
	memcpy(&hdr, data, sizeof(hdr));
	if (!maildir_index_header_is_usable(mbox, &hdr, data, size) ||
	    hdr.info_count > size || hdr.record_count > size)
		return 0;
	T_BEGIN {
		infos = t_new(const char *, hdr.info_count + 1);
		pos = maildir_index_parse_infos(mbox, data, size,
						hdr.info_count, infos);
		ok = pos != 0 &&
			maildir_index_parse_records(mbox, &hdr, data, size,
						    pos, infos);
	} T_END;
	if (!ok) {
		maildir_index_clear_view(mbox);
		return 0;
	}
	mbox->box.uidvalidity = hdr.uidvalidity;
	mbox->box.uidnext = hdr.uidnext;
	mbox->box.highest_modseq = hdr.highest_modseq;
	mbox->box.expunge_modseq = hdr.expunge_modseq;
	maildir_index_set_mtime(&mbox->new_mtime, hdr.new_mtime_sec,
				hdr.new_mtime_nsec);
	maildir_index_set_mtime(&mbox->cur_mtime, hdr.cur_mtime_sec,
				hdr.cur_mtime_nsec);
	mbox->scan_dirty = false;
	mbox->uidlist_deferred = true;
	mbox->uidlist_id = hdr.uidlist;
	return 1;
}

/* Appends the distinct infos of the view to buf, recording their
   numbers in info_idx (interned info -> number + 1). */
static void maildir_index_append_infos(struct maildir_mailbox *mbox,
				       buffer_t *buf,
				       struct hash_table *info_idx,
				       uint32_t *count_r)
{
	uint32_t count = 0;

	array_foreach(&mbox->mails, mail) {
		if (hash_table_lookup(info_idx, mail->info) != NULL)
			continue;
		hash_table_update(info_idx, mail->info,
				  (void *)(uintptr_t)++count);
		buffer_append(buf, mail->info, strlen(mail->info) + 1);
	}
	*count_r = count;
}

static void maildir_index_append_records(struct maildir_mailbox *mbox,
					 buffer_t *buf,
					 struct hash_table *info_idx)
{
	const struct mail_record *recs;
	const struct maildir_mail *mails;
	const bool *filled;
	struct maildir_index_record irec;
	unsigned int i, count;

	recs = array_get(&mbox->box.records, &count);
	mails = array_get(&mbox->mails, NULL);
	filled = array_get(&mbox->box.record_filled, NULL);
	for (i = 0; i < count; i++) {
		i_zero(&irec);
		irec.uid = recs[i].uid;
		irec.modseq = recs[i].modseq;
		irec.info_idx = (uintptr_t)hash_table_lookup(info_idx,
							     mails[i].info) - 1;
		irec.base_len = strlen(mails[i].base);
		if (filled[i]) {
			irec.flags |= MAILDIR_INDEX_RECORD_FILLED;
			irec.received_date = recs[i].received_date;
			irec.physical_size = recs[i].physical_size;
			irec.virtual_size = recs[i].virtual_size;
		}
		buffer_append(buf, &irec, sizeof(irec));
		buffer_append(buf, mails[i].base, irec.base_len + 1);
	}
}

static int maildir_index_write_file(struct maildir_mailbox *mbox,
				    const buffer_t *buf, const char **error_r)
{
	const char *path = maildir_index_path(mbox);
	const char *temp_path;
	int fd;

	temp_path = t_strdup_printf("%s.%ld.tmp", path, (long)getpid());
	fd = open(temp_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd == -1) {
		*error_r = t_strdup_printf("open(%s) failed: %m", temp_path);
		return -1;
	}
	if (write_full(fd, buf->data, buf->used) < 0) {
		*error_r = t_strdup_printf("write(%s) failed: %m", temp_path);
		(void)close(fd);
		(void)unlink(temp_path);
		return -1;
	}
	if (close(fd) < 0 || rename(temp_path, path) < 0) {
		*error_r = t_strdup_printf("close/rename(%s) failed: %m",
					   temp_path);
		(void)unlink(temp_path);
		return -1;
	}
	return 0;
}

int maildir_index_write(struct maildir_mailbox *mbox, const char **error_r)
{
	struct maildir_index_header hdr;
	struct hash_table *info_idx;
	buffer_t *buf;
	int ret;

	i_zero(&hdr);
	if (!maildir_uidlist_get_id(mbox->uidlist, &hdr.uidlist))
		return 0;
	memcpy(hdr.magic, MAILDIR_INDEX_MAGIC, sizeof(hdr.magic));
	hdr.version = MAILDIR_INDEX_VERSION;
	hdr.header_size = sizeof(hdr);
	hdr.uidvalidity = mbox->box.uidvalidity;
	hdr.uidnext = mbox->box.uidnext;
	hdr.highest_modseq = mbox->box.highest_modseq;
	hdr.expunge_modseq = mbox->box.expunge_modseq;
	hdr.record_count = array_count(&mbox->box.records);
	hdr.new_mtime_sec = mbox->new_mtime.tv_sec;
	hdr.new_mtime_nsec = mbox->new_mtime.tv_nsec;
	hdr.cur_mtime_sec = mbox->cur_mtime.tv_sec;
	hdr.cur_mtime_nsec = mbox->cur_mtime.tv_nsec;

	buf = buffer_create_dynamic(default_pool,
				    sizeof(hdr) + hdr.record_count * 80);
	buffer_append(buf, &hdr, sizeof(hdr));
	info_idx = hash_table_create_direct(default_pool);
	maildir_index_append_infos(mbox, buf, info_idx, &hdr.info_count);
	maildir_index_append_records(mbox, buf, info_idx);
	hash_table_destroy(&info_idx);

	hdr.file_size = buf->used;
	buffer_write(buf, 0, &hdr, sizeof(hdr));
	hdr.checksum = maildir_index_checksum(buf->data, buf->used);
	buffer_write(buf, 0, &hdr, sizeof(hdr));
	ret = maildir_index_write_file(mbox, buf, error_r);
	buffer_free(&buf);
	return ret;
}

void maildir_index_update(struct maildir_mailbox *mbox)
{
	const char *error;

	/* only a settled scan's mtimes can be trusted later, and only a
	   view without files in new/ (a session moves them) */
	if (!mbox->index_dirty || mbox->scan_dirty)
		return;
	array_foreach(&mbox->mails, mail) {
		if (mail->in_new)
			return;
	}
	if (maildir_index_write(mbox, &error) < 0)
		i_error("%s", error);
	mbox->index_dirty = false;
}
