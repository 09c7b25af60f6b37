/* Copyright (c) Cove authors. See AUTHORS. */

/* Tests for the mbox format without I/O (mbox/mbox-file.h): the "From "
   line, the message scanner whole and cut at every offset, the internal
   headers and the unquoting, and broken files. */

#include "lib.h"
#include "array.h"
#include "buffer.h"
#include "str.h"
#include "mbox/mbox-file.h"
#include "test-storage-common.h"

#include <stdlib.h>

struct test_from_line {
	const char *line;
	bool valid;
	/* seconds since the epoch in UTC (the tests run with TZ=UTC) */
	time_t date;
};

static const struct test_from_line test_from_lines[] = {
	{ "From a@b.org Mon Jan  1 00:00:00 2024", true, 1704067200 },
	{ "From a@b.org Mon Jan 1 00:00:00 2024", true, 1704067200 },
	{ "From MAILER-DAEMON Tue Feb 27 13:05:09 2024", true, 1709039109 },
	{ "From a@b Tue Feb 27 13:05 2024", true, 1709039100 },
	{ "From a@b Tue Feb 27 13:05:09 EET 2024", true, 1709039109 },
	{ "From \"x y\"@b Tue Feb 27 13:05:09 2024", true, 1709039109 },
	{ "From  Tue Feb 27 13:05:09 2024", true, 1709039109 },
	{ "From a@b Tue Feb 27 13:05:09 2024 +0200", true, 1709039109 },
	{ "From me to you: hello", false, 0 },
	{ "From a@b Tue Feb 27", false, 0 },
	{ "From a@b Tue Foo 27 13:05:09 2024", false, 0 },
	{ "From a@b Tue Feb 27 1305 2024", false, 0 },
	{ "From a@b Tue Feb 27 13:05:09", false, 0 },
	{ "from a@b Tue Feb 27 13:05:09 2024", false, 0 },
	{ ">From a@b Tue Feb 27 13:05:09 2024", false, 0 },
	{ "From", false, 0 },
	{ "", false, 0 },
};

static void test_set_utc(void)
{
	if (setenv("TZ", "UTC", 1) < 0)
		i_fatal("setenv(TZ) failed: %m");
	tzset();
}

void test_mbox_from_line(void)
{
	static const char *const no_senders[] = { NULL, "", "a b@c", "a\n" };
	string_t *str = t_str_new(128);
	time_t date;
	bool valid;

	test_begin("mbox From line");
	test_set_utc();
	for (unsigned int i = 0; i < N_ELEMENTS(test_from_lines); i++) {
		const struct test_from_line *t = &test_from_lines[i];

		valid = mbox_from_line_parse((const unsigned char *)t->line,
					     strlen(t->line), &date);
		test_assert_idx(valid == t->valid, i);
		if (t->valid)
			test_assert_idx(date == t->date, i);
	}
	mbox_from_line_write(str, "a@b.org", 1709039109);
	test_assert_strcmp(str_c(str),
			   "From a@b.org Tue Feb 27 13:05:09 2024\n");
	valid = mbox_from_line_parse(str_data(str), str_len(str) - 1, &date);
	test_assert(valid && date == 1709039109);
	/* no sender, the null sender, or one the line cannot hold */
	for (unsigned int i = 0; i < N_ELEMENTS(no_senders); i++) {
		str_truncate(str, 0);
		mbox_from_line_write(str, no_senders[i], 1709039109);
		test_assert_idx(strcmp(str_c(str), "From MAILER-DAEMON Tue "
				       "Feb 27 13:05:09 2024\n") == 0, i);
	}
	test_end();
}

/* "X-Keywords:" + names, padded to n bytes in all with the LF */
static const char *test_keywords_line(const char *names, size_t n)
{
	string_t *str = t_str_new(n);

	str_printfa(str, "X-Keywords:%s", names);
	while (str_len(str) < n - 1)
		str_append_c(str, ' ');
	str_append_c(str, '\n');
	return str_c(str);
}

