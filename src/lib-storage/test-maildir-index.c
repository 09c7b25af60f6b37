/* Copyright (c) Cove authors. See AUTHORS. */

/* Tests for the maildir index: written after a settled scan, used by the
   next session without reading the directories, and rebuilt with the same
   UIDs and flags when missing, stale or damaged; changes made within the
   index's timestamp are still seen. */

#include "lib.h"
#include "str.h"
#include "mail-storage.h"
#include "maildir-uidlist.h"
#include "maildir-index.h"
#include "test-storage-common.h"

#include <fcntl.h>
#include <unistd.h>
#include <sys/stat.h>

/* Old enough for any scan to trust. */
#define TEST_OLD_TIME 1500000000

struct test_index_env {
	const char *home, *maildir, *cur, *index_path;
	struct mail_user *user;
};

static void test_index_env_init(struct test_index_env *env)
{
	static const char *const names[] = {
		"1000.M1P1.host,S=5,W=6:2,", "1001.M1P1.host,S=5,W=6:2,S",
		"1002.M1P1.host,S=5,W=6:2,FS", "1003.M1P1.host:2,RSa",
	};
	const char *error;

	env->home = test_storage_mkdtemp();
	env->maildir = t_strconcat(env->home, "/Maildir", NULL);
	env->cur = t_strconcat(env->maildir, "/cur", NULL);
	env->index_path = t_strconcat(env->maildir, "/" MAILDIR_INDEX_NAME,
				      NULL);
	if (mail_user_init(test_storage_settings(), "alice", env->home, NULL,
			   &env->user, &error) < 0)
		i_fatal("mail_user_init() failed: %s", error);
	test_assert(mkdir(env->maildir, 0700) == 0);
	test_assert(mkdir(env->cur, 0700) == 0);
	test_assert(mkdir(t_strconcat(env->maildir, "/new", NULL), 0700) == 0);
	test_assert(mkdir(t_strconcat(env->maildir, "/tmp", NULL), 0700) == 0);
	for (unsigned int i = 0; i < N_ELEMENTS(names); i++) {
		test_storage_write_file(t_strconcat(env->cur, "/", names[i],
						    NULL),
					"body\n", TEST_OLD_TIME + i);
	}
}

static void test_index_env_deinit(struct test_index_env *env)
{
	mail_user_deinit(&env->user);
	test_storage_rmdir(env->home);
}

/* Sets the mtime of new/ and cur/. */
static void test_index_set_dir_mtimes(struct test_index_env *env,
				      time_t secs)
{
	struct timespec ts[2] = { { secs, 0 }, { secs, 0 } };

	test_assert(utimensat(AT_FDCWD, env->cur, ts, 0) == 0);
	test_assert(utimensat(AT_FDCWD, t_strconcat(env->maildir, "/new",
						    NULL), ts, 0) == 0);
}

/* "uid:flags:keywords ..." of INBOX as a new session sees it, with
   INTERNALDATE and the size of the first message. */
static const char *test_index_view(struct test_index_env *env)
{
	const struct mail_record *rec;
	struct mailbox *box;
	string_t *str = t_str_new(128);
	const char *error;

	if (mailbox_open(env->user, "INBOX", 0, &box, &error) <= 0)
		i_fatal("mailbox_open() failed: %s", error);
	str_printfa(str, "V%u N%u", box->uidvalidity, box->uidnext);
	for (uint32_t seq = 1; seq <= mailbox_get_count(box); seq++) {
		rec = mailbox_get_record(box, seq);
		str_printfa(str, " %u:%x:%x:%ld:%llu", rec->uid, rec->flags,
			    rec->keywords, (long)rec->received_date,
			    (unsigned long long)rec->virtual_size);
	}
	mailbox_close(&box);
	return str_c(str);
}

/* Renames cur/<from> to cur/<to> keeping cur/'s mtime, as a change the
   index cannot see by the mtime (so only a rescan shows it). */
static void test_index_hidden_rename(struct test_index_env *env,
				     const char *from, const char *to)
{
	struct stat st;
	struct timespec ts[2];

	test_assert(stat(env->cur, &st) == 0);
	test_assert(rename(t_strconcat(env->cur, "/", from, NULL),
			   t_strconcat(env->cur, "/", to, NULL)) == 0);
	ts[0] = st.st_atim;
	ts[1] = st.st_mtim;
	test_assert(utimensat(AT_FDCWD, env->cur, ts, 0) == 0);
}

