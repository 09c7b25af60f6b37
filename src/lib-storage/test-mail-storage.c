/* Copyright (c) Cove authors. See AUTHORS. */

/* Tests for the mailbox API on Maildir: location parsing, saving,
   syncing, UIDs, flags, expunges and concurrent views. */

#include "lib.h"
#include "str.h"
#include "istream.h"
#include "mail-storage-private.h"
#include "maildir-uidlist.h"
#include "maildir-storage.h"
#include "test-storage-common.h"

struct test_location {
	const char *location;
	const char *user;
	const char *home;
	/* NULL if the init must fail, with error containing inbox */
	const char *root;
	const char *inbox;
};

static const struct test_location test_locations[] = {
	{ "maildir:~/Maildir", "alice", "/home/a", "/home/a/Maildir", NULL },
	{ "maildir:~", "alice", "/home/a", "/home/a", NULL },
	{ "maildir:~/Maildir", "alice", NULL, NULL, "alice" },
	{ "maildir:~/Maildir", "alice", "", NULL, "alice" },
	{ "maildir:%h/mail", "alice", NULL, NULL, "alice" },
	{ "maildir:/m:INBOX=~/in", "bob", NULL, NULL, "bob" },
	{ "maildir:/var/mail/%d/%n:INBOX=/var/inbox/%u:LAYOUT=maildir++",
	  "a@b.org", NULL, "/var/mail/b.org/a", "/var/inbox/a@b.org" },
	{ "maildir:~/M:INBOX=~/in:INDEX=MEMORY", "alice", "/h", "/h/M",
	  "/h/in" },
	{ "maildir:~/M:LAYOUT=fs", "alice", "/h", NULL, "LAYOUT" },
	{ "maildir:~/M:FOO=1", "alice", "/h", NULL, "FOO" },
	{ "maildir:~/M:INBOX", "alice", "/h", NULL, "INBOX" },
	{ "mbax:~/mail", "alice", "/h", NULL, "mbax" },
	{ "maildir:", "alice", "/h", NULL, "path" },
	{ "maildir", "alice", "/h", NULL, "path" },
	{ "", "alice", "/h", NULL, "not set" },
};

void test_mail_user_location(void)
{
	struct mail_user *user;
	const char *error;
	int ret;

	test_begin("mail user location");
	for (unsigned int i = 0; i < N_ELEMENTS(test_locations); i++) {
		const struct test_location *t = &test_locations[i];

		error = NULL;
		ret = mail_user_init(test_storage_settings(), t->user, t->home,
				     t->location, &user, &error);
		if (t->root == NULL) {
			test_assert_idx(ret < 0 && error != NULL &&
					strstr(error, t->inbox) != NULL, i);
			continue;
		}
		test_assert_idx(ret == 0, i);
		if (ret < 0)
			continue;
		test_assert_strcmp(user->location.root, t->root);
		if (t->inbox == NULL)
			test_assert_idx(user->location.inbox_path == NULL, i);
		else
			test_assert_strcmp(user->location.inbox_path, t->inbox);
		test_assert_strcmp(mail_user_get_username(user), t->user);
		mail_user_deinit(&user);
		test_assert_idx(user == NULL, i);
	}
	test_end();
}

/* Records callbacks as "e<seq> " and "f<seq> ". */
static void test_expunge_cb(uint32_t seq, string_t *log)
{
	str_printfa(log, "e%u ", seq);
}

static void test_flags_cb(uint32_t seq, string_t *log)
{
	str_printfa(log, "f%u ", seq);
}

static const struct mailbox_sync_callbacks test_sync_callbacks = {
	.expunge = (void (*)(uint32_t, void *))test_expunge_cb,
	.flags_changed = (void (*)(uint32_t, void *))test_flags_cb,
};

struct test_env {
	const char *home;
	const char *maildir;
	struct mail_user *user;
};

static void test_env_init(struct test_env *env)
{
	const char *error;

	env->home = test_storage_mkdtemp();
	env->maildir = t_strconcat(env->home, "/Maildir", NULL);
	if (mail_user_init(test_storage_settings(), "alice", env->home, NULL,
			   &env->user, &error) < 0)
		i_fatal("mail_user_init() failed: %s", error);
}

