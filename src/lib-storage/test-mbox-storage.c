/* Copyright (c) Cove authors. See AUTHORS. */

/* Tests for the mbox backend through the mailbox API: saving and reading
   (quoting round trip), UIDs across sessions and external changes,
   flags in the file, expunges, the index, the rewrite journal and bad
   files. */

#include "lib.h"
#include "array.h"
#include "str.h"
#include "istream.h"
#include "mail-storage-private.h"
#include "mbox/mbox-file.h"
#include "test-storage-common.h"

#include <fcntl.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>

struct test_mbox_env {
	const char *home;
	const char *inbox;
	struct mail_user *user;
};

static void test_mbox_env_init(struct test_mbox_env *env)
{
	const char *error;

	env->home = test_storage_mkdtemp();
	env->inbox = t_strconcat(env->home, "/spool/alice", NULL);
	if (mkdir(t_strconcat(env->home, "/spool", NULL), 0700) < 0)
		i_fatal("mkdir(%s/spool) failed: %m", env->home);
	if (mail_user_init(test_storage_settings(), "alice", env->home,
			   "mbox:~/mail:INBOX=~/spool/%u", &env->user,
			   &error) < 0)
		i_fatal("mail_user_init() failed: %s", error);
}

/* The X-Keywords line Cove writes with names (" a b" or ""): spaces up
   to size bytes with the LF; 0: as a save writes it. */
static const char *test_mbox_keywords_line(const char *names, size_t size)
{
	string_t *str = t_str_new(128);

	if (size == 0) {
		size = strlen("X-Keywords:\n") + strlen(names) +
			MBOX_FLAG_HEADERS_PADDING;
	}
	str_printfa(str, "X-Keywords:%s", names);
	while (str_len(str) < size - 1)
		str_append_c(str, ' ');
	str_append_c(str, '\n');
	return str_c(str);
}

static void test_mbox_env_deinit(struct test_mbox_env *env)
{
	mail_user_deinit(&env->user);
	test_storage_rmdir(env->home);
}

static struct mailbox *test_mbox_open(struct test_mbox_env *env,
				      enum mailbox_flags flags)
{
	struct mailbox *box;
	const char *error;

	if (mailbox_open(env->user, "INBOX", flags, &box, &error) <= 0)
		i_fatal("mailbox_open() failed: %s", error);
	return box;
}

static uint32_t test_mbox_save(struct mailbox *box, const char *data,
			       enum mail_flags flags, size_t piece)
{
	struct mail_save_context *ctx = mailbox_save_init(box);
	size_t size = strlen(data), pos, n;
	const char *error;
	uint32_t uid;

	mailbox_save_set_flags(ctx, flags);
	mailbox_save_set_received_date(ctx, 1709039109);
	for (pos = 0; pos < size; pos += n) {
		n = piece == 0 ? size - pos : I_MIN(piece, size - pos);
		test_assert(mailbox_save_write(ctx, data + pos, n,
					       &error) == 0);
	}
	test_assert(mailbox_save_finish(&ctx, &uid, &error) == 0);
	return uid;
}

/* Records callbacks as "e<seq> " and "f<seq> ". */
static void test_mbox_expunge_cb(uint32_t seq, string_t *log)
{
	str_printfa(log, "e%u ", seq);
}

static void test_mbox_flags_cb(uint32_t seq, string_t *log)
{
	str_printfa(log, "f%u ", seq);
}

static const struct mailbox_sync_callbacks test_mbox_sync_callbacks = {
	.expunge = (void (*)(uint32_t, void *))test_mbox_expunge_cb,
	.flags_changed = (void (*)(uint32_t, void *))test_mbox_flags_cb,
};

static void test_mbox_sync(struct mailbox *box)
{
	const char *error;

	test_assert(mailbox_sync(box, NULL, NULL, &error) == 0);
}

static const char *test_mbox_read(struct mailbox *box, uint32_t seq)
{
	struct istream *input;
	const unsigned char *data;
	const char *error;
	string_t *str = t_str_new(128);
	size_t size;
	int ret;

	ret = mailbox_open_mail_stream(box, seq, &input, &error);
	test_assert(ret >= 0);
	if (ret <= 0)
		return NULL;
	while (i_stream_read(input) > 0) {
		data = i_stream_get_data(input, &size);
		str_append_data(str, data, size);
		i_stream_skip(input, size);
	}
	i_stream_destroy(&input);
	return str_c(str);
}

