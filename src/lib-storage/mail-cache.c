/* Copyright (c) Cove authors. See AUTHORS. */

/* The mail cache file (see mail-cache.h for the format and locking).
   The values stay in the file: the table maps (uid, field) to the
   offset and size of the value, and a lookup preads it, so a session
   holds about 16 bytes per cached value, not the values. */

#include "lib.h"
#include "buffer.h"
#include "hash.h"
#include "istream.h"
#include "file-util.h"
#include "mail-cache.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAIL_CACHE_MAGIC 0x43564331 /* "CVC1" */
#define MAIL_CACHE_VERSION 1
/* A table value packs the value's offset in the file above its size
   (which is at most MAIL_CACHE_MAX_VALUE_SIZE < 2^20). */
#define MAIL_CACHE_SIZE_BITS 20
/* Tries to lock the file that is at the path (it may be replaced by
   another writer's compaction between our open and flock). */
#define MAIL_CACHE_LOCK_TRIES 3
/* Added values are written when this much is pending (and at
   mail_cache_flush()): one lock and one write for many values. */
#define MAIL_CACHE_FLUSH_SIZE (32 * 1024)
/* Compaction writes in chunks of this size. */
#define MAIL_CACHE_WRITE_CHUNK (64 * 1024)

struct mail_cache_header {
	uint32_t magic;
	uint32_t version;
	uint32_t uidvalidity;
	uint32_t reserved;
};

struct mail_cache_record {
	uint32_t uid;
	uint32_t field;
	uint32_t size;
};

struct mail_cache {
	char *path;
	uint32_t uidvalidity;
	/* -1 while the file is not open (or does not exist) */
	int fd;
	/* The end of the last whole record read; 0 while the file has no
	   valid header. */
	uoff_t read_offset;
	/* (uid, field) key -> packed offset and size */
	struct hash_table *entries;
	/* Records added but not written yet (in the file's format), and
	   their keys -> packed offset in pending and size. */
	buffer_t *pending;
	struct hash_table *pending_entries;
	bool loaded;
	bool failed;
};

/* Keys and values are packed into the table's pointers. */
_Static_assert(sizeof(uintptr_t) >= 8, "mail cache needs 64-bit pointers");
_Static_assert(MAILBOX_CACHE_FIELD_COUNT <= 4, "field must fit in 2 bits");
_Static_assert(MAIL_CACHE_MAX_VALUE_SIZE < (1 << MAIL_CACHE_SIZE_BITS),
	       "size must fit in MAIL_CACHE_SIZE_BITS");

/* The field takes the key's two low bits. */
static void *mail_cache_key(uint32_t uid, enum mailbox_cache_field field)
{
	return (void *)(uintptr_t)(((uint64_t)uid << 2) | field);
}

static void *mail_cache_pack(uoff_t offset, uint32_t size)
{
	return (void *)(uintptr_t)((offset << MAIL_CACHE_SIZE_BITS) | size);
}

static void mail_cache_unpack(const void *value, uoff_t *offset_r,
			      uint32_t *size_r)
{
	uint64_t v = (uintptr_t)value;

	*offset_r = v >> MAIL_CACHE_SIZE_BITS;
	*size_r = v & ((1U << MAIL_CACHE_SIZE_BITS) - 1);
}

struct mail_cache *mail_cache_open(const char *path, uint32_t uidvalidity)
{
	struct mail_cache *cache = i_new(struct mail_cache, 1);

	cache->path = i_strdup(path);
	cache->uidvalidity = uidvalidity;
	cache->fd = -1;
	cache->entries = hash_table_create_direct(default_pool);
	cache->pending = buffer_create_dynamic(default_pool, 1024);
	cache->pending_entries = hash_table_create_direct(default_pool);
	return cache;
}

static void mail_cache_close_fd(struct mail_cache *cache)
{
	if (cache->fd != -1)
		i_close_fd(&cache->fd);
	cache->read_offset = 0;
	hash_table_clear(cache->entries);
}

