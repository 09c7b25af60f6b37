/* Copyright (c) Cove authors. See AUTHORS. */

/* Maildir file name parsing and building (see maildir-filename.h). */

#include "lib.h"
#include "str.h"
#include "maildir-filename.h"

#include <sys/time.h>

struct maildir_flag_letter {
	char letter;
	enum mail_flags flag;
};

/* In ASCII order. */
static const struct maildir_flag_letter maildir_flag_letters[] = {
	{ 'D', MAIL_DRAFT },
	{ 'F', MAIL_FLAGGED },
	{ 'R', MAIL_ANSWERED },
	{ 'S', MAIL_SEEN },
	{ 'T', MAIL_DELETED },
};

static enum mail_flags maildir_flag_from_letter(char letter)
{
	for (unsigned int i = 0; i < N_ELEMENTS(maildir_flag_letters); i++) {
		if (maildir_flag_letters[i].letter == letter)
			return maildir_flag_letters[i].flag;
	}
	return 0;
}

size_t maildir_filename_base_len(const char *fname)
{
	return strcspn(fname, ":");
}

/* Parses ",X=<digits>" at p (just after the ',' is X). */
static bool maildir_filename_parse_size(const char *p, const char *end,
					uoff_t *size_r)
{
	uoff_t size = 0;

	if (p == end || *p < '0' || *p > '9')
		return false;
	for (; p < end && *p >= '0' && *p <= '9'; p++) {
		if (size > (UINT64_MAX - 9) / 10)
			return false;
		size = size * 10 + (uoff_t)(*p - '0');
	}
	if (p != end && *p != ',')
		return false;
	*size_r = size;
	return true;
}

void maildir_filename_parse(const char *fname,
			    struct maildir_filename *fname_r)
{
	const char *end = fname + maildir_filename_base_len(fname);
	const char *p;

	memset(fname_r, 0, sizeof(*fname_r));
	for (p = memchr(fname, ',', end - fname); p != NULL;
	     p = memchr(p, ',', end - p)) {
		p++;
		if (end - p < 2 || p[1] != '=')
			continue;
		if (p[0] == 'S') {
			fname_r->have_physical_size =
				maildir_filename_parse_size(
					p + 2, end, &fname_r->physical_size);
		} else if (p[0] == 'W') {
			fname_r->have_virtual_size =
				maildir_filename_parse_size(
					p + 2, end, &fname_r->virtual_size);
		}
	}
	if (strncmp(end, ":2,", 3) != 0)
		return;
	for (p = end + 3; *p != '\0'; p++)
		fname_r->flags |= maildir_flag_from_letter(*p);
}

enum mail_flags maildir_filename_get_flags(const char *fname)
{
	struct maildir_filename parsed;

	maildir_filename_parse(fname, &parsed);
	return parsed.flags;
}

static int maildir_letter_cmp(const char *c1, const char *c2)
{
	return (unsigned char)*c1 - (unsigned char)*c2;
}

const char *maildir_filename_info_set_flags(const char *old_info,
					    enum mail_flags flags)
{
	string_t *letters = t_str_new(16);
	char *data;

	if (str_begins(old_info, ":2,")) {
		for (const char *p = old_info + 3; *p != '\0'; p++) {
			if (maildir_flag_from_letter(*p) == 0 &&
			    strchr(str_c(letters), *p) == NULL)
				str_append_c(letters, *p);
		}
	}
	for (unsigned int i = 0; i < N_ELEMENTS(maildir_flag_letters); i++) {
		if ((flags & maildir_flag_letters[i].flag) != 0)
			str_append_c(letters, maildir_flag_letters[i].letter);
	}
	data = str_c_modifiable(letters);
	qsort(data, str_len(letters), 1,
	      (int (*)(const void *, const void *))maildir_letter_cmp);
	return t_strconcat(":2,", data, NULL);
}

/* The host name with '/' and ':' escaped as the Maildir spec asks. */
static const char *maildir_filename_hostname(void)
{
	static char *hostname = NULL;
	char buf[256];
	string_t *str;

	if (hostname != NULL)
		return hostname;
	if (gethostname(buf, sizeof(buf) - 1) < 0 || buf[0] == '\0')
		memcpy(buf, "localhost", sizeof("localhost"));
	buf[sizeof(buf) - 1] = '\0';
	str = t_str_new(64);
	for (const char *p = buf; *p != '\0'; p++) {
		if (*p == '/')
			str_append(str, "\\057");
		else if (*p == ':')
			str_append(str, "\\072");
		else if (*p == ',')
			str_append(str, "\\054");
		else
			str_append_c(str, *p);
	}
	hostname = i_strdup(str_c(str));
	return hostname;
}

const char *maildir_filename_generate(void)
{
	static unsigned int counter = 0;
	struct timeval tv;

	if (gettimeofday(&tv, NULL) < 0)
		i_fatal("gettimeofday() failed: %m");
	return t_strdup_printf("%lld.M%ldP%ldQ%u.%s", (long long)tv.tv_sec,
			       (long)tv.tv_usec, (long)getpid(), ++counter,
			       maildir_filename_hostname());
}

/* Parses "SECS." and an optional ".M<usec>" at the start of base. */
void maildir_filename_key_init(struct maildir_filename_key *key,
			       const char *base)
{
	const char *p;

	i_zero(key);
	key->base = base;
	if (str_parse_uint64(base, &key->secs, &p) < 0 || *p != '.')
		return;
	key->have_time = true;
	key->have_usecs = p[1] == 'M' &&
		str_parse_uint64(p + 2, &key->usecs, &p) == 0;
}

static int uint64_cmp(uint64_t n1, uint64_t n2)
{
	return n1 < n2 ? -1 : (n1 > n2 ? 1 : 0);
}

int maildir_filename_key_cmp(const struct maildir_filename_key *key1,
			     const struct maildir_filename_key *key2)
{
	int ret;

	if (key1->have_time != key2->have_time)
		return key1->have_time ? -1 : 1;
	if (key1->have_time) {
		if ((ret = uint64_cmp(key1->secs, key2->secs)) != 0)
			return ret;
		if (key1->have_usecs && key2->have_usecs &&
		    (ret = uint64_cmp(key1->usecs, key2->usecs)) != 0)
			return ret;
	}
	return strcmp(key1->base, key2->base);
}

int maildir_filename_base_cmp(const char *base1, const char *base2)
{
	struct maildir_filename_key key1, key2;

	maildir_filename_key_init(&key1, base1);
	maildir_filename_key_init(&key2, base2);
	return maildir_filename_key_cmp(&key1, &key2);
}
