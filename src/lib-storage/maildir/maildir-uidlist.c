/* Copyright (c) Cove authors. See AUTHORS. */

/* Reading, locking and atomically rewriting the maildir UID list. */

#include "lib.h"
#include "array.h"
#include "buffer.h"
#include "str.h"
#include "hash.h"
#include "file-util.h"
#include "file-dotlock.h"
#include "maildir-uidlist.h"

#include <fcntl.h>
#include <sys/stat.h>

struct maildir_uidlist {
	char *path;
	bool fsync;

	/* Holds the file's contents (the records' bases point into it) and
	   the bases added since. Recreated when the file is reread. */
	pool_t pool;
	ARRAY(struct maildir_uidlist_rec) recs;
	/* base -> UID */
	struct hash_table *hash;
	uint32_t uidvalidity;
	uint32_t next_uid;
	uint64_t highest_modseq;
	uint64_t expunge_modseq;
	/* The modseq shared by the changes and expunges of this lock
	   (0: none taken yet). */
	uint64_t lock_modseq;
	/* The file has "<uid> <modseq> <state> <base>" lines. */
	bool has_modseqs;

	/* The file last read or written. Keeping it open keeps its inode
	   number from being reused, so a changed inode means a new file. */
	int fd;
	bool initialized;
	bool dirty;
	struct file_dotlock *lock;
};

struct maildir_uidlist *maildir_uidlist_init(const char *dir, bool fsync)
{
	struct maildir_uidlist *uidlist;

	uidlist = i_new(struct maildir_uidlist, 1);
	uidlist->path = i_strdup_printf("%s/%s", dir, MAILDIR_UIDLIST_NAME);
	uidlist->fsync = fsync;
	uidlist->pool = pool_alloconly_create("maildir uidlist", 1024);
	i_array_init(&uidlist->recs, 128);
	uidlist->hash = hash_table_create_str(default_pool, false);
	uidlist->fd = -1;
	return uidlist;
}

void maildir_uidlist_deinit(struct maildir_uidlist **_uidlist)
{
	struct maildir_uidlist *uidlist = *_uidlist;
	const char *error;

	*_uidlist = NULL;
	if (uidlist->lock != NULL)
		(void)file_dotlock_delete(&uidlist->lock, &error);
	if (uidlist->fd != -1)
		(void)close(uidlist->fd);
	hash_table_destroy(&uidlist->hash);
	array_free(&uidlist->recs);
	pool_unref(&uidlist->pool);
	i_free(uidlist->path);
	i_free(uidlist);
}

static void maildir_uidlist_clear(struct maildir_uidlist *uidlist)
{
	hash_table_clear(uidlist->hash);
	array_clear(&uidlist->recs);
	pool_unref(&uidlist->pool);
	uidlist->pool = pool_alloconly_create("maildir uidlist", 1024);
}

/* Starts an empty list with a new UIDVALIDITY (never 0). UIDs restart at
   1: the new UIDVALIDITY makes clients forget the old ones. It must differ
   from the lost one, which was at most the old file's mtime (min_time)
   unless we knew it. */
static void maildir_uidlist_reset(struct maildir_uidlist *uidlist,
				  time_t min_time)
{
	uint32_t uidvalidity = (uint32_t)I_MAX(time(NULL), min_time);

	maildir_uidlist_clear(uidlist);
	if (uidvalidity <= uidlist->uidvalidity)
		uidvalidity = uidlist->uidvalidity + 1;
	uidlist->uidvalidity = uidvalidity == 0 ? 1 : uidvalidity;
	uidlist->next_uid = 1;
	uidlist->highest_modseq = 1;
	uidlist->expunge_modseq = 0;
	uidlist->dirty = true;
}

/* Parses "V<uidvalidity> N<nextuid> M<modseq> X<modseq>" (other fields
   ignored; M and X are missing in the older format). */
static bool maildir_uidlist_parse_header(struct maildir_uidlist *uidlist,
					 const char *line)
{
	const char *const *args = t_strsplit_spaces(line, " ");
	uint32_t uidvalidity = 0, next_uid = 1;
	uint64_t highest_modseq = 0, expunge_modseq = 0;
	int ret = 0;

	for (; *args != NULL && ret == 0; args++) {
		if ((*args)[0] == 'V')
			ret = str_to_uint32(*args + 1, &uidvalidity);
		else if ((*args)[0] == 'N')
			ret = str_to_uint32(*args + 1, &next_uid);
		else if ((*args)[0] == 'M')
			ret = str_to_uint64(*args + 1, &highest_modseq);
		else if ((*args)[0] == 'X')
			ret = str_to_uint64(*args + 1, &expunge_modseq);
	}
	if (ret < 0 || uidvalidity == 0 || next_uid == 0 ||
	    expunge_modseq > highest_modseq)
		return false;
	uidlist->uidvalidity = uidvalidity;
	uidlist->next_uid = next_uid;
	uidlist->has_modseqs = highest_modseq != 0;
	uidlist->highest_modseq = I_MAX(highest_modseq, 1);
	uidlist->expunge_modseq = expunge_modseq;
	return true;
}