void mail_cache_close(struct mail_cache **_cache)
{
	struct mail_cache *cache = *_cache;

	*_cache = NULL;
	mail_cache_close_fd(cache);
	hash_table_destroy(&cache->entries);
	hash_table_destroy(&cache->pending_entries);
	buffer_free(&cache->pending);
	i_free(cache->path);
	i_free(cache);
}

static bool mail_cache_record_is_valid(const struct mail_cache_record *rec)
{
	return rec->uid != 0 && rec->field < MAILBOX_CACHE_FIELD_COUNT &&
		rec->size <= MAIL_CACHE_MAX_VALUE_SIZE;
}

/* Reads the header at the start of input: returns true if it is valid
   for the cache's UIDVALIDITY. */
static bool mail_cache_read_header(struct mail_cache *cache,
				   struct istream *input)
{
	struct mail_cache_header hdr;
	const unsigned char *data;
	size_t size;

	if (i_stream_read_bytes(input, &data, &size, sizeof(hdr)) <= 0)
		return false;
	memcpy(&hdr, data, sizeof(hdr));
	if (hdr.magic != MAIL_CACHE_MAGIC ||
	    hdr.version != MAIL_CACHE_VERSION ||
	    hdr.uidvalidity != cache->uidvalidity)
		return false;
	i_stream_skip(input, sizeof(hdr));
	cache->read_offset = sizeof(hdr);
	return true;
}

/* Reads the whole records from input (at read_offset) into the table. */
static void mail_cache_read_records(struct mail_cache *cache,
				    struct istream *input)
{
	struct mail_cache_record rec;
	const unsigned char *data;
	size_t size;

	while (i_stream_read_bytes(input, &data, &size, sizeof(rec)) > 0) {
		memcpy(&rec, data, sizeof(rec));
		if (!mail_cache_record_is_valid(&rec) ||
		    i_stream_read_bytes(input, &data, &size,
					sizeof(rec) + rec.size) <= 0)
			break;
		hash_table_update(cache->entries,
				  mail_cache_key(rec.uid, rec.field),
				  mail_cache_pack(cache->read_offset +
						  sizeof(rec), rec.size));
		i_stream_skip(input, sizeof(rec) + rec.size);
		cache->read_offset += sizeof(rec) + rec.size;
	}
}

/* Reads the header if read_offset is 0, then the whole records after
   read_offset. A wrong header leaves read_offset 0 (an empty cache).
   Returns 0, or -1 with error_r. */
static int mail_cache_read(struct mail_cache *cache, const char **error_r)
{
	struct istream *input;
	int ret = 0;

	if (lseek(cache->fd, cache->read_offset, SEEK_SET) < 0) {
		*error_r = t_strdup_printf("lseek(%s) failed: %m",
					   cache->path);
		return -1;
	}
	input = i_stream_create_fd(cache->fd, sizeof(struct mail_cache_record) +
				   MAIL_CACHE_MAX_VALUE_SIZE, false);
	if (cache->read_offset != 0 || mail_cache_read_header(cache, input))
		mail_cache_read_records(cache, input);
	if (input->stream_errno != 0) {
		*error_r = t_strdup_printf("read(%s) failed: %s", cache->path,
					   i_stream_get_error(input));
		ret = -1;
	}
	i_stream_destroy(&input);
	return ret;
}

/* Opens and reads the file once. Returns 0, or -1 with error_r. */
static int mail_cache_load(struct mail_cache *cache, const char **error_r)
{
	if (cache->loaded)
		return 0;
	cache->loaded = true;
	cache->fd = open(cache->path, O_RDWR);
	if (cache->fd == -1) {
		if (errno == ENOENT)
			return 0;
		*error_r = t_strdup_printf("open(%s) failed: %m",
					   cache->path);
		return -1;
	}
	return mail_cache_read(cache, error_r);
}