void test_mbox_flag_headers(void)
{
	static const char *const keywords[] = { "$Label1", "work", NULL };
	const size_t empty_kw = strlen("X-Keywords:\n") +
		MBOX_FLAG_HEADERS_PADDING;
	string_t *str = t_str_new(128);

	test_begin("mbox flag headers");
	test_assert(mbox_flag_headers_write(str, 0, NULL, false, 0));
	test_assert_strcmp(str_c(str), test_keywords_line("", empty_kw));
	str_truncate(str, 0);
	test_assert(mbox_flag_headers_write(str, 0, NULL, true, 0));
	test_assert_strcmp(str_c(str), t_strconcat("Status: O\n",
		test_keywords_line("", empty_kw), NULL));
	str_truncate(str, 0);
	test_assert(mbox_flag_headers_write(str, MAIL_SEEN | MAIL_ANSWERED |
					    MAIL_FLAGGED | MAIL_DRAFT |
					    MAIL_DELETED, keywords, false, 0));
	test_assert_strcmp(str_c(str), t_strconcat(
		"Status: RO\nX-Status: AFTD\n",
		test_keywords_line(" $Label1 work",
				   empty_kw + strlen(" $Label1 work")), NULL));

	/* in exactly the room of older flag headers, or not at all */
	str_truncate(str, 0);
	test_assert(mbox_flag_headers_write(str, MAIL_SEEN, keywords, true,
					    60));
	test_assert_strcmp(str_c(str), t_strconcat("Status: RO\n",
		test_keywords_line(" $Label1 work", 60 - 11), NULL));
	str_truncate(str, 0);
	str_append(str, "x");
	test_assert(!mbox_flag_headers_write(str, MAIL_SEEN, keywords, true,
					     35));
	test_assert_strcmp(str_c(str), "x");
	test_assert(mbox_flag_headers_write(str, MAIL_SEEN, keywords, true,
					    36));
	test_assert_strcmp(str_c(str), "xStatus: RO\nX-Keywords: $Label1 "
			   "work\n");

	test_assert(mbox_header_is_internal((const unsigned char *)"x-uid: 5",
					    8));
	test_assert(!mbox_header_is_internal((const unsigned char *)
					     "Subject: x", 10));
	test_assert(!mbox_header_is_internal((const unsigned char *)
					     "Status", 6));
	test_assert(mbox_header_is_flags((const unsigned char *)
					 "x-keywords: a", 13));
	test_assert(!mbox_header_is_flags((const unsigned char *)
					  "X-UID: 5", 8));
	test_end();
}

void test_mbox_flag_headers_find(void)
{
	static const struct {
		const char *header;
		int ret;
		size_t start, end;
	} tests[] = {
		{ "Subject: a\nStatus: RO\nX-Keywords: x   \n\nbody\n",
		  1, 11, 39 },
		{ "Status: O\nX-Status: F\nSubject: a\n\n", 1, 0, 22 },
		/* a continuation line belongs to its field */
		{ "X-Keywords: a\n b\nSubject: a\n\n", 1, 0, 17 },
		{ "Subject: a\n c\n\n", 0, 0, 0 },
		{ "Status: O\nSubject: a\nX-Status: F\n\n", 0, 0, 0 },
		{ "Status: O\nSubject: a", -1, 0, 0 },
		{ "Status: O\r\n\r\nbody", 1, 0, 11 },
	};
	size_t start, end;
	int ret;

	test_begin("mbox flag headers find");
	for (unsigned int i = 0; i < N_ELEMENTS(tests); i++) {
		start = end = 0;
		ret = mbox_flag_headers_find(
			(const unsigned char *)tests[i].header,
			strlen(tests[i].header), &start, &end);
		test_assert_idx(ret == tests[i].ret, i);
		if (ret > 0) {
			test_assert_idx(start == tests[i].start &&
					end == tests[i].end, i);
		}
	}
	test_end();
}

#define TEST_MBOX_MSG1 \
	"From a@b.org Mon Jan  1 00:00:00 2024\n" \
	"Subject: one\n" \
	"Status: RO\n" \
	"X-Status: AF\n" \
	"X-Keywords: work $Label1\n" \
	"\n" \
	"body one\n" \
	">From quoted\n" \
	">>From twice\n" \
	"\n"
#define TEST_MBOX_MSG2 \
	"From c@d Tue Jan  2 00:00:00 2024\n" \
	"Subject: two\n" \
	"Content-Length: 50\n" \
	"\n" \
	"From a@b Mon Jan  1 00:00:00 2024 inside the body\n" \
	"\n"