/* "uid:flags uid:flags ..." of the view (flags: S F D A T R). */
static const char *test_mbox_view(struct mailbox *box)
{
	static const struct {
		enum mail_flags flag;
		char chr;
	} flag_chars[] = {
		{ MAIL_SEEN, 'S' }, { MAIL_FLAGGED, 'F' },
		{ MAIL_DELETED, 'D' }, { MAIL_ANSWERED, 'A' },
		{ MAIL_DRAFT, 'T' }, { MAIL_RECENT, 'R' },
	};
	const struct mail_record *rec;
	string_t *str = t_str_new(64);

	for (uint32_t seq = 1; seq <= mailbox_get_count(box); seq++) {
		rec = mailbox_get_record(box, seq);
		str_printfa(str, "%s%u:", seq == 1 ? "" : " ", rec->uid);
		for (unsigned int i = 0; i < N_ELEMENTS(flag_chars); i++) {
			if ((rec->flags & flag_chars[i].flag) != 0)
				str_append_c(str, flag_chars[i].chr);
		}
	}
	return str_c(str);
}

static void test_mbox_append_file(const char *path, const char *data)
{
	int fd = open(path, O_WRONLY | O_APPEND);

	if (fd < 0 || write(fd, data, strlen(data)) != (ssize_t)strlen(data))
		i_fatal("append(%s) failed: %m", path);
	i_close_fd(&fd);
}

#define TEST_MSG_QUOTED \
	"Subject: quoted\r\n\r\nFrom the start\r\n>From one\r\n" \
	">>From two\r\nFrom\r\nlast line"

void test_mbox_storage_save_read(void)
{
	struct test_mbox_env env;
	struct mailbox *box;
	const char *file;
	string_t *large;
	struct stat st;

	test_begin("mbox storage save and read");
	test_mbox_env_init(&env);
	box = test_mbox_open(&env, 0);
	test_assert(mailbox_get_count(box) == 0);
	test_assert(test_mbox_save(box, "Subject: a\r\n\r\nbody a\r\n",
				   0, 0) == 1);
	test_assert(test_mbox_save(box, TEST_MSG_QUOTED, MAIL_SEEN, 3) == 2);
	test_mbox_sync(box);
	test_assert_strcmp(test_mbox_view(box), "1:R 2:SR");
	test_assert_strcmp(test_mbox_read(box, 1), "Subject: a\n\nbody a\n");
	/* CRLF -> LF; a final newline is added */
	test_assert_strcmp(test_mbox_read(box, 2),
			   "Subject: quoted\n\nFrom the start\n>From one\n"
			   ">>From two\nFrom\nlast line\n");
	test_assert(mailbox_get_record(box, 2)->physical_size ==
		    strlen(test_mbox_read(box, 2)));
	test_assert(mailbox_get_record(box, 2)->received_date == 1709039109);
	file = test_storage_read_file(env.inbox);
	test_assert(strstr(file, "\n>From the start\n>>From one\n"
			   ">>>From two\nFrom\n") != NULL);
	test_assert(strstr(file, t_strconcat("Subject: quoted\nStatus: RO\n",
		test_mbox_keywords_line("", 0), "\n", NULL)) != NULL);

	/* a large message goes through a temporary file */
	large = t_str_new(3 * 1024 * 1024);
	str_append(large, "Subject: large\n\n");
	while (str_len(large) < 3 * 1024 * 1024)
		str_append(large, "From a line to quote, and some more text\n");
	test_assert(test_mbox_save(box, str_c(large), 0, 65536) == 3);
	test_mbox_sync(box);
	test_assert_strcmp(test_mbox_read(box, 3), str_c(large));
	test_assert(stat(t_strconcat(env.home, "/mail/.imap/INBOX/"
				     "cove-mbox-journal", NULL), &st) < 0);
	mailbox_close(&box);
	/* a new session: same UIDs, no longer recent */
	box = test_mbox_open(&env, 0);
	test_assert_strcmp(test_mbox_view(box), "1: 2:S 3:");
	mailbox_close(&box);
	test_mbox_env_deinit(&env);
	test_end();
}