/* Parses a state: 1 to 8 lower-case hex digits. */
static int maildir_uidlist_parse_state(const char *str, uint32_t *state_r)
{
	uint32_t state = 0;
	unsigned int i;

	for (i = 0; str[i] != '\0'; i++) {
		if (i == 8)
			return -1;
		if (str[i] >= '0' && str[i] <= '9')
			state = state * 16 + (str[i] - '0');
		else if (str[i] >= 'a' && str[i] <= 'f')
			state = state * 16 + (str[i] - 'a' + 10);
		else
			return -1;
	}
	*state_r = state;
	return i == 0 ? -1 : 0;
}

/* Parses the "<modseq> <state> " of a line at *p. */
static bool maildir_uidlist_parse_modseq(struct maildir_uidlist *uidlist,
					 char **p,
					 struct maildir_uidlist_rec *rec)
{
	char *modseq = *p, *state, *end;

	state = strchr(modseq, ' ');
	if (state == NULL)
		return false;
	*state++ = '\0';
	end = strchr(state, ' ');
	if (end == NULL)
		return false;
	*end++ = '\0';
	if (str_to_uint64(modseq, &rec->modseq) < 0 ||
	    rec->modseq > uidlist->highest_modseq ||
	    maildir_uidlist_parse_state(state, &rec->state) < 0)
		return false;
	*p = end;
	return true;
}

/* Parses "<uid> <base>"; line is modified in place. */
static bool maildir_uidlist_parse_line(struct maildir_uidlist *uidlist,
				       char *line)
{
	struct maildir_uidlist_rec rec;
	char *base = strchr(line, ' ');

	if (base == NULL)
		return false;
	*base++ = '\0';
	i_zero(&rec);
	if (uidlist->has_modseqs &&
	    !maildir_uidlist_parse_modseq(uidlist, &base, &rec))
		return false;
	if (str_to_uint32(line, &rec.uid) < 0 || rec.uid == 0 ||
	    base[0] == '\0' || strchr(base, '/') != NULL)
		return false;
	if (array_count(&uidlist->recs) > 0 &&
	    array_back(&uidlist->recs)->uid >= rec.uid)
		return false;
	if (!hash_table_try_insert(uidlist->hash, base,
				   (void *)(uintptr_t)rec.uid))
		return false;
	rec.base = base;
	array_push_back(&uidlist->recs, &rec);
	if (rec.uid >= uidlist->next_uid) {
		uidlist->next_uid = rec.uid + 1;
		uidlist->dirty = true;
	}
	return true;
}

/* Parses the file's contents (NUL-terminated, modified in place). */
static void maildir_uidlist_parse(struct maildir_uidlist *uidlist,
				  char *data, size_t size, time_t mtime)
{
	char *line, *end;

	uidlist->dirty = false;
	end = memchr(data, '\n', size);
	if (end == NULL) {
		maildir_uidlist_reset(uidlist, mtime + 1);
		return;
	}
	*end = '\0';
	if (!maildir_uidlist_parse_header(uidlist, data)) {
		maildir_uidlist_reset(uidlist, mtime + 1);
		return;
	}
	for (line = end + 1; line < data + size; line = end + 1) {
		end = memchr(line, '\n', data + size - line);
		if (end == NULL) {
			/* an unfinished last line */
			uidlist->dirty = true;
			break;
		}
		*end = '\0';
		if (!maildir_uidlist_parse_line(uidlist, line))
			uidlist->dirty = true;
	}
}

/* Reads the file open in fd. Returns 0, or -1 on a read error. */
static int maildir_uidlist_read(struct maildir_uidlist *uidlist, int fd,
				const struct stat *st, const char **error_r)
{
	buffer_t *buf;
	ssize_t ret;

	maildir_uidlist_clear(uidlist);
	buf = buffer_create_dynamic(uidlist->pool, st->st_size + 1);
	for (;;) {
		unsigned char *data = buffer_append_space_unsafe(buf, 8192);

		ret = read(fd, data, 8192);
		if (ret < 0) {
			*error_r = t_strdup_printf("read(%s) failed: %m",
						   uidlist->path);
			return -1;
		}
		buffer_set_used_size(buf, buf->used - 8192 + ret);
		if (ret == 0)
			break;
	}
	buffer_append_c(buf, '\0');
	maildir_uidlist_parse(uidlist, buffer_get_modifiable_data(buf, NULL),
			      buf->used - 1, st->st_mtime);
	return 0;
}