static void test_env_deinit(struct test_env *env)
{
	mail_user_deinit(&env->user);
	test_storage_rmdir(env->home);
}

static struct mailbox *test_open(struct test_env *env,
				 enum mailbox_flags flags)
{
	struct mailbox *box;
	const char *error;

	if (mailbox_open(env->user, "INBOX", flags, &box, &error) <= 0)
		i_fatal("mailbox_open() failed: %s", error);
	return box;
}

/* Saves data in pieces of at most piece bytes (0 = whole). */
static uint32_t test_save(struct mailbox *box, const char *data,
			  enum mail_flags flags, time_t date, size_t piece)
{
	struct mail_save_context *ctx = mailbox_save_init(box);
	size_t size = strlen(data), pos, n;
	const char *error;
	uint32_t uid;

	mailbox_save_set_flags(ctx, flags);
	if (date != 0)
		mailbox_save_set_received_date(ctx, date);
	for (pos = 0; pos < size; pos += n) {
		n = piece == 0 ? size - pos : I_MIN(piece, size - pos);
		test_assert(mailbox_save_write(ctx, data + pos, n,
					       &error) == 0);
	}
	test_assert(mailbox_save_finish(&ctx, &uid, &error) == 0);
	test_assert(ctx == NULL);
	return uid;
}

static void test_sync(struct mailbox *box, string_t *log)
{
	const char *error;

	test_assert(mailbox_sync(box, log == NULL ? NULL : &test_sync_callbacks,
				 log, &error) == 0);
}

/* Returns the message, or NULL if expunged. */
static const char *test_read(struct mailbox *box, uint32_t seq)
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
	test_assert(input->stream_errno == 0);
	i_stream_destroy(&input);
	return str_c(str);
}

/* "uid uid ..." of the view. */
static const char *test_uids(struct mailbox *box)
{
	string_t *str = t_str_new(64);

	for (uint32_t seq = 1; seq <= mailbox_get_count(box); seq++) {
		str_printfa(str, "%s%u", seq == 1 ? "" : " ",
			    mailbox_get_record(box, seq)->uid);
	}
	return str_c(str);
}

static const char *test_subdir(struct test_env *env, const char *sub)
{
	return t_strconcat(env->maildir, "/", sub, NULL);
}