void test_mbox_storage_flags(void)
{
	struct test_mbox_env env;
	struct mailbox *box, *box2;
	const char *error, *file;
	uint32_t kw;

	test_begin("mbox storage flags");
	test_mbox_env_init(&env);
	box = test_mbox_open(&env, 0);
	for (unsigned int i = 0; i < 3; i++) {
		(void)test_mbox_save(box, t_strdup_printf(
			"Subject: %u\n\nbody\n", i), 0, 0);
	}
	test_mbox_sync(box);
	box2 = test_mbox_open(&env, 0);
	test_assert(mailbox_update_flags(box, 2, MODIFY_ADD,
					 MAIL_SEEN | MAIL_FLAGGED,
					 &error) == 1);
	test_assert(mailbox_keywords_lookup(box, (const char *[]){ "work" },
					    1, &kw, &error) == 1);
	test_assert(mailbox_update_flags_keywords(box, 3, MODIFY_ADD,
						  MAIL_ANSWERED, kw,
						  &error) == 1);
	/* pending until committed (the end of the STORE) */
	test_assert(strstr(test_storage_read_file(env.inbox), "Status") ==
		    NULL);
	test_assert(mailbox_flags_commit(box, &error) == 0);
	file = test_storage_read_file(env.inbox);
	/* in place: in the room the saves left */
	test_assert(strstr(file, t_strconcat("Subject: 1\nStatus: RO\n"
		"X-Status: F\n", test_mbox_keywords_line("", 60 - 23),
		"\n", NULL)) != NULL);
	test_assert(strstr(file, t_strconcat("Subject: 2\nStatus: O\n"
		"X-Status: A\n", test_mbox_keywords_line(" work", 60 - 22),
		"\n", NULL)) != NULL);
	/* another session sees the change */
	test_mbox_sync(box2);
	test_assert_strcmp(test_mbox_view(box2), "1: 2:SF 3:A");
	test_assert(mailbox_get_record(box2, 3)->keywords == kw);
	mailbox_close(&box2);
	/* kept across sessions; unchanged messages are not rewritten */
	test_assert(mailbox_update_flags(box, 2, MODIFY_REPLACE, MAIL_DELETED,
					 &error) == 1);
	mailbox_close(&box);
	box = test_mbox_open(&env, 0);
	test_assert_strcmp(test_mbox_view(box), "1: 2:D 3:A");
	test_assert(strstr(test_storage_read_file(env.inbox),
		t_strconcat("Subject: 0\n", test_mbox_keywords_line("", 0),
			    "\nbody\n", NULL)) != NULL);
	mailbox_close(&box);
	test_mbox_env_deinit(&env);
	test_end();
}