static void test_index_damage(const char *path, unsigned int kind)
{
	struct stat st;
	char c;
	int fd;

	test_assert(stat(path, &st) == 0);
	fd = open(path, O_RDWR);
	test_assert(fd != -1);
	switch (kind) {
	case 0:
		test_assert(ftruncate(fd, st.st_size / 2) == 0);
		break;
	case 1:
		/* a flipped byte in the records */
		test_assert(pread(fd, &c, 1, st.st_size - 10) == 1);
		c ^= 0x20;
		test_assert(pwrite(fd, &c, 1, st.st_size - 10) == 1);
		break;
	case 2:
		/* another version */
		c = MAILDIR_INDEX_VERSION + 1;
		test_assert(pwrite(fd, &c, 1, 8) == 1);
		break;
	case 3:
		test_assert(ftruncate(fd, 0) == 0);
		break;
	case 4:
		test_assert(ftruncate(fd, st.st_size + 100) == 0);
		break;
	}
	(void)close(fd);
}

void test_maildir_index(void)
{
	static const char *const flag_names[] = {
		"1001.M1P1.host,S=5,W=6:2,S", "1001.M1P1.host,S=5,W=6:2,FS",
	};
	struct test_index_env env;
	const char *view, *view2, *uidlist_path;
	unsigned int flip = 0;

	test_begin("maildir index");
	test_index_env_init(&env);
	uidlist_path = t_strconcat(env.maildir, "/" MAILDIR_UIDLIST_NAME,
				   NULL);
	test_index_set_dir_mtimes(&env, TEST_OLD_TIME);
	view = test_index_view(&env);
	test_assert(access(env.index_path, F_OK) == 0);
	test_assert(strstr(view, " 4:") != NULL);
	/* first session: the files with sizes in their names need no stat,
	   the last one's size is read */
	test_assert_strcmp(test_index_view(&env), view);

	/* the index is used: a change hidden from the mtimes is not seen */
	test_index_hidden_rename(&env, flag_names[0], flag_names[1]);
	test_assert_strcmp(test_index_view(&env), view);

	/* every kind of damage: rebuilt from the files (the rename shows),
	   with the same UIDVALIDITY and UIDs */
	for (unsigned int kind = 0; kind <= 5; kind++) {
		if (kind == 5)
			test_assert(unlink(env.index_path) == 0);
		else
			test_index_damage(env.index_path, kind);
		view2 = test_index_view(&env);
		test_assert_idx(strcmp(view2, view) != 0, kind);
		test_assert_idx(strncmp(view2, view, strchr(view, ' ') -
					view) == 0, kind);
		/* and rewritten: the next hidden rename is not seen */
		test_assert_idx(access(env.index_path, F_OK) == 0, kind);
		view = view2;
		test_index_hidden_rename(&env, flag_names[1 - flip],
					 flag_names[flip]);
		flip = 1 - flip;
		test_assert_idx(strcmp(test_index_view(&env), view) == 0,
				kind);
	}

	/* a new uidlist file (rewritten by another process): rescanned */
	test_storage_write_file(t_strconcat(uidlist_path, ".new", NULL),
				test_storage_read_file(uidlist_path), 0);
	test_assert(rename(t_strconcat(uidlist_path, ".new", NULL),
			   uidlist_path) == 0);
	view2 = test_index_view(&env);
	test_assert(strcmp(view2, view) != 0);
	test_assert(strncmp(view2, view, strchr(view, ' ') - view) == 0);
	test_index_env_deinit(&env);
	test_end();
}

void test_maildir_index_same_second(void)
{
	struct test_index_env env;
	const char *view;
	struct timespec now;
	struct stat st;

	test_begin("maildir index same second");
	test_index_env_init(&env);
	/* whole-second mtimes of this second, as on a coarse filesystem:
	   the scan cannot trust them */
	test_assert(clock_gettime(CLOCK_REALTIME, &now) == 0);
	test_index_set_dir_mtimes(&env, now.tv_sec);
	view = test_index_view(&env);
	test_assert(strstr(view, " 4:") != NULL);

	/* another process, within the same second: a new message, a flag
	   change and an expunge, all leaving the mtimes as they were */
	test_storage_write_file(t_strconcat(env.cur,
		"/1004.M1P1.host,S=5,W=6:2,", NULL), "body\n", TEST_OLD_TIME);
	test_assert(rename(t_strconcat(env.cur, "/1001.M1P1.host,S=5,W=6:2,S",
				       NULL),
			   t_strconcat(env.cur, "/1001.M1P1.host,S=5,W=6:2,DS",
				       NULL)) == 0);
	test_assert(unlink(t_strconcat(env.cur, "/1000.M1P1.host,S=5,W=6:2,",
				       NULL)) == 0);
	test_index_set_dir_mtimes(&env, now.tv_sec);
	test_assert(stat(env.cur, &st) == 0 &&
		    st.st_mtim.tv_sec == now.tv_sec);

	view = test_index_view(&env);
	test_assert(strstr(view, " 1:") == NULL);
	test_assert(strstr(view, t_strdup_printf(" 2:%x:", MAIL_SEEN |
						 MAIL_DRAFT)) != NULL);
	test_assert(strstr(view, " 5:") != NULL);
	test_index_env_deinit(&env);
	test_end();
}