static bool maildir_uidlist_is_same_file(const struct maildir_uidlist *uidlist,
					 const struct stat *st)
{
	struct stat fd_st;

	if (uidlist->fd == -1 || fstat(uidlist->fd, &fd_st) < 0)
		return false;
	return fd_st.st_ino == st->st_ino && fd_st.st_dev == st->st_dev &&
		fd_st.st_size == st->st_size &&
		fd_st.st_mtim.tv_sec == st->st_mtim.tv_sec &&
		fd_st.st_mtim.tv_nsec == st->st_mtim.tv_nsec;
}

static void maildir_uidlist_id_from_stat(const struct stat *st,
					 struct maildir_uidlist_id *id_r)
{
	i_zero(id_r);
	id_r->dev = st->st_dev;
	id_r->ino = st->st_ino;
	id_r->size = st->st_size;
	id_r->mtime_sec = st->st_mtim.tv_sec;
	id_r->mtime_nsec = st->st_mtim.tv_nsec;
}

bool maildir_uidlist_get_id(const struct maildir_uidlist *uidlist,
			    struct maildir_uidlist_id *id_r)
{
	struct stat st;

	if (uidlist->fd == -1 || fstat(uidlist->fd, &st) < 0)
		return false;
	maildir_uidlist_id_from_stat(&st, id_r);
	return true;
}

bool maildir_uidlist_stat_id(const char *dir, struct maildir_uidlist_id *id_r)
{
	struct stat st;

	if (stat(t_strconcat(dir, "/", MAILDIR_UIDLIST_NAME, NULL), &st) < 0)
		return false;
	maildir_uidlist_id_from_stat(&st, id_r);
	return true;
}

int maildir_uidlist_refresh(struct maildir_uidlist *uidlist,
			    const char **error_r)
{
	struct stat st;
	int fd;

	fd = open(uidlist->path, O_RDONLY);
	if (fd < 0) {
		if (errno != ENOENT) {
			*error_r = t_strdup_printf("open(%s) failed: %m",
						   uidlist->path);
			return -1;
		}
		if (uidlist->initialized) {
			/* deleted: rewrite it from what we know */
			uidlist->dirty = true;
			return 0;
		}
		maildir_uidlist_reset(uidlist, 0);
		uidlist->initialized = true;
		return 1;
	}
	if (fstat(fd, &st) < 0) {
		*error_r = t_strdup_printf("fstat(%s) failed: %m",
					   uidlist->path);
		(void)close(fd);
		return -1;
	}
	if (maildir_uidlist_is_same_file(uidlist, &st)) {
		(void)close(fd);
		return 0;
	}
	if (maildir_uidlist_read(uidlist, fd, &st, error_r) < 0) {
		(void)close(fd);
		return -1;
	}
	if (uidlist->fd != -1)
		(void)close(uidlist->fd);
	uidlist->fd = fd;
	uidlist->initialized = true;
	return 1;
}

uint32_t maildir_uidlist_lookup(struct maildir_uidlist *uidlist,
				const char *base)
{
	return (uint32_t)(uintptr_t)hash_table_lookup(uidlist->hash, base);
}

uint32_t maildir_uidlist_get_uidvalidity(const struct maildir_uidlist *uidlist)
{
	return uidlist->uidvalidity;
}

uint32_t maildir_uidlist_get_next_uid(const struct maildir_uidlist *uidlist)
{
	return uidlist->next_uid;
}

uint64_t
maildir_uidlist_get_highest_modseq(const struct maildir_uidlist *uidlist)
{
	return uidlist->highest_modseq;
}

uint64_t
maildir_uidlist_get_expunge_modseq(const struct maildir_uidlist *uidlist)
{
	return uidlist->expunge_modseq;
}

const struct maildir_uidlist_rec *
maildir_uidlist_get_recs(const struct maildir_uidlist *uidlist,
			 unsigned int *count_r)
{
	return array_get(&uidlist->recs, count_r);
}

bool maildir_uidlist_is_dirty(const struct maildir_uidlist *uidlist)
{
	return uidlist->dirty;
}

int maildir_uidlist_lock(struct maildir_uidlist *uidlist,
			 const char **error_r)
{
	int ret;

	i_assert(uidlist->lock == NULL);
	ret = file_dotlock_create(uidlist->path,
				  MAILDIR_UIDLIST_LOCK_TIMEOUT_SECS,
				  &uidlist->lock, error_r);
	if (ret <= 0)
		return ret;
	uidlist->lock_modseq = 0;
	if (maildir_uidlist_refresh(uidlist, error_r) < 0) {
		const char *error;

		(void)file_dotlock_delete(&uidlist->lock, &error);
		return -1;
	}
	return 1;
}