/* Disables the cache after an error. Returns -1. */
static int mail_cache_fail(struct mail_cache *cache)
{
	cache->failed = true;
	mail_cache_close_fd(cache);
	return -1;
}

/* Reads size bytes of a value at offset (which the file has). Returns 0
   or -1. */
static int mail_cache_pread(struct mail_cache *cache, void *buf,
			    uint32_t size, uoff_t offset, const char **error_r)
{
	ssize_t ret = pread(cache->fd, buf, size, offset);

	if (ret == (ssize_t)size)
		return 0;
	if (ret >= 0)
		errno = EIO;
	*error_r = t_strdup_printf("pread(%s) failed: %m", cache->path);
	return -1;
}

int mail_cache_lookup(struct mail_cache *cache, uint32_t uid,
		      enum mailbox_cache_field field, const char **value_r,
		      const char **error_r)
{
	void *value;
	uoff_t offset;
	uint32_t size;
	char *buf;

	if (cache->failed)
		return 0;
	if (mail_cache_load(cache, error_r) < 0)
		return mail_cache_fail(cache);
	value = hash_table_lookup(cache->pending_entries,
				  mail_cache_key(uid, field));
	if (value != NULL) {
		mail_cache_unpack(value, &offset, &size);
		*value_r = t_strndup((const unsigned char *)
				     cache->pending->data + offset, size);
		return 1;
	}
	value = hash_table_lookup(cache->entries, mail_cache_key(uid, field));
	if (value == NULL)
		return 0;
	mail_cache_unpack(value, &offset, &size);
	buf = t_malloc(size + 1);
	if (mail_cache_pread(cache, buf, size, offset, error_r) < 0)
		return mail_cache_fail(cache);
	buf[size] = '\0';
	*value_r = buf;
	return 1;
}

/* Whether fd (whose stat is st1_r) is still the file at path. */
static int mail_cache_fd_is_current(struct mail_cache *cache,
				    struct stat *st1_r, const char **error_r)
{
	struct stat st2;

	if (fstat(cache->fd, st1_r) < 0) {
		*error_r = t_strdup_printf("fstat(%s) failed: %m",
					   cache->path);
		return -1;
	}
	if (stat(cache->path, &st2) < 0) {
		if (errno == ENOENT)
			return 0;
		*error_r = t_strdup_printf("stat(%s) failed: %m",
					   cache->path);
		return -1;
	}
	return st1_r->st_ino == st2.st_ino && st1_r->st_dev == st2.st_dev ?
		1 : 0;
}

/* Locks the file at the path, opening (and creating) it as needed.
   Returns 1 locked (st_r is the file's stat), 0 another process holds
   the lock, -1 error. */
static int mail_cache_lock_file(struct mail_cache *cache, struct stat *st_r,
				const char **error_r)
{
	int ret, tries;

	for (tries = 0; tries < MAIL_CACHE_LOCK_TRIES; tries++) {
		if (cache->fd == -1) {
			cache->fd = open(cache->path, O_RDWR | O_CREAT, 0600);
			if (cache->fd == -1) {
				*error_r = t_strdup_printf(
					"open(%s) failed: %m", cache->path);
				return -1;
			}
		}
		if (flock(cache->fd, LOCK_EX | LOCK_NB) < 0) {
			if (errno == EWOULDBLOCK)
				return 0;
			*error_r = t_strdup_printf("flock(%s) failed: %m",
						   cache->path);
			return -1;
		}
		ret = mail_cache_fd_is_current(cache, st_r, error_r);
		if (ret != 0)
			return ret;
		/* replaced meanwhile: start over with the new file */
		mail_cache_close_fd(cache);
	}
	return 0;
}

static void mail_cache_unlock_file(struct mail_cache *cache)
{
	if (cache->fd != -1 && flock(cache->fd, LOCK_UN) < 0)
		i_unreached();
}