void test_mail_storage_save_sync(void)
{
	struct test_env env;
	struct mailbox *box;
	struct mailbox_status status;
	const struct mail_record *rec;
	struct mail_save_context *ctx;
	const char *error;
	uint32_t seq1, seq2;

	test_begin("mail storage save and sync");
	test_env_init(&env);
	box = test_open(&env, 0);
	test_assert(mailbox_get_count(box) == 0);
	test_assert_strcmp(mailbox_get_vname(box), "INBOX");
	test_assert(!mailbox_is_readonly(box));
	test_assert(test_storage_dir_count(test_subdir(&env, "tmp")) == 0);

	test_assert(test_save(box, "Subject: a\r\n\r\nbody\r\n", 0, 0, 0) == 1);
	test_assert(test_save(box, "Subject: b\n\nbody\n", MAIL_SEEN,
			      0, 0) == 2);
	/* CRLF split across writes, and a lone CR kept */
	test_assert(test_save(box, "a\r\nb\r\nc\rd\r", 0, 1000000000, 1) == 3);
	test_assert(test_save(box, "x\r\n\r\n", MAIL_DRAFT, 0, 2) == 4);
	/* aborted: nothing left behind */
	ctx = mailbox_save_init(box);
	test_assert(mailbox_save_write(ctx, "junk", 4, &error) == 0);
	mailbox_save_abort(&ctx);
	test_assert(test_storage_dir_count(test_subdir(&env, "tmp")) == 0);
	test_assert(test_storage_dir_count(test_subdir(&env, "new")) == 2);

	/* LMTP-style: no scan at open, no UID at save */
	struct mailbox *lmtp;
	test_assert(mailbox_open(env.user, "INBOX", MAILBOX_FLAG_SAVEONLY,
				 &lmtp, &error) == 1);
	test_assert(mailbox_get_count(lmtp) == 0);
	test_assert(test_save(lmtp, "l\r\n", 0, 0, 3) == 0);
	mailbox_close(&lmtp);
	test_assert(test_storage_dir_count(test_subdir(&env, "new")) == 3);

	/* the view changes only at sync */
	test_assert(mailbox_get_count(box) == 0);
	test_sync(box, NULL);
	test_assert(mailbox_get_count(box) == 5);
	test_assert_strcmp(test_uids(box), "1 2 3 4 5");
	test_assert(test_storage_dir_count(test_subdir(&env, "new")) == 0);
	test_assert(test_storage_dir_count(test_subdir(&env, "cur")) == 5);
	test_assert_strcmp(test_read(box, 5), "l\n");

	test_assert_strcmp(test_read(box, 1), "Subject: a\n\nbody\n");
	test_assert_strcmp(test_read(box, 2), "Subject: b\n\nbody\n");
	test_assert_strcmp(test_read(box, 3), "a\nb\nc\rd\r");
	test_assert_strcmp(test_read(box, 4), "x\n\n");
	rec = mailbox_get_record(box, 1);
	test_assert(rec->physical_size == 17 && rec->virtual_size == 20);
	test_assert(rec->flags == MAIL_RECENT);
	test_assert(rec->received_date > 1000000000);
	rec = mailbox_get_record(box, 2);
	test_assert(rec->flags == MAIL_SEEN);
	rec = mailbox_get_record(box, 3);
	test_assert(rec->physical_size == 8 && rec->virtual_size == 10);
	test_assert(rec->received_date == 1000000000);
	test_assert(mailbox_get_record(box, 4)->flags == MAIL_DRAFT);

	mailbox_get_status(box, &status);
	test_assert(status.messages == 5);
	test_assert(status.recent == 3);
	test_assert(status.unseen == 4);
	test_assert(status.first_unseen_seq == 1);
	test_assert(status.uidnext == 6);
	test_assert(status.uidvalidity != 0);

	test_assert(mailbox_get_seq_range(box, 2, 3, &seq1, &seq2) &&
		    seq1 == 2 && seq2 == 3);
	test_assert(mailbox_get_seq_range(box, 3, UINT32_MAX, &seq1, &seq2) &&
		    seq1 == 3 && seq2 == 5);
	test_assert(mailbox_get_seq_range(box, 0, 1, &seq1, &seq2) &&
		    seq1 == 1 && seq2 == 1);
	test_assert(!mailbox_get_seq_range(box, 6, 9, &seq1, &seq2));
	test_assert(!mailbox_get_seq_range(box, 3, 2, &seq1, &seq2));

	/* nothing changed: sync reports nothing */
	string_t *log = t_str_new(32);
	test_sync(box, log);
	test_assert_strcmp(str_c(log), "");
	test_assert(mailbox_get_count(box) == 5);

	struct mailbox *box2;
	test_assert(mailbox_open(env.user, "nosuch", 0, &box2, &error) == 0);
	test_assert(mailbox_open(env.user, "../x", 0, &box2, &error) == 0);
	test_assert(mailbox_open(env.user, "inbox", 0, &box2, &error) == 1);
	test_assert_strcmp(mailbox_get_vname(box2), "INBOX");
	mailbox_close(&box2);
	mailbox_close(&box);
	test_assert(box == NULL);
	test_env_deinit(&env);
	test_end();
}