void test_mbox_storage_expunge(void)
{
	struct test_mbox_env env;
	struct mailbox *box, *box2;
	const char *error;
	bool marked[4] = { true, false, false, true };

	string_t *log;

	test_begin("mbox storage expunge");
	test_mbox_env_init(&env);
	box = test_mbox_open(&env, 0);
	for (unsigned int i = 0; i < 5; i++) {
		(void)test_mbox_save(box, t_strdup_printf(
			"Subject: %u\n\nbody %u\n", i, i), 0, 0);
	}
	test_mbox_sync(box);
	box2 = test_mbox_open(&env, MAILBOX_FLAG_READONLY);
	/* the middle */
	test_assert(mailbox_update_flags(box, 3, MODIFY_ADD, MAIL_DELETED,
					 &error) == 1);
	test_assert(mailbox_expunge_deleted(box, NULL, NULL, &error) == 0);
	test_assert_strcmp(test_mbox_view(box), "1:R 2:R 4:R 5:R");
	test_assert_strcmp(test_mbox_read(box, 3), "Subject: 3\n\nbody 3\n");
	/* the first and the last */
	test_assert(mailbox_expunge_marked(box, marked, NULL, NULL,
					   &error) == 0);
	test_assert_strcmp(test_mbox_view(box), "2:R 4:R");
	test_assert_strcmp(test_storage_read_file(env.inbox) +
			   strcspn(test_storage_read_file(env.inbox), "\n"),
			   t_strconcat("\nSubject: 1\n",
				test_mbox_keywords_line("", 0), "\nbody 1\n\n"
				"From MAILER-DAEMON Tue Feb 27 13:05:09 2024\n"
				"Subject: 3\n", test_mbox_keywords_line("", 0),
				"\nbody 3\n\n", NULL));
	/* another view follows (the first one saw them first), expunges
	   reported highest first */
	log = t_str_new(64);
	test_assert(mailbox_sync(box2, &test_mbox_sync_callbacks, log,
				 &error) == 0);
	test_assert_strcmp(str_c(log), "e5 e3 e1 ");
	test_assert_strcmp(test_mbox_view(box2), "2: 4:");
	test_assert_strcmp(test_mbox_read(box2, 2), "Subject: 3\n\nbody 3\n");
	mailbox_close(&box2);
	/* all */
	test_assert(mailbox_update_flags(box, 1, MODIFY_ADD, MAIL_DELETED,
					 &error) == 1);
	test_assert(mailbox_update_flags(box, 2, MODIFY_ADD, MAIL_DELETED,
					 &error) == 1);
	test_assert(mailbox_expunge_deleted(box, NULL, NULL, &error) == 0);
	test_assert(mailbox_get_count(box) == 0);
	test_assert_strcmp(test_storage_read_file(env.inbox), "");
	mailbox_close(&box);
	test_mbox_env_deinit(&env);
	test_end();
}

#define TEST_EXT_MSG1 "From a@b Mon Jan  1 00:00:00 2024\nSubject: 1\n\nx\n\n"
#define TEST_EXT_MSG2 "From a@b Mon Jan  1 00:00:00 2024\nSubject: 2\n\nx\n\n"
#define TEST_EXT_MSG3 "From a@b Mon Jan  1 00:00:00 2024\nSubject: 3\n\nx\n\n"

void test_mbox_storage_external(void)
{
	struct test_mbox_env env;
	struct mailbox *box;
	struct mailbox_status status;
	uint32_t uidvalidity;
	const char *error;
	string_t *log;

	test_begin("mbox storage external changes");
	test_mbox_env_init(&env);
	test_storage_write_file(env.inbox, "", 0);
	box = test_mbox_open(&env, 0);
	mailbox_get_status(box, &status);
	uidvalidity = status.uidvalidity;
	/* appended by another program */
	test_mbox_append_file(env.inbox, TEST_EXT_MSG1 TEST_EXT_MSG2);
	test_mbox_sync(box);
	test_assert_strcmp(test_mbox_view(box), "1:R 2:R");
	test_mbox_append_file(env.inbox, TEST_EXT_MSG3);
	test_mbox_sync(box);
	test_assert_strcmp(test_mbox_view(box), "1:R 2:R 3:R");
	/* rewritten with a flag change and an expunge (as mutt does):
	   the UIDs are kept */
	test_storage_write_file(env.inbox,
		"From a@b Mon Jan  1 00:00:00 2024\nSubject: 1\nStatus: RO\n"
		"\nx\n\n" TEST_EXT_MSG3, 0);
	log = t_str_new(64);
	test_assert(mailbox_sync(box, &test_mbox_sync_callbacks, log,
				 &error) == 0);
	test_assert_strcmp(str_c(log), "e2 f1 ");
	test_assert_strcmp(test_mbox_view(box), "1:SR 3:R");
	mailbox_close(&box);
	box = test_mbox_open(&env, 0);
	test_assert_strcmp(test_mbox_view(box), "1:S 3:");
	mailbox_get_status(box, &status);
	test_assert(status.uidvalidity == uidvalidity);
	/* a message inserted before the others: new UIDVALIDITY */
	test_storage_write_file(env.inbox, TEST_EXT_MSG2
		"From a@b Mon Jan  1 00:00:00 2024\nSubject: 1\nStatus: RO\n"
		"\nx\n\n" TEST_EXT_MSG3, 0);
	test_assert(mailbox_sync(box, NULL, NULL, &error) < 0);
	test_assert(strstr(error, "UIDVALIDITY") != NULL);
	mailbox_close(&box);
	box = test_mbox_open(&env, 0);
	test_assert_strcmp(test_mbox_view(box), "1: 2:S 3:");
	mailbox_get_status(box, &status);
	test_assert(status.uidvalidity != uidvalidity);
	mailbox_close(&box);
	test_mbox_env_deinit(&env);
	test_end();
}

