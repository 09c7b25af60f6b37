/* Copyright (c) Cove authors. See AUTHORS. */

/* Reading and writing a maildir's keywords file (see maildir-keywords.h),
   and the keyword letters of file names. */

#include "lib.h"
#include "str.h"
#include "file-util.h"
#include "maildir-filename.h"
#include "maildir-uidlist.h"
#include "maildir-keywords.h"
#include "maildir-storage.h"

#include <fcntl.h>
#include <strings.h>
#include <sys/stat.h>

/* A longer file cannot be ours: MAIL_KEYWORDS_MAX lines of at most
   MAIL_KEYWORD_MAX_LEN bytes. */
#define MAILDIR_KEYWORDS_MAX_FILE_SIZE \
	(MAIL_KEYWORDS_MAX * (MAIL_KEYWORD_MAX_LEN + 8))

struct maildir_keywords {
	pool_t pool;
	char *path;
	bool fsync;
	/* Index -> name (from pool), NULL for an unused index; count is
	   the highest used index + 1. */
	const char *names[MAIL_KEYWORDS_MAX];
	unsigned int count;
	/* The file as last read or written; st_ino 0 if it was missing. */
	struct stat st;
	bool read;
};

struct maildir_keywords *maildir_keywords_init(const char *dir, bool fsync)
{
	struct maildir_keywords *keywords;

	keywords = i_new(struct maildir_keywords, 1);
	keywords->path = i_strdup_printf("%s/%s", dir, MAILDIR_KEYWORDS_NAME);
	keywords->fsync = fsync;
	keywords->pool = pool_alloconly_create("maildir keywords", 512);
	return keywords;
}

void maildir_keywords_deinit(struct maildir_keywords **_keywords)
{
	struct maildir_keywords *keywords = *_keywords;

	*_keywords = NULL;
	pool_unref(&keywords->pool);
	i_free(keywords->path);
	i_free(keywords);
}

static void maildir_keywords_clear(struct maildir_keywords *keywords)
{
	pool_unref(&keywords->pool);
	keywords->pool = pool_alloconly_create("maildir keywords", 512);
	memset(keywords->names, 0, sizeof(keywords->names));
	keywords->count = 0;
}

static void maildir_keywords_set(struct maildir_keywords *keywords,
				 unsigned int idx, const char *name)
{
	keywords->names[idx] = p_strdup(keywords->pool, name);
	if (idx >= keywords->count)
		keywords->count = idx + 1;
}

/* Parses one "<index> <name>" line; invalid lines are skipped. */
static void maildir_keywords_parse_line(struct maildir_keywords *keywords,
					const char *line)
{
	const char *name;
	uint64_t idx;

	if (str_parse_uint64(line, &idx, &name) < 0 || *name != ' ' ||
	    idx >= MAIL_KEYWORDS_MAX)
		return;
	name++;
	if (name[0] == '\0' || strlen(name) > MAIL_KEYWORD_MAX_LEN ||
	    maildir_keywords_lookup(keywords, name) >= 0)
		return;
	if (keywords->names[idx] == NULL)
		maildir_keywords_set(keywords, idx, name);
}

static int maildir_keywords_read(struct maildir_keywords *keywords,
				 const char **error_r)
{
	const char *const *lines;
	buffer_t *data;
	bool enoent;

	maildir_keywords_clear(keywords);
	if (file_read_all(keywords->path, keywords->pool,
			  MAILDIR_KEYWORDS_MAX_FILE_SIZE, &data, &enoent,
			  error_r) < 0)
		return enoent ? 0 : -1;
	lines = t_strsplit(t_strndup(data->data, data->used), "\n");
	for (; *lines != NULL; lines++)
		maildir_keywords_parse_line(keywords, *lines);
	return 0;
}

static bool maildir_keywords_stat_equal(const struct stat *st1,
					const struct stat *st2)
{
	return st1->st_ino == st2->st_ino && st1->st_size == st2->st_size &&
		st1->st_mtim.tv_sec == st2->st_mtim.tv_sec &&
		st1->st_mtim.tv_nsec == st2->st_mtim.tv_nsec;
}

