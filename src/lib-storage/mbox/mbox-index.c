/* Copyright (c) Cove authors. See AUTHORS. */

/* The mbox index "<index_dir>/cove-mbox-index": the state (see
   mbox-private.h) with the stamp of the file it describes, so that a
   mailbox whose file has the same device, inode, size and mtime opens
   without reading the file. It is also where UIDs live: writers update
   it under its dotlock (mbox-sync.c). Host byte order; a damaged or
   foreign file is ignored (the messages keep their flags in the mbox, the
   UIDs start over with a new UIDVALIDITY), except by force-resync, which
   takes the UIDs of what it can still match (mbox_index_salvage()).

   Layout: struct mbox_index_header, keyword_count NUL-terminated names,
   then mail_count struct mbox_mail records. */

#include "lib.h"
#include "array.h"
#include "buffer.h"
#include "file-util.h"
#include "mbox-private.h"

#include <fcntl.h>
#include <unistd.h>
#include <sys/stat.h>

#define MBOX_INDEX_NAME "cove-mbox-index"
#define MBOX_INDEX_MAGIC "CoveMbx\n"
#define MBOX_INDEX_VERSION 1
#define MBOX_INDEX_MAX_SIZE (1024 * 1024 * 1024)

struct mbox_index_header {
	char magic[8];
	uint32_t version;
	uint32_t header_size;
	uint32_t uidvalidity;
	uint32_t uidnext;
	uint32_t recent_uid;
	uint32_t mail_count;
	uint32_t keyword_count;
	uint32_t record_size;
	struct mbox_stamp stamp;
};

const char *mbox_index_path(const struct mbox_mailbox *mbox)
{
	return t_strconcat(mbox->index_dir, "/", MBOX_INDEX_NAME, NULL);
}

/* Returns true if the records are sorted by UID and offset. */
static bool mbox_index_records_are_valid(const struct mbox_mail *mails,
					 unsigned int count,
					 const struct mbox_index_header *hdr)
{
	uint64_t offset = 0;
	uint32_t uid = 0;

	for (unsigned int i = 0; i < count; i++) {
		if (mails[i].uid <= uid || mails[i].uid >= hdr->uidnext ||
		    mails[i].from_offset != offset ||
		    mails[i].hdr_offset < mails[i].from_offset ||
		    mails[i].end_offset < mails[i].hdr_offset ||
		    mails[i].next_offset < mails[i].end_offset)
			return false;
		uid = mails[i].uid;
		offset = mails[i].next_offset;
	}
	return offset == hdr->stamp.size;
}

/* Maps the masks of the records from the index's keyword numbering to
   the mailbox's (another session may have numbered new names
   differently). */
static void mbox_index_remap_keywords(struct mbox_mailbox *mbox,
				      const uint32_t *map, unsigned int count)
{
	uint32_t mask;

	array_foreach_modifiable(&mbox->mails, mail) {
		if (mail->keywords == 0)
			continue;
		mask = 0;
		for (unsigned int i = 0; i < count; i++) {
			if ((mail->keywords & (1U << i)) != 0)
				mask |= map[i];
		}
		mail->keywords = mask;
	}
}

/* Reads the header and the keyword names (mapped to the mailbox's in
   map) of data. Returns true with *pos_r at the records, false if the
   file is not an index or the names are damaged. */
static bool mbox_index_parse_header(struct mbox_mailbox *mbox,
				    const unsigned char *data, size_t size,
				    struct mbox_index_header *hdr_r,
				    uint32_t *map, size_t *pos_r)
{
	const unsigned char *end;
	size_t pos;

	if (size < sizeof(*hdr_r))
		return false;
	memcpy(hdr_r, data, sizeof(*hdr_r));
	if (memcmp(hdr_r->magic, MBOX_INDEX_MAGIC,
		   sizeof(hdr_r->magic)) != 0 ||
	    hdr_r->version != MBOX_INDEX_VERSION ||
	    hdr_r->header_size != sizeof(*hdr_r) ||
	    hdr_r->record_size != sizeof(struct mbox_mail) ||
	    hdr_r->uidvalidity == 0 || hdr_r->uidnext == 0 ||
	    hdr_r->keyword_count > MAIL_KEYWORDS_MAX)
		return false;
	pos = sizeof(*hdr_r);
	for (unsigned int i = 0; i < hdr_r->keyword_count; i++) {
		end = memchr(data + pos, '\0', size - pos);
		if (end == NULL)
			return false;
		map[i] = mbox_keywords_parse(mbox, (const char *)data + pos);
		pos = end - data + 1;
	}
	*pos_r = pos;
	return true;
}