void test_mail_storage_reopen(void)
{
	struct test_env env;
	struct mailbox *box;
	const struct mail_record *rec;
	const char *error;
	uint32_t uidvalidity;

	test_begin("mail storage UIDs across reopen and deliveries");
	test_env_init(&env);
	box = test_open(&env, 0);
	test_save(box, "1\n", 0, 0, 0);
	test_save(box, "2\n", 0, 0, 0);
	test_save(box, "3\n", MAIL_SEEN, 0, 0);
	test_sync(box, NULL);
	uidvalidity = box->uidvalidity;
	mailbox_close(&box);

	/* other programs deliver, with names that are not Cove's */
	test_storage_write_file(t_strconcat(env.maildir, "/new/foo", NULL),
				"X: y\r\n\r\nz\n", 1234567890);
	test_storage_write_file(t_strconcat(env.maildir, "/cur/bar:2,S",
					    NULL), "b\n", 0);
	test_storage_write_file(t_strconcat(env.maildir, "/cur/.hidden",
					    NULL), "h\n", 0);
	test_storage_write_file(t_strconcat(env.maildir, "/tmp/partial",
					    NULL), "p\n", 0);
	box = test_open(&env, 0);
	test_assert(box->uidvalidity == uidvalidity);
	/* new files get UIDs in file name order */
	test_assert_strcmp(test_uids(box), "1 2 3 4 5");
	test_assert_strcmp(test_read(box, 4), "b\n");
	test_assert(mailbox_get_record(box, 4)->flags == MAIL_SEEN);
	rec = mailbox_get_record(box, 5);
	test_assert(rec->flags == MAIL_RECENT);
	test_assert(rec->physical_size == 10 && rec->virtual_size == 11);
	test_assert(rec->received_date == 1234567890);
	test_assert_strcmp(test_read(box, 5), "X: y\r\n\r\nz\n");
	/* reopening while open keeps the UIDs */
	struct mailbox *box2 = test_open(&env, 0);
	test_assert_strcmp(test_uids(box2), "1 2 3 4 5");
	test_assert(mailbox_get_record(box2, 5)->flags == 0);
	mailbox_close(&box2);

	/* expunged UIDs are not reused, even for the same name */
	test_assert(mailbox_update_flags(box, 5, MODIFY_ADD, MAIL_DELETED,
					 &error) == 1);
	test_assert(mailbox_expunge_deleted(box, NULL, NULL, &error) == 0);
	test_sync(box, NULL);
	test_storage_write_file(t_strconcat(env.maildir, "/new/foo", NULL),
				"again\n", 0);
	test_sync(box, NULL);
	test_assert_strcmp(test_uids(box), "1 2 3 4 6");
	mailbox_close(&box);

	box = test_open(&env, 0);
	test_assert_strcmp(test_uids(box), "1 2 3 4 6");
	test_assert(box->uidnext == 7);
	mailbox_close(&box);
	test_env_deinit(&env);
	test_end();
}

void test_mail_storage_flags(void)
{
	struct test_env env;
	struct mailbox *box;
	const char *error;
	string_t *log = t_str_new(32);

	test_begin("mail storage flags");
	test_env_init(&env);
	box = test_open(&env, 0);
	test_save(box, "1\n", 0, 0, 0);
	test_save(box, "2\n", 0, 0, 0);
	test_sync(box, NULL);
	test_assert(mailbox_update_flags(box, 1, MODIFY_ADD,
					 MAIL_FLAGGED | MAIL_RECENT,
					 &error) == 1);
	test_assert(mailbox_get_record(box, 1)->flags ==
		    (MAIL_FLAGGED | MAIL_RECENT));
	test_assert(mailbox_update_flags(box, 1, MODIFY_ADD, MAIL_SEEN,
					 &error) == 1);
	test_assert(mailbox_update_flags(box, 2, MODIFY_REPLACE,
					 MAIL_ANSWERED | MAIL_DRAFT,
					 &error) == 1);
	test_assert(mailbox_update_flags(box, 2, MODIFY_REMOVE, MAIL_DRAFT,
					 &error) == 1);
	test_assert(mailbox_get_record(box, 2)->flags ==
		    (MAIL_ANSWERED | MAIL_RECENT));
	/* our own changes are not reported back */
	test_sync(box, log);
	test_assert_strcmp(str_c(log), "");
	test_assert_strcmp(test_read(box, 1), "1\n");
	mailbox_close(&box);

	box = test_open(&env, 0);
	test_assert(mailbox_get_record(box, 1)->flags ==
		    (MAIL_FLAGGED | MAIL_SEEN));
	test_assert(mailbox_get_record(box, 2)->flags == MAIL_ANSWERED);
	test_assert(mailbox_update_flags(box, 1, MODIFY_REPLACE, 0,
					 &error) == 1);
	mailbox_close(&box);
	box = test_open(&env, 0);
	test_assert(mailbox_get_record(box, 1)->flags == 0);
	mailbox_close(&box);
	test_env_deinit(&env);
	test_end();
}