int maildir_keywords_refresh(struct maildir_keywords *keywords,
			     const char **error_r)
{
	struct stat st;

	if (stat(keywords->path, &st) < 0) {
		if (errno != ENOENT) {
			*error_r = t_strdup_printf("stat(%s) failed: %m",
						   keywords->path);
			return -1;
		}
		memset(&st, 0, sizeof(st));
	}
	if (keywords->read && maildir_keywords_stat_equal(&st, &keywords->st))
		return 0;
	if (st.st_ino == 0)
		maildir_keywords_clear(keywords);
	else if (maildir_keywords_read(keywords, error_r) < 0)
		return -1;
	keywords->st = st;
	keywords->read = true;
	return 0;
}

const char *const *
maildir_keywords_get_names(const struct maildir_keywords *keywords,
			   unsigned int *count_r)
{
	*count_r = keywords->count;
	return keywords->names;
}

int maildir_keywords_lookup(const struct maildir_keywords *keywords,
			    const char *name)
{
	for (unsigned int i = 0; i < keywords->count; i++) {
		if (keywords->names[i] != NULL &&
		    strcasecmp(keywords->names[i], name) == 0)
			return (int)i;
	}
	return -1;
}

static int maildir_keywords_write(struct maildir_keywords *keywords,
				  const char **error_r)
{
	const char *temp_path = t_strconcat(keywords->path, ".tmp", NULL);
	string_t *str = t_str_new(256);
	struct stat st;
	int fd, ret = 0;

	for (unsigned int i = 0; i < keywords->count; i++) {
		if (keywords->names[i] != NULL)
			str_printfa(str, "%u %s\n", i, keywords->names[i]);
	}
	fd = open(temp_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0) {
		*error_r = t_strdup_printf("open(%s) failed: %m", temp_path);
		return -1;
	}
	if (write_full(fd, str_data(str), str_len(str)) < 0) {
		*error_r = t_strdup_printf("write(%s) failed: %m", temp_path);
		ret = -1;
	} else if (keywords->fsync && fsync(fd) < 0) {
		*error_r = t_strdup_printf("fsync(%s) failed: %m", temp_path);
		ret = -1;
	} else if (fstat(fd, &st) < 0) {
		*error_r = t_strdup_printf("fstat(%s) failed: %m", temp_path);
		ret = -1;
	} else if (rename(temp_path, keywords->path) < 0) {
		*error_r = t_strdup_printf("rename(%s, %s) failed: %m",
					   temp_path, keywords->path);
		ret = -1;
	}
	(void)close(fd);
	if (ret < 0) {
		(void)unlink(temp_path);
		return -1;
	}
	keywords->st = st;
	return 0;
}

int maildir_keywords_add(struct maildir_keywords *keywords, const char *name,
			 unsigned int *idx_r, const char **error_r)
{
	unsigned int idx;

	i_assert(maildir_keywords_lookup(keywords, name) < 0);
	for (idx = 0; idx < MAIL_KEYWORDS_MAX; idx++) {
		if (keywords->names[idx] == NULL)
			break;
	}
	if (idx == MAIL_KEYWORDS_MAX)
		return 0;
	maildir_keywords_set(keywords, idx, name);
	if (maildir_keywords_write(keywords, error_r) < 0) {
		/* not written: force a reread */
		keywords->read = false;
		return -1;
	}
	*idx_r = idx;
	return 1;
}

uint32_t maildir_keywords_from_info(const char *info)
{
	uint32_t keywords = 0;

	if (!str_begins(info, ":2,"))
		return 0;
	for (info += 3; *info != '\0'; info++) {
		if (*info >= 'a' && *info < 'a' + MAIL_KEYWORDS_MAX)
			keywords |= 1U << (*info - 'a');
	}
	return keywords;
}

static int maildir_keywords_letter_cmp(const char *c1, const char *c2)
{
	return (unsigned char)*c1 - (unsigned char)*c2;
}