static bool mbox_index_parse(struct mbox_mailbox *mbox,
			     const unsigned char *data, size_t size,
			     struct mbox_stamp *stamp_r)
{
	struct mbox_index_header hdr;
	uint32_t map[MAIL_KEYWORDS_MAX];
	size_t pos;

	if (!mbox_index_parse_header(mbox, data, size, &hdr, map, &pos))
		return false;
	if ((size - pos) / sizeof(struct mbox_mail) != hdr.mail_count ||
	    (size - pos) % sizeof(struct mbox_mail) != 0)
		return false;
	array_clear(&mbox->mails);
	array_insert_(&mbox->mails.arr, 0, data + pos, hdr.mail_count);
	if (!mbox_index_records_are_valid(array_get(&mbox->mails, NULL),
					  hdr.mail_count, &hdr))
		return false;
	mbox_index_remap_keywords(mbox, map, hdr.keyword_count);
	mbox->uidvalidity = hdr.uidvalidity;
	mbox->uidnext = hdr.uidnext;
	mbox->recent_uid = hdr.recent_uid;
	*stamp_r = hdr.stamp;
	return true;
}

/* Reads the whole file with one read() (it is written once and renamed
   into place). Returns 1, 0 missing or implausible, -1 error. */
static int mbox_index_read_file(const char *path, buffer_t **buf_r,
				const char **error_r)
{
	struct stat st;
	ssize_t ret;
	size_t size, pos;
	void *data;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd == -1) {
		if (errno == ENOENT)
			return 0;
		*error_r = t_strdup_printf("open(%s) failed: %m", path);
		return -1;
	}
	if (fstat(fd, &st) < 0) {
		*error_r = t_strdup_printf("fstat(%s) failed: %m", path);
		i_close_fd(&fd);
		return -1;
	}
	if (st.st_size < (off_t)sizeof(struct mbox_index_header) ||
	    st.st_size > MBOX_INDEX_MAX_SIZE) {
		i_close_fd(&fd);
		return 0;
	}
	size = (size_t)st.st_size;
	*buf_r = buffer_create_dynamic(default_pool, size);
	data = buffer_append_space_unsafe(*buf_r, size);
	for (pos = 0; pos < size; pos += (size_t)ret) {
		ret = read(fd, (unsigned char *)data + pos, size - pos);
		if (ret <= 0) {
			if (ret < 0) {
				*error_r = t_strdup_printf(
					"read(%s) failed: %m", path);
			}
			i_close_fd(&fd);
			buffer_free(buf_r);
			return ret < 0 ? -1 : 0;
		}
	}
	i_close_fd(&fd);
	return 1;
}

int mbox_index_read(struct mbox_mailbox *mbox, struct mbox_stamp *stamp_r,
		    const char **error_r)
{
	buffer_t *buf;
	int ret;

	ret = mbox_index_read_file(mbox_index_path(mbox), &buf, error_r);
	if (ret <= 0)
		return ret;
	ret = mbox_index_parse(mbox, buf->data, buf->used, stamp_r) ? 1 : 0;
	buffer_free(&buf);
	return ret;
}

/* Keeps the records of data from pos whose UIDs still make sense (each
   above the one before and below UIDNEXT): a record damaged there is
   dropped, its message will get a new UID. */
static void mbox_index_salvage_records(struct mbox_mailbox *mbox,
				       const unsigned char *data, size_t size,
				       size_t pos,
				       const struct mbox_index_header *hdr)
{
	struct mbox_mail mail;
	uint32_t last_uid = 0;
	size_t count = I_MIN((size - pos) / sizeof(mail), hdr->mail_count);

	array_clear(&mbox->mails);
	for (size_t i = 0; i < count; i++) {
		memcpy(&mail, data + pos + i * sizeof(mail), sizeof(mail));
		if (mail.uid <= last_uid || mail.uid >= hdr->uidnext)
			continue;
		/* only the UID and the fingerprint are used */
		mail.keywords = 0;
		array_push_back(&mbox->mails, &mail);
		last_uid = mail.uid;
	}
}