#define TEST_MBOX_MSG3 \
	"From e@f Wed Jan  3 00:00:00 2024\n" \
	"Subject: three\n" \
	"\n" \
	"last\n"
#define TEST_MBOX TEST_MBOX_MSG1 TEST_MBOX_MSG2 TEST_MBOX_MSG3

static const char *const test_mbox_visible[] = {
	"Subject: one\n\nbody one\nFrom quoted\n>From twice\n",
	"Subject: two\n\nFrom a@b Mon Jan  1 00:00:00 2024 inside the body\n",
	"Subject: three\n\nlast\n",
};

static int test_parse_part(const char *data, size_t size, uoff_t offset,
			   bool at_eof, ARRAY_TYPE(mbox_file_mail) *mails,
			   enum mbox_file_warnings *warnings_r)
{
	uoff_t warn_offset;
	const char *error;

	array_clear(mails);
	return mbox_file_parse((const unsigned char *)data, size, offset,
			       at_eof, datastack_pool, mails, warnings_r,
			       &warn_offset, &error);
}

static int test_parse(const char *data, size_t size, uoff_t offset,
		      ARRAY_TYPE(mbox_file_mail) *mails,
		      enum mbox_file_warnings *warnings_r)
{
	return test_parse_part(data, size, offset, true, mails, warnings_r);
}

static bool test_mail_equals(const struct mbox_file_mail *m1,
			     const struct mbox_file_mail *m2)
{
	return m1->from_offset == m2->from_offset &&
		m1->hdr_offset == m2->hdr_offset &&
		m1->body_offset == m2->body_offset &&
		m1->end_offset == m2->end_offset &&
		m1->next_offset == m2->next_offset &&
		m1->fingerprint == m2->fingerprint &&
		m1->flags == m2->flags &&
		m1->physical_size == m2->physical_size &&
		m1->virtual_size == m2->virtual_size;
}

/* The message of mail as IMAP sees it. */
static const char *test_visible(const char *data,
				const struct mbox_file_mail *mail)
{
	buffer_t *buf = buffer_create_dynamic(datastack_pool, 256);

	mbox_file_unquote(buf, (const unsigned char *)data + mail->hdr_offset,
			  mail->end_offset - mail->hdr_offset);
	buffer_append_c(buf, '\0');
	return buf->data;
}

static unsigned int test_count_lines(const char *str)
{
	unsigned int count = 0;

	for (; *str != '\0'; str++) {
		if (*str == '\n')
			count++;
	}
	return count;
}

void test_mbox_file_parse(void)
{
	ARRAY_TYPE(mbox_file_mail) mails;
	const struct mbox_file_mail *m;
	enum mbox_file_warnings warnings;
	unsigned int count;
	size_t len;

	test_begin("mbox file parse");
	test_set_utc();
	t_array_init(&mails, 8);
	test_assert(test_parse(TEST_MBOX, strlen(TEST_MBOX), 0, &mails,
			       &warnings) == 0);
	test_assert(warnings == 0);
	m = array_get(&mails, &count);
	test_assert(count == 3);
	if (count != 3) {
		test_end();
		return;
	}
	for (unsigned int i = 0; i < count; i++) {
		len = strlen(test_mbox_visible[i]);
		test_assert_strcmp(test_visible(TEST_MBOX, &m[i]),
				   test_mbox_visible[i]);
		test_assert_idx(m[i].physical_size == len, i);
		/* every line ends with a bare LF */
		test_assert_idx(m[i].virtual_size ==
				len + test_count_lines(test_mbox_visible[i]),
				i);
	}
	test_assert(m[0].from_offset == 0);
	test_assert(m[1].from_offset == strlen(TEST_MBOX_MSG1));
	test_assert(m[2].from_offset == m[1].next_offset);
	test_assert(m[2].next_offset == strlen(TEST_MBOX));
	test_assert(m[0].flags == (MAIL_SEEN | MAIL_ANSWERED | MAIL_FLAGGED));
	test_assert(m[1].flags == 0);
	test_assert_strcmp(m[0].keywords, " work $Label1");
	test_assert(m[1].keywords == NULL);
	test_assert(m[0].received_date == 1704067200);
	test_assert(m[0].fingerprint != m[1].fingerprint);
	test_end();
}