void test_mbox_storage_index(void)
{
	struct test_mbox_env env;
	struct mailbox *box;
	struct timespec times[2];
	const char *index, *data;
	struct stat st;
	int fd;

	test_begin("mbox storage index");
	test_mbox_env_init(&env);
	data = TEST_EXT_MSG1 TEST_EXT_MSG2;
	test_storage_write_file(env.inbox, data, 0);
	box = test_mbox_open(&env, 0);
	mailbox_close(&box);
	index = t_strconcat(env.home, "/mail/.imap/INBOX/cove-mbox-index",
			    NULL);
	/* an unchanged file is not parsed again: make it unparsable
	   without changing its size and mtime */
	test_assert(stat(env.inbox, &st) == 0);
	fd = open(env.inbox, O_WRONLY);
	test_assert(fd >= 0 && pwrite(fd, "X", 1, 0) == 1);
	times[0] = st.st_atim;
	times[1] = st.st_mtim;
	test_assert(futimens(fd, times) == 0);
	i_close_fd(&fd);
	box = test_mbox_open(&env, MAILBOX_FLAG_READONLY);
	test_assert_strcmp(test_mbox_view(box), "1: 2:");
	mailbox_close(&box);
	/* a damaged index is rebuilt */
	test_storage_write_file(env.inbox, data, 0);
	test_storage_write_file(index, "garbage", 0);
	box = test_mbox_open(&env, 0);
	test_assert_strcmp(test_mbox_view(box), "1:R 2:R");
	mailbox_close(&box);
	box = test_mbox_open(&env, 0);
	test_assert_strcmp(test_mbox_view(box), "1: 2:");
	mailbox_close(&box);
	test_mbox_env_deinit(&env);
	test_end();
}

void test_mbox_storage_bad_files(void)
{
	static const char *not_mbox = "Subject: not an mbox\n\nbody\n";
	struct test_mbox_env env;
	struct mailbox *box;
	struct mail_save_context *ctx;
	const char *error;
	uint32_t uid;

	test_begin("mbox storage bad files");
	test_mbox_env_init(&env);
	test_storage_write_file(env.inbox, not_mbox, 0);
	test_assert(mailbox_open(env.user, "INBOX", 0, &box, &error) < 0);
	test_assert(strstr(error, "Not an mbox") != NULL);
	/* delivery does not touch it either */
	test_assert(mailbox_open(env.user, "INBOX", MAILBOX_FLAG_SAVEONLY,
				 &box, &error) == 1);
	ctx = mailbox_save_init(box);
	test_assert(mailbox_save_write(ctx, "Subject: x\n\n", 12,
				       &error) == 0);
	test_assert(mailbox_save_finish(&ctx, &uid, &error) < 0);
	mailbox_close(&box);
	test_assert_strcmp(test_storage_read_file(env.inbox), not_mbox);

	/* a missing final newline: the append keeps the message whole */
	test_storage_write_file(env.inbox, "From a@b Mon Jan  1 00:00:00 2024"
				"\nSubject: a\n\nno newline", 0);
	box = test_mbox_open(&env, 0);
	test_assert_strcmp(test_mbox_read(box, 1),
			   "Subject: a\n\nno newline");
	(void)test_mbox_save(box, "Subject: b\n\nb\n", 0, 0);
	test_mbox_sync(box);
	test_assert_strcmp(test_mbox_view(box), "1:R 2:R");
	test_assert_strcmp(test_mbox_read(box, 1),
			   "Subject: a\n\nno newline\n");
	test_assert(mailbox_get_record(box, 1)->physical_size ==
		    strlen("Subject: a\n\nno newline\n"));
	test_assert_strcmp(test_mbox_read(box, 2), "Subject: b\n\nb\n");
	mailbox_close(&box);
	test_mbox_env_deinit(&env);
	test_end();
}