static unsigned int test_uidlist_lines(struct test_env *env)
{
	const char *data = test_storage_read_file(
		t_strconcat(env->maildir, "/" MAILDIR_UIDLIST_NAME, NULL));
	unsigned int lines = 0;

	for (; data != NULL && *data != '\0'; data++) {
		if (*data == '\n')
			lines++;
	}
	return lines;
}

void test_mail_storage_expunge(void)
{
	struct test_env env;
	struct mailbox *box;
	const char *error;
	string_t *log = t_str_new(32);

	test_begin("mail storage expunge");
	test_env_init(&env);
	box = test_open(&env, 0);
	for (unsigned int i = 1; i <= 6; i++)
		test_save(box, t_strdup_printf("%u\n", i), 0, 0, 0);
	test_sync(box, NULL);
	test_assert(mailbox_update_flags(box, 2, MODIFY_ADD, MAIL_DELETED,
					 &error) == 1);
	test_assert(mailbox_update_flags(box, 4, MODIFY_ADD, MAIL_DELETED,
					 &error) == 1);
	test_assert(mailbox_update_flags(box, 5, MODIFY_ADD, MAIL_DELETED,
					 &error) == 1);
	test_assert(mailbox_expunge_deleted(box, &test_sync_callbacks, log,
					    &error) == 0);
	test_assert_strcmp(str_c(log), "e5 e4 e2 ");
	test_assert_strcmp(test_uids(box), "1 3 6");
	test_assert_strcmp(test_read(box, 3), "6\n");
	test_assert(test_storage_dir_count(test_subdir(&env, "cur")) == 3);
	str_truncate(log, 0);
	test_sync(box, log);
	test_assert_strcmp(str_c(log), "");

	/* removed by another program */
	struct maildir_mailbox *mbox = (struct maildir_mailbox *)box;
	const struct maildir_mail *mail = array_idx(&mbox->mails, 1);
	test_assert(unlink(t_strconcat(env.maildir, "/cur/", mail->base,
				       mail->info, NULL)) == 0);
	test_sync(box, log);
	test_assert_strcmp(str_c(log), "e2 ");
	test_assert_strcmp(test_uids(box), "1 6");
	mailbox_close(&box);

	box = test_open(&env, 0);
	test_assert_strcmp(test_uids(box), "1 6");
	mailbox_close(&box);
	/* the uidlist forgot the expunged files */
	test_assert(test_uidlist_lines(&env) == 3);
	test_env_deinit(&env);
	test_end();
}

void test_mail_storage_expunge_marked(void)
{
	struct test_env env;
	struct mailbox *box;
	const char *error;
	string_t *log = t_str_new(32);
	bool marked[5] = { false, true, false, true, false };

	test_begin("mail storage expunge marked");
	test_env_init(&env);
	box = test_open(&env, 0);
	for (unsigned int i = 1; i <= 5; i++)
		test_save(box, t_strdup_printf("%u\n", i), 0, 0, 0);
	test_sync(box, NULL);
	/* \Deleted but not marked: stays */
	test_assert(mailbox_update_flags(box, 3, MODIFY_ADD, MAIL_DELETED,
					 &error) == 1);
	test_assert(mailbox_expunge_marked(box, marked, &test_sync_callbacks,
					   log, &error) == 0);
	test_assert_strcmp(str_c(log), "e4 e2 ");
	test_assert_strcmp(test_uids(box), "1 3 5");
	test_assert(test_storage_dir_count(test_subdir(&env, "cur")) +
		    test_storage_dir_count(test_subdir(&env, "new")) == 3);
	mailbox_close(&box);

	box = test_open(&env, MAILBOX_FLAG_READONLY);
	test_assert_strcmp(test_uids(box), "1 3 5");
	test_assert(mailbox_expunge_marked(box, marked, NULL, NULL,
					   &error) < 0);
	mailbox_close(&box);
	test_env_deinit(&env);
	test_end();
}