/* Writes a new header over an empty file. Returns 0 or -1. */
static int mail_cache_write_header(struct mail_cache *cache, int fd,
				   const char **error_r)
{
	struct mail_cache_header hdr = {
		.magic = MAIL_CACHE_MAGIC,
		.version = MAIL_CACHE_VERSION,
		.uidvalidity = cache->uidvalidity,
	};

	if (pwrite_full(fd, &hdr, sizeof(hdr), 0) < 0) {
		*error_r = t_strdup_printf("write(%s) failed: %m",
					   cache->path);
		return -1;
	}
	return 0;
}

static int mail_cache_rewrite(struct mail_cache *cache,
			      mail_cache_is_expunged_callback_t *is_expunged,
			      void *context, const char **error_r);

/* With the file locked (st is its stat): reads what others appended,
   and makes the file ready to append at read_offset (a torn tail is cut
   off; a file without a valid header gets one). Returns 0 or -1. */
static int mail_cache_sync_locked(struct mail_cache *cache,
				  const struct stat *st, const char **error_r)
{
	uoff_t size = st->st_size;

	if (size != cache->read_offset) {
		if (mail_cache_read(cache, error_r) < 0)
			return -1;
	}
	if (cache->read_offset == 0) {
		/* an empty file gets its header in place; others (another
		   UIDVALIDITY, garbage) are replaced, since a reader may
		   have them open */
		if (size != 0)
			return mail_cache_rewrite(cache, NULL, NULL, error_r);
		if (mail_cache_write_header(cache, cache->fd, error_r) < 0)
			return -1;
		cache->read_offset = sizeof(struct mail_cache_header);
	} else if (size > cache->read_offset &&
		   ftruncate(cache->fd, cache->read_offset) < 0) {
		*error_r = t_strdup_printf("ftruncate(%s) failed: %m",
					   cache->path);
		return -1;
	}
	return 0;
}

/* Locks and syncs the file. Returns 1 locked, 0 not (see
   mail_cache_lock_file()), -1 error (unlocked). */
static int mail_cache_lock(struct mail_cache *cache, const char **error_r)
{
	struct stat st;
	int ret;

	ret = mail_cache_lock_file(cache, &st, error_r);
	if (ret <= 0)
		return ret;
	if (mail_cache_sync_locked(cache, &st, error_r) < 0) {
		mail_cache_unlock_file(cache);
		return -1;
	}
	return 1;
}

/* Moves the pending records to the end of the file (leaving out those
   that another process added meanwhile) with one write. Returns 0 or -1
   (the cache's file stays unlocked). */
static int mail_cache_write_pending(struct mail_cache *cache,
				    const char **error_r)
{
	struct mail_cache_record rec;
	const unsigned char *data = cache->pending->data;
	buffer_t *out = buffer_create_dynamic(datastack_pool,
					      cache->pending->used);
	size_t pos, rec_size;
	void *key;

	for (pos = 0; pos < cache->pending->used; pos += rec_size) {
		memcpy(&rec, data + pos, sizeof(rec));
		rec_size = sizeof(rec) + rec.size;
		key = mail_cache_key(rec.uid, rec.field);
		if (hash_table_lookup(cache->entries, key) != NULL)
			continue;
		hash_table_update(cache->entries, key,
				  mail_cache_pack(cache->read_offset +
						  out->used + sizeof(rec),
						  rec.size));
		buffer_append(out, data + pos, rec_size);
	}
	if (pwrite_full(cache->fd, out->data, out->used,
			cache->read_offset) < 0) {
		*error_r = t_strdup_printf("write(%s) failed: %m",
					   cache->path);
		/* a torn record is cut off by the next writer */
		return -1;
	}
	cache->read_offset += out->used;
	return 0;
}