void test_mbox_storage_journal(void)
{
	struct test_mbox_env env;
	struct mailbox *box;
	const char *journal;
	string_t *str;
	struct stat st;
	int fd;
	struct {
		char magic[8];
		uint64_t dev, ino, offset, size;
	} hdr;
	const char *tail = "From a@b Mon Jan  1 00:00:00 2024\nSubject: 3\n"
		"\nx\n\n";

	test_begin("mbox storage rewrite journal");
	test_mbox_env_init(&env);
	test_storage_write_file(env.inbox, TEST_EXT_MSG1 TEST_EXT_MSG2
				TEST_EXT_MSG3, 0);
	box = test_mbox_open(&env, 0);
	mailbox_close(&box);
	/* a crash after the journal was written: the next writer (and
	   reader) finishes the rewrite that dropped message 2 */
	test_assert(stat(env.inbox, &st) == 0);
	memset(&hdr, 0, sizeof(hdr));
	memcpy(hdr.magic, "CoveMbJ\n", 8);
	hdr.dev = st.st_dev;
	hdr.ino = st.st_ino;
	hdr.offset = strlen(TEST_EXT_MSG1);
	hdr.size = strlen(tail);
	str = t_str_new(256);
	str_append_data(str, &hdr, sizeof(hdr));
	str_append(str, tail);
	journal = t_strconcat(env.home, "/mail/.imap/INBOX/cove-mbox-journal",
			      NULL);
	fd = open(journal, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	test_assert(fd >= 0 &&
		    write(fd, str_data(str), str_len(str)) ==
		    (ssize_t)str_len(str));
	i_close_fd(&fd);
	box = test_mbox_open(&env, 0);
	test_assert_strcmp(test_mbox_view(box), "1: 3:");
	test_assert_strcmp(test_storage_read_file(env.inbox),
			   TEST_EXT_MSG1 TEST_EXT_MSG3);
	test_assert(stat(journal, &st) < 0);
	mailbox_close(&box);

	/* an incomplete journal is discarded, the file left alone */
	test_storage_write_file(journal, "CoveMbJ\n", 0);
	box = test_mbox_open(&env, 0);
	test_assert_strcmp(test_mbox_view(box), "1: 3:");
	test_assert(stat(journal, &st) < 0);
	mailbox_close(&box);

	/* an append cut short by a crash is truncated away */
	test_assert(stat(env.inbox, &st) == 0);
	memcpy(hdr.magic, "CoveMbA\n", 8);
	hdr.offset = st.st_size;
	hdr.size = 1000;
	fd = open(journal, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	test_assert(fd >= 0 && write(fd, &hdr, sizeof(hdr)) ==
		    (ssize_t)sizeof(hdr));
	i_close_fd(&fd);
	test_mbox_append_file(env.inbox, "From a@b Mon Jan  1 00:00:00 2024\n"
			      "Subject: cut");
	box = test_mbox_open(&env, 0);
	test_assert_strcmp(test_mbox_view(box), "1: 3:");
	test_assert_strcmp(test_storage_read_file(env.inbox),
			   TEST_EXT_MSG1 TEST_EXT_MSG3);
	test_assert(stat(journal, &st) < 0);
	mailbox_close(&box);
	test_mbox_env_deinit(&env);
	test_end();
}

#define TEST_PSEUDO_MSG \
	"From MAILER_DAEMON Mon Jan  1 00:00:00 2024\n" \
	"Subject: DON'T DELETE THIS MESSAGE -- FOLDER INTERNAL DATA\n" \
	"X-IMAP: 1700000000 0000000002\nStatus: RO\n\n" \
	"This text is part of the internal format of your mail folder.\n\n"

void test_mbox_storage_pseudo(void)
{
	struct test_mbox_env env;
	struct mailbox *box;
	const char *error;

	test_begin("mbox storage folder data message");
	test_mbox_env_init(&env);
	test_storage_write_file(env.inbox, TEST_PSEUDO_MSG TEST_EXT_MSG1
				TEST_EXT_MSG2, 0);
	box = test_mbox_open(&env, 0);
	test_assert_strcmp(test_mbox_view(box), "2:R 3:R");
	test_assert_strcmp(test_mbox_read(box, 1), "Subject: 1\n\nx\n");
	test_assert(mailbox_update_flags(box, 1, MODIFY_ADD, MAIL_DELETED,
					 &error) == 1);
	test_assert(mailbox_update_flags(box, 2, MODIFY_ADD, MAIL_DELETED,
					 &error) == 1);
	test_assert(mailbox_expunge_deleted(box, NULL, NULL, &error) == 0);
	test_assert(mailbox_get_count(box) == 0);
	/* it stays in the file */
	test_assert_strcmp(test_storage_read_file(env.inbox), TEST_PSEUDO_MSG);
	mailbox_close(&box);
	test_mbox_env_deinit(&env);
	test_end();
}

/* A file larger than the parse window (mbox-sync.c): messages with a
   Content-Length over "From " lines in their bodies end up on window
   boundaries too. */
void test_mbox_storage_large_file(void)
{
	const unsigned int count = 2500;
	struct test_mbox_env env;
	struct mailbox *box;
	string_t *file, *body;
	const char *expected;
	unsigned int i;
	int fd;

	test_begin("mbox storage large file");
	test_mbox_env_init(&env);
	body = t_str_new(10240);
	while (str_len(body) < 8000)
		str_append(body, "From a@b Mon Jan  1 00:00:00 2024 in body\n");
	file = str_new(default_pool, count * 10240);
	for (i = 0; i < count; i++) {
		str_printfa(file, "From a@b Mon Jan  1 00:00:00 2024\n"
			    "Subject: %u\nContent-Length: %zu\n\n%s\n",
			    i, str_len(body), str_c(body));
	}
	fd = open(env.inbox, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	test_assert(fd >= 0 && write(fd, str_data(file), str_len(file)) ==
		    (ssize_t)str_len(file));
	i_close_fd(&fd);
	str_free(&file);

	box = test_mbox_open(&env, 0);
	test_assert(mailbox_get_count(box) == count);
	for (i = 1; i <= count; i += 823) {
		expected = t_strdup_printf("Subject: %u\n\n%s", i - 1,
					   str_c(body));
		test_assert_strcmp(test_mbox_read(box, i), expected);
	}
	test_assert(mailbox_get_record(box, count)->uid == count);
	mailbox_close(&box);
	test_mbox_env_deinit(&env);
	test_end();
}

/* Cuts the index after its first record (of count, no keyword names) and
   a half. */
static void test_mbox_index_cut(const char *index, unsigned int count)
{
	uint32_t header_size = 0;
	struct stat st;
	off_t record_size;
	int fd;

	fd = open(index, O_RDWR);
	test_assert(fd >= 0 && fstat(fd, &st) == 0 &&
		    pread(fd, &header_size, sizeof(header_size), 12) ==
		    (ssize_t)sizeof(header_size));
	record_size = (st.st_size - header_size) / count;
	test_assert(ftruncate(fd, header_size + record_size * 3 / 2) == 0);
	i_close_fd(&fd);
}

/* coveadm force-resync (MAILBOX_FLAG_REBUILD_INDEX): the records that a
   damaged index still has keep their UIDs; without a usable header, new
   UIDs under a greater UIDVALIDITY. */
void test_mbox_storage_force_resync(void)
{
	struct test_mbox_env env;
	struct mailbox_status status;
	struct mailbox *box;
	const char *index;
	uint32_t uidvalidity;

	test_begin("mbox storage force-resync");
	test_mbox_env_init(&env);
	test_storage_write_file(env.inbox, TEST_EXT_MSG1 TEST_EXT_MSG2
				TEST_EXT_MSG3, 0);
	box = test_mbox_open(&env, 0);
	mailbox_get_status(box, &status);
	uidvalidity = status.uidvalidity;
	mailbox_close(&box);
	index = t_strconcat(env.home, "/mail/.imap/INBOX/cove-mbox-index",
			    NULL);

	box = test_mbox_open(&env, MAILBOX_FLAG_REBUILD_INDEX);
	test_assert_strcmp(test_mbox_view(box), "1: 2: 3:");
	mailbox_close(&box);

	test_mbox_index_cut(index, 3);
	box = test_mbox_open(&env, MAILBOX_FLAG_REBUILD_INDEX);
	test_assert_strcmp(test_mbox_view(box), "1: 4: 5:");
	mailbox_get_status(box, &status);
	test_assert(status.uidvalidity == uidvalidity);
	test_assert_strcmp(test_mbox_read(box, 3), "Subject: 3\n\nx\n");
	mailbox_close(&box);
	/* not matched: as new to the next session as new mail */
	box = test_mbox_open(&env, 0);
	test_assert_strcmp(test_mbox_view(box), "1: 4:R 5:R");
	mailbox_close(&box);

	test_storage_write_file(index, "CoveMbx\ngarbage garbage garbage "
				"garbage garbage garbage garbage garbage "
				"garbage garbage", 0);
	box = test_mbox_open(&env, MAILBOX_FLAG_REBUILD_INDEX);
	test_assert_strcmp(test_mbox_view(box), "1: 2: 3:");
	mailbox_get_status(box, &status);
	test_assert(status.uidvalidity > uidvalidity);
	mailbox_close(&box);
	test_mbox_env_deinit(&env);
	test_end();
}

/* Another program breaks the dotlock as soon as it exists, the way
   liblockfile does (a new file linked into place). */
static pid_t test_mbox_lock_breaker(const char *path)
{
	const char *lock = t_strconcat(path, ".lock", NULL);
	const char *temp = t_strconcat(path, ".breaker", NULL);
	struct stat st;
	pid_t pid = fork();

	if (pid < 0)
		i_fatal("fork() failed: %m");
	if (pid != 0)
		return pid;
	for (unsigned int i = 0; stat(lock, &st) < 0; i++) {
		if (i == 10000)
			_exit(1);
		usleep(1000);
	}
	test_storage_write_file(temp, "1:otherhost\n", 0);
	if (unlink(lock) < 0 || link(temp, lock) < 0 || unlink(temp) < 0)
		_exit(1);
	_exit(0);
}

/* A dotlock broken during a long append (slowed down by the test hook)
   fails it, and the file is left as it was. */
void test_mbox_storage_append_lock_broken(void)
{
	struct test_mbox_env env;
	struct mail_save_context *ctx;
	struct mailbox *box;
	const char *error, *line = "a line of a message of three megabytes\n";
	uint32_t uid;
	pid_t pid;
	int ret, status;

	test_begin("mbox storage append with the dotlock broken");
	test_mbox_env_init(&env);
	test_storage_write_file(env.inbox, TEST_EXT_MSG1, 0);
	box = test_mbox_open(&env, MAILBOX_FLAG_SAVEONLY);
	ctx = mailbox_save_init(box);
	test_assert(mailbox_save_write(ctx, "Subject: big\n\n", 14,
				       &error) == 0);
	for (unsigned int i = 0; i < 3 * 1024 * 1024 / strlen(line); i++) {
		test_assert(mailbox_save_write(ctx, line, strlen(line),
					       &error) == 0);
	}
	pid = test_mbox_lock_breaker(env.inbox);
	test_assert(setenv("COVE_TEST_MBOX_WRITE_DELAY_MSECS", "100", 1) == 0);
	ret = mailbox_save_finish(&ctx, &uid, &error);
	test_assert(unsetenv("COVE_TEST_MBOX_WRITE_DELAY_MSECS") == 0);
	test_assert(waitpid(pid, &status, 0) == pid && status == 0);
	test_assert(ret < 0 && strstr(error, "was broken") != NULL);
	test_assert_strcmp(test_storage_read_file(env.inbox), TEST_EXT_MSG1);
	test_assert(unlink(t_strconcat(env.inbox, ".lock", NULL)) == 0);
	mailbox_close(&box);
	box = test_mbox_open(&env, 0);
	test_assert_strcmp(test_mbox_view(box), "1:R");
	mailbox_close(&box);
	test_mbox_env_deinit(&env);
	test_end();
}