void test_mail_storage_session_lock(void)
{
	struct mailbox_session_lock *lock, *lock2;
	struct test_env env;
	struct mailbox *box, *box2;
	const char *error;

	test_begin("mail storage session lock");
	test_env_init(&env);
	box = test_open(&env, 0);
	box2 = test_open(&env, 0);
	test_assert(mailbox_session_lock(box, 0, &lock, &error) == 1);
	test_assert(mailbox_session_lock(box2, 0, &lock2, &error) == 0);
	test_assert(mailbox_session_lock_refresh(lock, &error) == 0);
	test_assert(mailbox_session_unlock(&lock, &error) == 0);
	test_assert(lock == NULL);
	test_assert(mailbox_session_lock(box2, 0, &lock2, &error) == 1);
	/* the lock file is no message */
	test_sync(box2, NULL);
	test_assert(mailbox_get_count(box2) == 0);
	test_assert(mailbox_session_unlock(&lock2, &error) == 0);
	mailbox_close(&box);
	mailbox_close(&box2);
	test_env_deinit(&env);
	test_end();
}

void test_mail_storage_two_views(void)
{
	struct test_env env;
	struct mailbox *box1, *box2;
	const char *error;
	string_t *log = t_str_new(32);

	test_begin("mail storage two views");
	test_env_init(&env);
	box1 = test_open(&env, 0);
	box2 = test_open(&env, 0);
	test_save(box1, "1\n", 0, 0, 0);
	test_save(box2, "2\n", 0, 0, 0);
	test_save(box1, "3\n", 0, 0, 0);
	test_sync(box1, log);
	test_sync(box2, log);
	test_assert_strcmp(str_c(log), "");
	test_assert_strcmp(test_uids(box1), "1 2 3");
	test_assert_strcmp(test_uids(box2), "1 2 3");
	/* only the first session to see new mail has it \Recent */
	test_assert(mailbox_get_record(box1, 2)->flags == MAIL_RECENT);
	test_assert(mailbox_get_record(box2, 2)->flags == 0);

	/* flag changes are seen */
	test_assert(mailbox_update_flags(box1, 2, MODIFY_ADD, MAIL_SEEN,
					 &error) == 1);
	test_sync(box2, log);
	test_assert_strcmp(str_c(log), "f2 ");
	test_assert(mailbox_get_record(box2, 2)->flags == MAIL_SEEN);
	str_truncate(log, 0);

	/* a message renamed by the other view is still found */
	test_assert(mailbox_update_flags(box2, 3, MODIFY_ADD, MAIL_FLAGGED,
					 &error) == 1);
	test_assert_strcmp(test_read(box1, 3), "3\n");
	test_assert(mailbox_update_flags(box1, 3, MODIFY_ADD, MAIL_ANSWERED,
					 &error) == 1);
	test_assert(mailbox_get_record(box1, 3)->flags ==
		    (MAIL_ANSWERED | MAIL_FLAGGED | MAIL_RECENT));

	/* expunges are seen; reading an expunged message says so */
	test_assert(mailbox_update_flags(box1, 1, MODIFY_ADD, MAIL_DELETED,
					 &error) == 1);
	test_assert(mailbox_update_flags(box1, 3, MODIFY_ADD, MAIL_DELETED,
					 &error) == 1);
	test_assert(mailbox_expunge_deleted(box1, NULL, NULL, &error) == 0);
	test_assert(test_read(box2, 1) == NULL);
	test_assert(mailbox_update_flags(box2, 1, MODIFY_ADD, MAIL_SEEN,
					 &error) == 0);
	test_save(box1, "4\n", 0, 0, 0);
	test_sync(box2, log);
	test_assert_strcmp(str_c(log), "e3 e1 ");
	test_assert_strcmp(test_uids(box2), "2 4");

	/* record details are looked up lazily, following renames */
	test_save(box1, "5\n", 0, 1100000000, 0);
	test_sync(box2, NULL);
	test_sync(box1, NULL);
	test_assert(mailbox_update_flags(box2, 3, MODIFY_ADD, MAIL_SEEN,
					 &error) == 1);
	test_assert(mailbox_get_count(box1) == 3);
	test_assert(mailbox_get_record(box1, 3)->received_date == 1100000000);
	test_assert(mailbox_get_record(box1, 3)->virtual_size == 3);
	mailbox_close(&box1);
	mailbox_close(&box2);
	test_env_deinit(&env);
	test_end();
}