const char *maildir_keywords_info_set(const char *old_info,
				      enum mail_flags flags,
				      uint32_t keywords)
{
	string_t *str = t_str_new(48);
	const char *info;
	char *letters;

	info = maildir_filename_info_set_flags(old_info, flags);
	str_append(str, info + 3);
	/* drop the old keyword letters, then add the new ones */
	letters = str_c_modifiable(str);
	for (size_t i = 0; letters[i] != '\0';) {
		if (letters[i] >= 'a' && letters[i] < 'a' + MAIL_KEYWORDS_MAX)
			memmove(letters + i, letters + i + 1,
				strlen(letters + i));
		else
			i++;
	}
	str_truncate(str, strlen(letters));
	for (unsigned int i = 0; i < MAIL_KEYWORDS_MAX; i++) {
		if ((keywords & (1U << i)) != 0)
			str_append_c(str, 'a' + i);
	}
	letters = str_c_modifiable(str);
	qsort(letters, str_len(str), 1, (int (*)(const void *,
		const void *))maildir_keywords_letter_cmp);
	return t_strconcat(":2,", letters, NULL);
}

const char *const *maildir_get_keywords(struct mailbox *box,
					unsigned int *count_r)
{
	struct maildir_mailbox *mbox = (struct maildir_mailbox *)box;

	return maildir_keywords_get_names(mbox->keywords, count_r);
}

/* Sets the bits of names that exist; returns how many do not. */
static unsigned int
maildir_keywords_find_all(const struct maildir_keywords *keywords,
			  const char *const *names, unsigned int count,
			  uint32_t *keywords_r)
{
	unsigned int missing = 0;
	int idx;

	for (unsigned int i = 0; i < count; i++) {
		idx = maildir_keywords_lookup(keywords, names[i]);
		if (idx < 0)
			missing++;
		else
			*keywords_r |= 1U << idx;
	}
	return missing;
}

/* Under the uidlist lock: adds the names that do not exist yet. */
static int maildir_keywords_add_all(struct maildir_keywords *keywords,
				    const char *const *names,
				    unsigned int count, uint32_t *keywords_r,
				    const char **error_r)
{
	unsigned int idx;
	int ret;

	if (maildir_keywords_refresh(keywords, error_r) < 0)
		return -1;
	for (unsigned int i = 0; i < count; i++) {
		if (maildir_keywords_lookup(keywords, names[i]) >= 0)
			continue;
		ret = maildir_keywords_add(keywords, names[i], &idx, error_r);
		if (ret == 0) {
			*error_r = t_strdup_printf(
				"Too many keywords in mailbox (max %u)",
				MAIL_KEYWORDS_MAX);
		}
		if (ret <= 0)
			return ret;
	}
	*keywords_r = 0;
	(void)maildir_keywords_find_all(keywords, names, count, keywords_r);
	return 1;
}

int maildir_keywords_lookup_names(struct mailbox *box,
				  const char *const *names,
				  unsigned int count, uint32_t *keywords_r,
				  const char **error_r)
{
	struct maildir_mailbox *mbox = (struct maildir_mailbox *)box;
	const char *error;
	int ret;

	if (maildir_keywords_refresh(mbox->keywords, error_r) < 0)
		return -1;
	if (maildir_keywords_find_all(mbox->keywords, names, count,
				      keywords_r) == 0)
		return 1;
	/* new names: added under the uidlist lock, which also orders
	   this against other sessions adding keywords */
	ret = maildir_uidlist_lock(mbox->uidlist, error_r);
	if (ret == 0)
		*error_r = "Timeout while waiting for the uidlist lock";
	if (ret <= 0)
		return -1;
	ret = maildir_keywords_add_all(mbox->keywords, names, count,
				       keywords_r, error_r);
	if (maildir_uidlist_unlock(mbox->uidlist, &error) < 0 && ret > 0) {
		*error_r = error;
		ret = -1;
	}
	return ret;
}