uint32_t maildir_uidlist_add(struct maildir_uidlist *uidlist,
			     const char *base, uint32_t state)
{
	struct maildir_uidlist_rec rec;

	i_assert(uidlist->lock != NULL);
	i_zero(&rec);
	rec.uid = uidlist->next_uid++;
	rec.state = state;
	rec.modseq = ++uidlist->highest_modseq;
	rec.base = p_strdup(uidlist->pool, base);
	array_push_back(&uidlist->recs, &rec);
	hash_table_update(uidlist->hash, rec.base, (void *)(uintptr_t)rec.uid);
	uidlist->dirty = true;
	return rec.uid;
}

/* The modseq of the changes made under this lock: one per lock, as a
   transaction (a STORE of many messages, an EXPUNGE) has one. */
static uint64_t maildir_uidlist_lock_modseq(struct maildir_uidlist *uidlist)
{
	if (uidlist->lock_modseq == 0)
		uidlist->lock_modseq = ++uidlist->highest_modseq;
	return uidlist->lock_modseq;
}

void maildir_uidlist_drop(struct maildir_uidlist *uidlist, unsigned int idx)
{
	struct maildir_uidlist_rec *rec;

	i_assert(uidlist->lock != NULL);
	rec = array_idx_modifiable(&uidlist->recs, idx);
	if (rec->base == NULL)
		return;
	(void)hash_table_remove(uidlist->hash, rec->base);
	rec->base = NULL;
	uidlist->expunge_modseq = maildir_uidlist_lock_modseq(uidlist);
	uidlist->dirty = true;
}

uint64_t maildir_uidlist_set_state(struct maildir_uidlist *uidlist,
				   unsigned int idx, uint32_t state)
{
	struct maildir_uidlist_rec *rec;

	i_assert(uidlist->lock != NULL);
	rec = array_idx_modifiable(&uidlist->recs, idx);
	if (rec->modseq != 0 && rec->state == state)
		return rec->modseq;
	rec->state = state;
	rec->modseq = maildir_uidlist_lock_modseq(uidlist);
	uidlist->dirty = true;
	return rec->modseq;
}

/* Builds the file's contents and compacts away dropped records. */
static void maildir_uidlist_build(struct maildir_uidlist *uidlist,
				  string_t *str)
{
	struct maildir_uidlist_rec *recs;
	unsigned int i, dest, count;

	str_printfa(str, "V%u N%u M%llu X%llu\n", uidlist->uidvalidity,
		    uidlist->next_uid,
		    (unsigned long long)uidlist->highest_modseq,
		    (unsigned long long)uidlist->expunge_modseq);
	recs = array_get_modifiable(&uidlist->recs, &count);
	for (i = dest = 0; i < count; i++) {
		if (recs[i].base == NULL)
			continue;
		str_printfa(str, "%u %llu %x %s\n", recs[i].uid,
			    (unsigned long long)recs[i].modseq,
			    recs[i].state, recs[i].base);
		recs[dest++] = recs[i];
	}
	array_delete(&uidlist->recs, dest, count - dest);
}

static int maildir_uidlist_write(struct maildir_uidlist *uidlist,
				 const char **error_r)
{
	const char *temp_path;
	string_t *str;
	int fd, ret = 0;

	temp_path = t_strconcat(uidlist->path, ".tmp", NULL);
	fd = open(temp_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0) {
		*error_r = t_strdup_printf("open(%s) failed: %m", temp_path);
		return -1;
	}
	str = str_new(default_pool, 64 + array_count(&uidlist->recs) * 64);
	maildir_uidlist_build(uidlist, str);
	if (write_full(fd, str_data(str), str_len(str)) < 0) {
		*error_r = t_strdup_printf("write(%s) failed: %m", temp_path);
		ret = -1;
	} else if (uidlist->fsync && fsync(fd) < 0) {
		*error_r = t_strdup_printf("fsync(%s) failed: %m", temp_path);
		ret = -1;
	} else if (rename(temp_path, uidlist->path) < 0) {
		*error_r = t_strdup_printf("rename(%s, %s) failed: %m",
					   temp_path, uidlist->path);
		ret = -1;
	}
	str_free(&str);
	if (ret < 0) {
		(void)close(fd);
		(void)unlink(temp_path);
		return -1;
	}
	if (uidlist->fd != -1)
		(void)close(uidlist->fd);
	uidlist->fd = fd;
	uidlist->dirty = false;
	uidlist->has_modseqs = true;
	return 0;
}

int maildir_uidlist_unlock(struct maildir_uidlist *uidlist,
			   const char **error_r)
{
	const char *error;
	int ret = 0;

	i_assert(uidlist->lock != NULL);
	if (uidlist->dirty)
		ret = maildir_uidlist_write(uidlist, error_r);
	if (file_dotlock_delete(&uidlist->lock, &error) < 0 && ret == 0) {
		*error_r = error;
		ret = -1;
	}
	return ret;
}