int mbox_index_salvage(struct mbox_mailbox *mbox, const char **error_r)
{
	const char *path = mbox_index_path(mbox);
	struct mbox_index_header hdr;
	uint32_t map[MAIL_KEYWORDS_MAX];
	struct stat st;
	buffer_t *buf;
	size_t pos;
	bool usable = false;
	int ret;

	array_clear(&mbox->mails);
	mbox->uidvalidity = 0;
	mbox->uidnext = 1;
	mbox->recent_uid = 1;
	ret = mbox_index_read_file(path, &buf, error_r);
	if (ret < 0)
		return -1;
	if (ret > 0) {
		usable = mbox_index_parse_header(mbox, buf->data, buf->used,
						 &hdr, map, &pos);
		if (usable) {
			mbox_index_salvage_records(mbox, buf->data, buf->used,
						   pos, &hdr);
			mbox->uidvalidity = hdr.uidvalidity;
			mbox->uidnext = hdr.uidnext;
			mbox->recent_uid = I_MIN(hdr.recent_uid, hdr.uidnext);
		}
		buffer_free(&buf);
	}
	if (usable)
		return 1;
	/* a damaged index: the UIDVALIDITY it had was given before it was
	   last written, the new one must be above it */
	if (stat(path, &st) == 0) {
		i_warning("mbox %s: its index %s is damaged", mbox->path,
			  path);
		mbox->uidvalidity = I_MAX((uint32_t)time(NULL),
					  (uint32_t)st.st_mtime + 1);
	}
	return 0;
}

int mbox_index_write(struct mbox_mailbox *mbox, const char **error_r)
{
	struct mbox_index_header hdr;
	const char *path = mbox_index_path(mbox);
	const char *temp_path;
	buffer_t *buf;
	int fd, ret = 0;

	i_zero(&hdr);
	memcpy(hdr.magic, MBOX_INDEX_MAGIC, sizeof(hdr.magic));
	hdr.version = MBOX_INDEX_VERSION;
	hdr.header_size = sizeof(hdr);
	hdr.uidvalidity = mbox->uidvalidity;
	hdr.uidnext = mbox->uidnext;
	hdr.recent_uid = mbox->recent_uid;
	hdr.mail_count = array_count(&mbox->mails);
	hdr.keyword_count = array_count(&mbox->keywords);
	hdr.record_size = sizeof(struct mbox_mail);
	hdr.stamp = mbox->stamp;

	buf = buffer_create_dynamic(default_pool, sizeof(hdr) +
		hdr.mail_count * sizeof(struct mbox_mail) + 256);
	buffer_append(buf, &hdr, sizeof(hdr));
	array_foreach(&mbox->keywords, name)
		buffer_append(buf, *name, strlen(*name) + 1);
	if (hdr.mail_count > 0) {
		buffer_append(buf, array_front(&mbox->mails),
			      hdr.mail_count * sizeof(struct mbox_mail));
	}
	temp_path = t_strdup_printf("%s.%ld.tmp", path, (long)getpid());
	fd = open(temp_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd == -1) {
		*error_r = t_strdup_printf("open(%s) failed: %m", temp_path);
		buffer_free(&buf);
		return -1;
	}
	if (write_full(fd, buf->data, buf->used) < 0) {
		*error_r = t_strdup_printf("write(%s) failed: %m", temp_path);
		ret = -1;
	}
	if (close(fd) < 0 && ret == 0) {
		*error_r = t_strdup_printf("close(%s) failed: %m", temp_path);
		ret = -1;
	}
	if (ret == 0 && rename(temp_path, path) < 0) {
		*error_r = t_strdup_printf("rename(%s, %s) failed: %m",
					   temp_path, path);
		ret = -1;
	}
	if (ret < 0)
		(void)unlink(temp_path);
	buffer_free(&buf);
	return ret;
}