/* A file cut anywhere parses (not at its end), and every message but
   the last one found is the whole file's; a file that is parsed from a
   message boundary on gives the same messages as the whole. */
void test_mbox_file_parse_split(void)
{
	ARRAY_TYPE(mbox_file_mail) whole, part;
	const struct mbox_file_mail *w, *p;
	enum mbox_file_warnings warnings;
	const char *data = TEST_MBOX;
	size_t size = strlen(data);
	unsigned int wcount, pcount, i;
	int ret;

	test_begin("mbox file parse split");
	t_array_init(&whole, 8);
	t_array_init(&part, 8);
	test_assert(test_parse(data, size, 0, &whole, &warnings) == 0);
	w = array_get(&whole, &wcount);
	for (size_t cut = 0; cut <= size; cut++) T_BEGIN {
		ret = test_parse_part(data, cut, 0, false, &part, &warnings);
		test_assert_idx(ret == 0 || (cut > 0 && cut < 5), cut);
		test_assert_idx(warnings == 0, cut);
		p = array_get(&part, &pcount);
		test_assert_idx(pcount <= wcount, cut);
		for (i = 0; i + 1 < pcount && i < wcount; i++)
			test_assert_idx(test_mail_equals(&w[i], &p[i]), cut);
		/* the rest from a message boundary */
		for (i = 0; i < wcount; i++) {
			if (w[i].from_offset != cut)
				continue;
			ret = test_parse(data + cut, size - cut, cut,
					 &part, &warnings);
			p = array_get(&part, &pcount);
			test_assert_idx(ret == 0 && pcount == wcount - i, cut);
			for (unsigned int j = 0; j < pcount; j++) {
				test_assert_idx(p[j].from_offset ==
						w[i + j].from_offset &&
						p[j].end_offset ==
						w[i + j].end_offset, cut);
			}
		}
	} T_END;
	test_end();
}

struct test_broken {
	const char *data;
	int ret;
	unsigned int count;
	enum mbox_file_warnings warnings;
};

static const struct test_broken test_broken_files[] = {
	{ "", 0, 0, 0 },
	{ "Subject: not an mbox\n\nbody\n", -1, 0, 0 },
	{ "\nFrom a@b Mon Jan  1 00:00:00 2024\n\n", -1, 0, 0 },
	{ "From a@b Mon Jan  1 00:00:00 2024\nSubject: x\n\nno newline",
	  0, 1, MBOX_FILE_WARN_NO_FINAL_NEWLINE },
	{ "From a@b Mon Jan  1 00:00:00 2024\n\nbody\n"
	  "From c@d Mon Jan  1 00:00:00 2024 unquoted\nmore\n",
	  0, 2, MBOX_FILE_WARN_FROM_IN_BODY },
	{ "From a@b Mon Jan  1 00:00:00 2024\n\nbody\n"
	  "From me to you, not a separator\n\n", 0, 1, 0 },
	/* a wrong Content-Length is ignored */
	{ "From a@b Mon Jan  1 00:00:00 2024\nContent-Length: 3\n\nbody\n\n"
	  "From c@d Mon Jan  1 00:00:00 2024\n\nx\n", 0, 2, 0 },
	{ "From a@b Mon Jan  1 00:00:00 2024\nContent-Length: 999\n\nx\n",
	  0, 1, 0 },
	{ "From a@b Mon Jan  1 00:00:00 2024", 0, 1,
	  MBOX_FILE_WARN_NO_FINAL_NEWLINE },
	{ "From x", 0, 1, MBOX_FILE_WARN_NO_FINAL_NEWLINE },
};

void test_mbox_file_parse_broken(void)
{
	ARRAY_TYPE(mbox_file_mail) mails;
	enum mbox_file_warnings warnings;
	int ret;

	test_begin("mbox file parse broken");
	t_array_init(&mails, 8);
	for (unsigned int i = 0; i < N_ELEMENTS(test_broken_files); i++) {
		const struct test_broken *t = &test_broken_files[i];

		ret = test_parse(t->data, strlen(t->data), 0, &mails,
				 &warnings);
		test_assert_idx(ret == t->ret, i);
		if (ret < 0)
			continue;
		test_assert_idx(array_count(&mails) == t->count, i);
		test_assert_idx(warnings == t->warnings, i);
	}
	test_end();
}