/* "H<highest> X<expunge> uid:modseq ..." of a box. */
static const char *test_index_modseqs(struct mailbox *box)
{
	struct mailbox_status status;
	string_t *str = t_str_new(128);

	mailbox_get_status(box, &status);
	str_printfa(str, "H%llu X%llu",
		    (unsigned long long)status.highest_modseq,
		    (unsigned long long)mailbox_get_expunge_modseq(box));
	for (uint32_t seq = 1; seq <= mailbox_get_count(box); seq++) {
		str_printfa(str, " %u:%llu", mailbox_get_record(box, seq)->uid,
			    (unsigned long long)
			    mailbox_get_record(box, seq)->modseq);
	}
	return str_c(str);
}

/* test_index_modseqs() of INBOX as a new session sees it. */
static const char *test_index_open_modseqs(struct test_index_env *env)
{
	struct mailbox *box;
	const char *error, *ret;

	test_index_set_dir_mtimes(env, TEST_OLD_TIME);
	if (mailbox_open(env->user, "INBOX", 0, &box, &error) <= 0)
		i_fatal("mailbox_open() failed: %s", error);
	ret = test_index_modseqs(box);
	mailbox_close(&box);
	return ret;
}

void test_maildir_index_modseqs(void)
{
	struct test_index_env env;
	struct mailbox *box1, *box2;
	const char *error;

	test_begin("maildir index modseqs");
	test_index_env_init(&env);
	/* each new message gets its own, after the empty mailbox's 1 */
	test_assert_strcmp(test_index_open_modseqs(&env),
			   "H5 X0 1:2 2:3 3:4 4:5");
	/* from the index, and from the uidlist without it */
	test_assert_strcmp(test_index_open_modseqs(&env),
			   "H5 X0 1:2 2:3 3:4 4:5");
	test_assert(unlink(env.index_path) == 0);
	test_assert_strcmp(test_index_open_modseqs(&env),
			   "H5 X0 1:2 2:3 3:4 4:5");
	/* another program's flag change, found by the rebuild */
	test_index_hidden_rename(&env, "1001.M1P1.host,S=5,W=6:2,S",
				 "1001.M1P1.host,S=5,W=6:2,FS");
	test_assert(unlink(env.index_path) == 0);
	test_assert_strcmp(test_index_open_modseqs(&env),
			   "H6 X0 1:2 2:6 3:4 4:5");

	/* a session's changes: one modseq per commit, seen by others */
	if (mailbox_open(env.user, "INBOX", 0, &box1, &error) <= 0 ||
	    mailbox_open(env.user, "INBOX", 0, &box2, &error) <= 0)
		i_fatal("mailbox_open() failed: %s", error);
	test_assert(mailbox_update_flags(box1, 1, MODIFY_ADD, MAIL_SEEN,
					 &error) == 1);
	test_assert(mailbox_update_flags(box1, 3, MODIFY_ADD, MAIL_DELETED,
					 &error) == 1);
	test_assert(mailbox_flags_commit(box1, &error) == 0);
	test_assert_strcmp(test_index_modseqs(box1),
			   "H7 X0 1:7 2:6 3:7 4:5");
	test_assert(mailbox_sync(box2, NULL, NULL, &error) == 0);
	test_assert_strcmp(test_index_modseqs(box2),
			   "H7 X0 1:7 2:6 3:7 4:5");
	/* an expunge: the next one */
	test_assert(mailbox_expunge_deleted(box1, NULL, NULL, &error) == 0);
	test_assert_strcmp(test_index_modseqs(box1), "H8 X8 1:7 2:6 4:5");
	test_assert(mailbox_sync(box2, NULL, NULL, &error) == 0);
	test_assert_strcmp(test_index_modseqs(box2), "H8 X8 1:7 2:6 4:5");
	/* nothing changed: a sync keeps them */
	test_assert(mailbox_sync(box1, NULL, NULL, &error) == 0);
	test_assert_strcmp(test_index_modseqs(box1), "H8 X8 1:7 2:6 4:5");
	mailbox_close(&box1);
	mailbox_close(&box2);
	test_assert_strcmp(test_index_open_modseqs(&env), "H8 X8 1:7 2:6 4:5");
	test_index_env_deinit(&env);
	test_end();
}