int mail_cache_flush(struct mail_cache *cache, const char **error_r)
{
	int ret;

	if (cache->pending->used == 0)
		return 0;
	ret = mail_cache_lock(cache, error_r);
	if (ret > 0) {
		ret = mail_cache_write_pending(cache, error_r);
		mail_cache_unlock_file(cache);
	}
	/* values not written for a lock held elsewhere are cached later */
	buffer_set_used_size(cache->pending, 0);
	hash_table_clear(cache->pending_entries);
	return ret < 0 ? mail_cache_fail(cache) : 0;
}

int mail_cache_add(struct mail_cache *cache, uint32_t uid,
		   enum mailbox_cache_field field, const char *value,
		   const char **error_r)
{
	struct mail_cache_record rec = {
		.uid = uid,
		.field = field,
		.size = strlen(value),
	};
	void *key = mail_cache_key(uid, field);

	i_assert(uid != 0 && field < MAILBOX_CACHE_FIELD_COUNT);
	if (cache->failed || rec.size > MAIL_CACHE_MAX_VALUE_SIZE)
		return 0;
	if (mail_cache_load(cache, error_r) < 0)
		return mail_cache_fail(cache);
	if (hash_table_lookup(cache->entries, key) != NULL ||
	    hash_table_lookup(cache->pending_entries, key) != NULL)
		return 0;
	buffer_append(cache->pending, &rec, sizeof(rec));
	hash_table_update(cache->pending_entries, key,
			  mail_cache_pack(cache->pending->used, rec.size));
	buffer_append(cache->pending, value, rec.size);
	if (cache->pending->used < MAIL_CACHE_FLUSH_SIZE)
		return 0;
	return mail_cache_flush(cache, error_r);
}

/* Writes buf to the end of fd and empties it. Returns 0 or -1. */
static int mail_cache_write_buf(struct mail_cache *cache, int fd,
				buffer_t *buf, const char **error_r)
{
	if (write_full(fd, buf->data, buf->used) < 0) {
		*error_r = t_strdup_printf("write(%s.tmp) failed: %m",
					   cache->path);
		return -1;
	}
	buffer_set_used_size(buf, 0);
	return 0;
}

/* Writes the live records to fd (after the header) and puts their new
   offsets into new_entries; *end_offset_r is the end of the last one.
   Returns 0 or -1. */
static int
mail_cache_copy_records(struct mail_cache *cache, int fd,
			struct hash_table *new_entries,
			mail_cache_is_expunged_callback_t *is_expunged,
			void *context, uoff_t *end_offset_r,
			const char **error_r)
{
	struct hash_iterate_context *iter;
	struct mail_cache_record rec;
	const void *key;
	void *value;
	buffer_t *buf = buffer_create_dynamic(datastack_pool,
					      MAIL_CACHE_WRITE_CHUNK * 2);
	uoff_t old_offset, new_offset = sizeof(struct mail_cache_header);
	int ret = 0;

	iter = hash_table_iterate_init(cache->entries);
	while (ret == 0 && hash_table_iterate(iter, &key, &value)) {
		rec.uid = (uint64_t)(uintptr_t)key >> 2;
		rec.field = (uintptr_t)key & 3;
		if (is_expunged != NULL && is_expunged(rec.uid, context))
			continue;
		mail_cache_unpack(value, &old_offset, &rec.size);
		buffer_append(buf, &rec, sizeof(rec));
		ret = mail_cache_pread(cache, buffer_append_space_unsafe(
			buf, rec.size), rec.size, old_offset, error_r);
		hash_table_update(new_entries, key, mail_cache_pack(
			new_offset + sizeof(rec), rec.size));
		new_offset += sizeof(rec) + rec.size;
		if (ret == 0 && buf->used >= MAIL_CACHE_WRITE_CHUNK)
			ret = mail_cache_write_buf(cache, fd, buf, error_r);
	}
	hash_table_iterate_deinit(&iter);
	if (ret == 0)
		ret = mail_cache_write_buf(cache, fd, buf, error_r);
	*end_offset_r = new_offset;
	return ret;
}