void test_mail_storage_readonly(void)
{
	struct test_env env;
	struct mailbox *box, *ro;
	struct mailbox_status status;
	const char *error;

	test_begin("mail storage read-only");
	test_env_init(&env);
	box = test_open(&env, 0);
	mailbox_close(&box);
	test_storage_write_file(t_strconcat(env.maildir, "/new/a", NULL),
				"a\n", 0);
	ro = test_open(&env, MAILBOX_FLAG_READONLY);
	test_assert(mailbox_is_readonly(ro));
	test_assert_strcmp(test_uids(ro), "1");
	/* still in new/: \Recent, but not moved */
	test_assert(mailbox_get_record(ro, 1)->flags == MAIL_RECENT);
	test_assert(test_storage_dir_count(test_subdir(&env, "new")) == 1);
	test_assert(mailbox_update_flags(ro, 1, MODIFY_ADD, MAIL_SEEN,
					 &error) < 0);
	test_assert(mailbox_expunge_deleted(ro, NULL, NULL, &error) < 0);

	box = test_open(&env, 0);
	test_assert(mailbox_get_record(box, 1)->flags == MAIL_RECENT);
	test_assert(test_storage_dir_count(test_subdir(&env, "new")) == 0);
	test_assert(mailbox_update_flags(box, 1, MODIFY_ADD, MAIL_SEEN,
					 &error) == 1);
	/* the read-only view follows the move and the flags */
	test_sync(ro, NULL);
	test_assert(mailbox_get_record(ro, 1)->flags ==
		    (MAIL_SEEN | MAIL_RECENT));
	test_assert_strcmp(test_read(ro, 1), "a\n");
	mailbox_get_status(ro, &status);
	test_assert(status.recent == 1 && status.unseen == 0 &&
		    status.first_unseen_seq == 0);
	mailbox_close(&ro);
	mailbox_close(&box);
	test_env_deinit(&env);
	test_end();
}

void test_mail_storage_corrupt_uidlist(void)
{
	struct test_env env;
	struct mailbox *box;
	const char *path;
	uint32_t uidvalidity;

	test_begin("mail storage corrupt uidlist");
	test_env_init(&env);
	path = t_strconcat(env.maildir, "/" MAILDIR_UIDLIST_NAME, NULL);
	box = test_open(&env, 0);
	test_save(box, "1\n", 0, 0, 0);
	test_save(box, "2\n", 0, 0, 0);
	test_sync(box, NULL);
	uidvalidity = box->uidvalidity;
	mailbox_close(&box);

	/* readable header, lost lines: same UIDVALIDITY, new UIDs */
	test_storage_write_file(path, t_strdup_printf("V%u N3\ngarbage\n",
						      uidvalidity), 0);
	box = test_open(&env, 0);
	test_assert(box->uidvalidity == uidvalidity);
	test_assert_strcmp(test_uids(box), "3 4");
	mailbox_close(&box);

	/* unreadable: a new UIDVALIDITY */
	test_storage_write_file(path, "\x01\x02garbage", 0);
	box = test_open(&env, 0);
	test_assert(box->uidvalidity != uidvalidity && box->uidvalidity != 0);
	test_assert_strcmp(test_uids(box), "1 2");
	mailbox_close(&box);

	/* missing */
	test_assert(unlink(path) == 0);
	box = test_open(&env, 0);
	test_assert_strcmp(test_uids(box), "1 2");
	test_assert(access(path, F_OK) == 0);
	mailbox_close(&box);
	test_env_deinit(&env);
	test_end();
}