/* Writes a new file (fd) with the records that are not expunged (all if
   is_expunged is NULL), ending at *end_offset_r. Returns 0 or -1. */
static int mail_cache_write_new(struct mail_cache *cache, int fd,
				struct hash_table *new_entries,
				mail_cache_is_expunged_callback_t *is_expunged,
				void *context, uoff_t *end_offset_r,
				const char **error_r)
{
	if (mail_cache_write_header(cache, fd, error_r) < 0)
		return -1;
	if (lseek(fd, sizeof(struct mail_cache_header), SEEK_SET) < 0) {
		*error_r = t_strdup_printf("lseek(%s) failed: %m",
					   cache->path);
		return -1;
	}
	return mail_cache_copy_records(cache, fd, new_entries, is_expunged,
				       context, end_offset_r, error_r);
}

/* With the file locked: writes the records that are not expunged (all
   if is_expunged is NULL) to a new file, renames it over the path and
   keeps it (locked) as the cache's file. Returns 0 or -1. */
static int mail_cache_rewrite(struct mail_cache *cache,
			      mail_cache_is_expunged_callback_t *is_expunged,
			      void *context, const char **error_r)
{
	struct hash_table *new_entries;
	const char *temp_path = t_strconcat(cache->path, ".tmp", NULL);
	uoff_t end_offset;
	int fd, ret;

	fd = open(temp_path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd == -1) {
		*error_r = t_strdup_printf("open(%s) failed: %m", temp_path);
		return -1;
	}
	new_entries = hash_table_create_direct(default_pool);
	/* locked before the rename makes it the file at the path; nobody
	   else has it (only the holder of the path's lock writes it) */
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		*error_r = t_strdup_printf("flock(%s) failed: %m", temp_path);
		ret = -1;
	} else {
		ret = mail_cache_write_new(cache, fd, new_entries,
					   is_expunged, context, &end_offset,
					   error_r);
	}
	if (ret == 0 && rename(temp_path, cache->path) < 0) {
		*error_r = t_strdup_printf("rename(%s, %s) failed: %m",
					   temp_path, cache->path);
		ret = -1;
	}
	if (ret < 0) {
		hash_table_destroy(&new_entries);
		i_close_fd(&fd);
		/* a leftover is truncated by the next rewrite */
		(void)unlink(temp_path);
		return -1;
	}
	i_close_fd(&cache->fd);
	cache->fd = fd;
	hash_table_destroy(&cache->entries);
	cache->entries = new_entries;
	cache->read_offset = end_offset;
	return 0;
}

int mail_cache_compact_if_needed(struct mail_cache *cache,
				 mail_cache_is_expunged_callback_t *is_expunged,
				 void *context, const char **error_r)
{
	struct hash_iterate_context *iter;
	const void *key;
	void *value;
	uoff_t live = 0, offset;
	uint32_t size;
	int ret;

	if (!cache->loaded || cache->failed || cache->fd == -1 ||
	    cache->read_offset < MAIL_CACHE_COMPACT_MIN_SIZE)
		return 0;
	iter = hash_table_iterate_init(cache->entries);
	while (hash_table_iterate(iter, &key, &value)) {
		if (is_expunged((uint64_t)(uintptr_t)key >> 2, context))
			continue;
		mail_cache_unpack(value, &offset, &size);
		live += sizeof(struct mail_cache_record) + size;
	}
	hash_table_iterate_deinit(&iter);
	/* dead: the records of expunged UIDs and values written twice */
	if (live * 2 >= cache->read_offset - sizeof(struct mail_cache_header))
		return 0;

	ret = mail_cache_lock(cache, error_r);
	if (ret <= 0)
		return ret;
	ret = mail_cache_rewrite(cache, is_expunged, context, error_r);
	mail_cache_unlock_file(cache);
	return ret < 0 ? -1 : 1;
}
