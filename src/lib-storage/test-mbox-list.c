/* Copyright (c) Cove authors. See AUTHORS. */

/* Tests for mbox-list.c through the generic mailbox list: folders as
   files, directories as NOSELECT parents, '/' as the storage separator
   (so "Archive.2024" is one name), hidden files, create/delete/rename,
   the index directories (also under INDEX=), .subscriptions, and INBOX
   created in a spool directory with mail_privileged_group. */

#include "lib.h"
#include "str.h"
#include "file-util.h"
#include "mail-storage-private.h"
#include "mail-storage-settings.h"
#include "mbox/mbox-list.h"
#include "test-storage-common.h"

#include <grp.h>
#include <sys/stat.h>
#include <sys/wait.h>

struct test_mbox_list_env {
	const char *root;
	struct mail_user *user;
	struct mail_storage_backend backend;
};

/* A user whose backend lists mailboxes with mbox_list_vfuncs (the list
   side needs no mailbox vfuncs); options ("" or ":INDEX=...") follow the
   root in the location. */
static void test_mbox_list_init_with(struct test_mbox_list_env *env,
				     const struct mail_storage_settings *set,
				     const char *options)
{
	const char *error;

	env->root = test_storage_mkdtemp();
	if (mail_user_init(set, "alice", NULL,
			   t_strconcat("maildir:", env->root, options, NULL),
			   &env->user, &error) < 0)
		i_fatal("mail_user_init() failed: %s", error);
	env->backend = *env->user->backend;
	env->backend.name = "mbox";
	env->backend.name_sep = '/';
	env->backend.subscriptions_name = MBOX_LIST_SUBSCRIPTIONS_NAME;
	env->backend.list_v = &mbox_list_vfuncs;
	env->user->backend = &env->backend;
	mailbox_list_user_init(env->user);
}

static void test_mbox_list_init(struct test_mbox_list_env *env)
{
	test_mbox_list_init_with(env, test_storage_settings(), "");
}

static void test_mbox_list_deinit(struct test_mbox_list_env *env)
{
	mail_user_deinit(&env->user);
	test_storage_rmdir(env->root);
}

/* 'f' file, 'd' directory, '-' missing. */
static char test_mbox_list_stat(struct test_mbox_list_env *env,
				const char *path)
{
	struct stat st;

	if (stat(t_strconcat(env->root, "/", path, NULL), &st) < 0)
		return '-';
	return S_ISDIR(st.st_mode) ? 'd' : 'f';
}

/* "vname:flags" of every listed mailbox, flags as N (noselect) X
   (nonexistent) C/c (children or not) I (no inferiors) S
   (subscribed). */
static const char *test_mbox_list(struct test_mbox_list_env *env,
				  const char *pattern,
				  enum mailbox_list_iter_flags flags)
{
	const char *patterns[] = { pattern, NULL };
	struct mailbox_list_iter *iter;
	const struct mailbox_info *info;
	string_t *str = t_str_new(128);
	const char *error;

	iter = mailbox_list_iter_init(env->user, patterns, flags);
	while ((info = mailbox_list_iter_next(iter)) != NULL) {
		str_printfa(str, "%s:%s%s%s%s%s%s\n", info->vname,
			(info->flags & MAILBOX_INFO_NOSELECT) != 0 ? "N" : "",
			(info->flags & MAILBOX_INFO_NONEXISTENT) != 0 ?
			"X" : "",
			(info->flags & MAILBOX_INFO_CHILDREN) != 0 ? "C" : "",
			(info->flags & MAILBOX_INFO_NOCHILDREN) != 0 ? "c" : "",
			(info->flags & MAILBOX_INFO_NOINFERIORS) != 0 ?
			"I" : "",
			(info->flags & MAILBOX_INFO_SUBSCRIBED) != 0 ?
			"S" : "");
	}
	test_assert(mailbox_list_iter_deinit(&iter, &error) == 0);
	return str_c(str);
}

/* mailbox_create(); returns "" or "<enum mail_error>:error". */
static const char *test_mbox_create(struct test_mbox_list_env *env,
				    const char *vname)
{
	enum mail_error code;
	const char *error;

	if (mailbox_create(env->user, vname, &code, &error) == 0)
		return "";
	return t_strdup_printf("%d:%s", (int)code, error);
}

void test_mbox_list_create(void)
{
	static const struct {
		const char *vname, *result;
	} tests[] = {
		{ "Sent", "" },
		{ "Archive.2024", "" },
		{ "a/b/c", "" },
		{ "dir/", "" },
		{ "Entw\xc3\xbcrfe", "" },
		{ "Sent", "3:Mailbox already exists" },
		{ "inbox", "3:Mailbox already exists" },
		{ "dir", "3:Mailbox already exists" },
		{ "dir/", "3:Mailbox already exists" },
		{ "a/b", "3:Mailbox already exists" },
		{ "Sent/x", "4:Mailbox doesn't allow inferior mailboxes" },
		{ "Sent/x/y/", "4:Mailbox doesn't allow inferior mailboxes" },
		{ ".hidden", "4:Mailbox name component may not begin "
		  "with '.'" },
		{ "a/../x", "4:Mailbox name component may not begin "
		  "with '.'" },
		{ "a//x", "4:Hierarchy separator in an invalid place in "
		  "mailbox name" },
		{ "/x", "4:Hierarchy separator in an invalid place in "
		  "mailbox name" },
		{ "x\ty", "4:Character not allowed in mailbox name: '?'" },
	};
	struct test_mbox_list_env env;

	test_begin("mbox list create");
	test_mbox_list_init(&env);
	test_assert(mailbox_list_get_separator(env.user) == '/');
	for (unsigned int i = 0; i < N_ELEMENTS(tests); i++) {
		test_assert_idx(strcmp(test_mbox_create(&env, tests[i].vname),
				       tests[i].result) == 0, i);
	}
	test_assert(test_mbox_list_stat(&env, "Sent") == 'f');
	test_assert(test_mbox_list_stat(&env, "Archive.2024") == 'f');
	test_assert(test_mbox_list_stat(&env, "a/b") == 'd');
	test_assert(test_mbox_list_stat(&env, "a/b/c") == 'f');
	test_assert(test_mbox_list_stat(&env, "dir") == 'd');
	test_assert(test_mbox_list_stat(&env, "Entw&APw-rfe") == 'f');
	test_assert(test_mbox_list_stat(&env, "inbox") == '-');

	/* none of these is a mailbox */
	test_assert(mkdir(t_strconcat(env.root, "/.imap", NULL), 0700) == 0);
	test_storage_write_file(t_strconcat(env.root, "/.imap/x", NULL), "",
				0);
	test_storage_write_file(t_strconcat(env.root, "/Sent.lock", NULL),
				"", 0);
	test_storage_write_file(t_strconcat(env.root, "/INBOX", NULL), "", 0);
	test_storage_write_file(t_strconcat(env.root, "/a/.x", NULL), "", 0);
	test_assert(symlink("nowhere", t_strconcat(env.root, "/dangling",
						   NULL)) == 0);
	test_assert_strcmp(test_mbox_list(&env, "*", 0),
		"INBOX:c\nArchive.2024:I\nEntw\xc3\xbcrfe:I\nSent:I\n"
		"a:NC\na/b:NC\na/b/c:I\ndir:Nc\n");
	test_assert_strcmp(test_mbox_list(&env, "%", 0),
		"INBOX:c\nArchive.2024:I\nEntw\xc3\xbcrfe:I\nSent:I\n"
		"a:NC\ndir:Nc\n");
	test_assert_strcmp(test_mbox_list(&env, "a/%", 0), "a/b:NC\n");
	test_mbox_list_deinit(&env);
	test_end();
}

void test_mbox_list_delete(void)
{
	struct test_mbox_list_env env;
	enum mail_error code;
	const char *error, *dir;

	test_begin("mbox list delete");
	test_mbox_list_init(&env);
	test_assert_strcmp(test_mbox_create(&env, "p/c"), "");
	test_assert_strcmp(test_mbox_create(&env, "Trash"), "");
	test_assert(mbox_list_get_index_dir(env.user, "Trash", &dir,
					    &error) == 0);
	test_assert_strcmp(dir, t_strconcat(env.root, "/.imap/Trash", NULL));
	test_assert(mkdir_parents(dir, 0700) == 0);
	test_storage_write_file(t_strconcat(dir, "/index", NULL), "x", 0);

	test_assert(mailbox_delete(env.user, "Trash", &code, &error) == 0);
	test_assert(test_mbox_list_stat(&env, "Trash") == '-');
	test_assert(test_mbox_list_stat(&env, ".imap/Trash") == '-');
	test_assert(mailbox_delete(env.user, "Trash", &code, &error) < 0 &&
		    code == MAIL_ERROR_NOTFOUND);
	/* a directory goes once its children are gone */
	test_assert(mailbox_delete(env.user, "p", &code, &error) < 0 &&
		    code == MAIL_ERROR_PARAMS);
	test_assert(mailbox_delete(env.user, "p/c", &code, &error) == 0);
	test_assert_strcmp(test_mbox_list(&env, "*", 0), "INBOX:c\np:Nc\n");
	test_assert(mailbox_delete(env.user, "p", &code, &error) == 0);
	test_assert(test_mbox_list_stat(&env, "p") == '-');
	test_mbox_list_deinit(&env);
	test_end();
}

void test_mbox_list_rename(void)
{
	static const char inbox_data[] =
		"From a@example.com Mon Nov 23 10:00:00 2026\n"
		"Subject: one\n\nbody\n\n"
		"From b@example.com Mon Nov 23 10:00:01 2026\n"
		"Subject: two\n\nbody\n";
	struct test_mbox_list_env env;
	enum mail_error code;
	const char *error, *inbox;

	test_begin("mbox list rename");
	test_mbox_list_init(&env);
	test_assert_strcmp(test_mbox_create(&env, "Old/Child"), "");
	test_assert_strcmp(test_mbox_create(&env, "Taken"), "");
	test_assert(mkdir_parents(t_strconcat(env.root, "/.imap/Old/Child",
					      NULL), 0700) == 0);
	test_assert(mailbox_rename(env.user, "Old", "Taken", &code,
				   &error) < 0 && code == MAIL_ERROR_EXISTS);
	test_assert(mailbox_rename(env.user, "Old", "Old/x", &code,
				   &error) < 0 && code == MAIL_ERROR_PARAMS);
	test_assert(mailbox_rename(env.user, "Old", "Taken/x", &code,
				   &error) < 0 && code == MAIL_ERROR_PARAMS);
	test_assert(mailbox_rename(env.user, "Old", "New/Name", &code,
				   &error) == 0);
	test_assert(test_mbox_list_stat(&env, "New/Name/Child") == 'f');
	test_assert(test_mbox_list_stat(&env, ".imap/New/Name/Child") == 'd');
	test_assert(test_mbox_list_stat(&env, "Old") == '-');
	test_assert(test_mbox_list_stat(&env, ".imap/Old") == '-');
	test_assert_strcmp(test_mbox_list(&env, "*", 0),
		"INBOX:c\nNew:NC\nNew/Name:NC\nNew/Name/Child:I\nTaken:I\n");
	test_assert(mailbox_rename(env.user, "Taken", "Archive.2024", &code,
				   &error) == 0);
	test_assert(test_mbox_list_stat(&env, "Archive.2024") == 'f');

	/* RFC 3501 6.3.5: INBOX's messages move, INBOX stays, empty */
	test_assert(mbox_list_get_path(env.user, "INBOX", &inbox,
				       &error) == 0);
	test_assert_strcmp(inbox, t_strconcat(env.root, "/inbox", NULL));
	test_storage_write_file(inbox, inbox_data, 0);
	test_assert(mailbox_rename(env.user, "INBOX", "Saved", &code,
				   &error) == 0);
	test_assert_strcmp(test_storage_read_file(inbox), "");
	test_assert_strcmp(test_storage_read_file(t_strconcat(env.root,
		"/Saved", NULL)), inbox_data);
	/* the dotlock is gone again */
	test_assert(test_mbox_list_stat(&env, "inbox.lock") == '-');
	test_mbox_list_deinit(&env);
	test_end();
}

void test_mbox_list_subscriptions(void)
{
	struct test_mbox_list_env env;
	enum mail_error code;
	const char *error;

	test_begin("mbox list subscriptions");
	test_mbox_list_init(&env);
	test_assert_strcmp(test_mbox_create(&env, "Lists/cove.dev"), "");
	test_assert(mailbox_list_set_subscribed(env.user, "Lists/cove.dev",
						true, &code, &error) == 0);
	test_assert_strcmp(test_storage_read_file(t_strconcat(env.root,
		"/.subscriptions", NULL)), "Lists/cove.dev\n");
	test_assert_strcmp(test_mbox_list(&env, "*",
		MAILBOX_LIST_ITER_SELECT_SUBSCRIBED), "Lists/cove.dev:IS\n");
	/* Dovecot's format, with tabs for the separator */
	test_storage_write_file(t_strconcat(env.root, "/.subscriptions",
					    NULL),
		"V\t2\n\nLists\tcove.dev\nbad/../x\n", 0);
	test_assert_strcmp(test_mbox_list(&env, "*",
		MAILBOX_LIST_ITER_SELECT_SUBSCRIBED), "Lists/cove.dev:IS\n");
	test_mbox_list_deinit(&env);
	test_end();
}

void test_mbox_list_index_location(void)
{
	struct test_mbox_list_env env;
	enum mail_error code;
	const char *error, *dir, *idx;

	test_begin("mbox list INDEX=");
	/* INDEX=MEMORY (Dovecot's "no index files") means the default */
	test_mbox_list_init_with(&env, test_storage_settings(),
				 ":INDEX=MEMORY");
	test_assert(mbox_list_get_index_dir(env.user, "INBOX", &dir,
					    &error) == 0);
	test_assert_strcmp(dir, t_strconcat(env.root, "/.imap/INBOX", NULL));
	test_mbox_list_deinit(&env);

	idx = t_strconcat(test_storage_mkdtemp(), "/idx", NULL);
	test_mbox_list_init_with(&env, test_storage_settings(),
				 t_strconcat(":INDEX=", idx, NULL));
	test_assert(mbox_list_get_index_dir(env.user, "INBOX", &dir,
					    &error) == 0);
	test_assert_strcmp(dir, t_strconcat(idx, "/INBOX", NULL));
	test_assert(mbox_list_get_index_dir(env.user, "a/Entw\xc3\xbcrfe",
					    &dir, &error) == 0);
	test_assert_strcmp(dir, t_strconcat(idx, "/a/Entw&APw-rfe", NULL));
	test_assert(mbox_list_get_index_dir(env.user, "a/.x", &dir,
					    &error) < 0);

	/* rename moves the index with the children's, delete removes it */
	test_assert_strcmp(test_mbox_create(&env, "a/b/c"), "");
	test_assert(mkdir_parents(t_strconcat(idx, "/a/b/c", NULL),
				  0700) == 0);
	test_storage_write_file(t_strconcat(idx, "/a/b/index", NULL), "b", 0);
	test_storage_write_file(t_strconcat(idx, "/a/b/c/index", NULL), "c",
				0);
	test_assert(mailbox_rename(env.user, "a/b", "d/e", &code,
				   &error) == 0);
	test_assert(access(t_strconcat(idx, "/a/b", NULL), F_OK) < 0);
	test_assert_strcmp(test_storage_read_file(t_strconcat(idx,
		"/d/e/index", NULL)), "b");
	test_assert_strcmp(test_storage_read_file(t_strconcat(idx,
		"/d/e/c/index", NULL)), "c");
	/* nothing under the root's default index directory */
	test_assert(test_mbox_list_stat(&env, ".imap") == '-');
	test_assert(mailbox_delete(env.user, "d/e", &code, &error) < 0 &&
		    code == MAIL_ERROR_PARAMS);
	test_assert(mailbox_delete(env.user, "d/e/c", &code, &error) == 0);
	test_assert(access(t_strconcat(idx, "/d/e/c", NULL), F_OK) < 0);
	test_assert(mailbox_delete(env.user, "d/e", &code, &error) == 0);
	test_assert(access(t_strconcat(idx, "/d/e", NULL), F_OK) < 0);
	test_mbox_list_deinit(&env);
	test_storage_rmdir(t_strndup(idx, strlen(idx) - 4));
	test_end();
}

/* In a child running as nobody, with the group mail as its saved gid
   (supplementary false) or as a supplementary group: creates the INBOX
   of user and checks the file's group. Exits 0 created in group
   expect_gid, 1 creation failed with an error naming the path, the user
   and the missing setting, 2 otherwise. */
static void ATTR_NORETURN
test_mbox_list_inbox_child(struct mail_user *user, gid_t mail_gid,
			   bool supplementary, gid_t expect_gid)
{
	const char *path, *error;
	struct stat st;
	int ret;

	if (mbox_list_get_path(user, "INBOX", &path, &error) < 0 ||
	    setgroups(supplementary ? 1 : 0, &mail_gid) < 0 ||
	    setresgid(65534, 65534, supplementary ? 65534 : mail_gid) < 0 ||
	    setresuid(65534, 65534, 65534) < 0)
		_exit(2);
	ret = mbox_list_create_inbox(user, &error);
	if (ret < 0) {
		_exit(strstr(error, path) != NULL &&
		      strstr(error, "user alice") != NULL &&
		      strstr(error, "mail_privileged_group is not set") !=
		      NULL ? 1 : 2);
	}
	if (ret == 0 || getegid() != 65534 || stat(path, &st) < 0 ||
	    st.st_uid != 65534 || st.st_gid != expect_gid ||
	    (st.st_mode & 07777) != 0600 || st.st_size != 0 ||
	    mbox_list_create_inbox(user, &error) != 0)
		_exit(2);
	_exit(0);
}

/* Creates INBOX in a spool directory root:mail of mode spool_mode in a
   child (see above). Returns the child's exit code. */
static int test_mbox_list_inbox_run(const char *privileged_group,
				    mode_t spool_mode, bool supplementary,
				    gid_t expect_gid)
{
	struct mail_storage_settings set = *test_storage_settings();
	struct group *gr = getgrnam("mail");
	const char *root = test_storage_mkdtemp();
	const char *spool = t_strconcat(root, "/spool", NULL);
	struct mail_user *user;
	const char *error;
	pid_t pid;
	int status;

	set.mail_privileged_group = privileged_group;
	if (mail_user_init(&set, "alice", NULL,
			   t_strconcat("maildir:", root, ":INBOX=", spool,
				       "/nobody", NULL), &user, &error) < 0)
		i_fatal("mail_user_init() failed: %s", error);
	test_assert(chmod(root, 0755) == 0);
	test_assert(mkdir(spool, 0700) == 0);
	test_assert(chown(spool, 0, gr->gr_gid) == 0);
	test_assert(chmod(spool, spool_mode) == 0);
	if ((pid = fork()) < 0)
		i_fatal("fork() failed: %m");
	if (pid == 0) {
		test_mbox_list_inbox_child(user, gr->gr_gid, supplementary,
					   expect_gid);
	}
	if (waitpid(pid, &status, 0) < 0)
		i_fatal("waitpid() failed: %m");
	mail_user_deinit(&user);
	test_storage_rmdir(root);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

void test_mbox_list_create_inbox(void)
{
	const char *root, *error, *inbox;
	struct mail_user *user;
	struct group *gr;
	struct stat st;

	test_begin("mbox list create INBOX");
	/* missing, with its directory: created empty, 0600 */
	root = test_storage_mkdtemp();
	inbox = t_strconcat(root, "/spool/sub/alice", NULL);
	if (mail_user_init(test_storage_settings(), "alice", NULL,
			   t_strconcat("maildir:", root, ":INBOX=", inbox,
				       NULL), &user, &error) < 0)
		i_fatal("mail_user_init() failed: %s", error);
	test_assert(mbox_list_create_inbox(user, &error) == 1);
	test_assert(stat(inbox, &st) == 0 && st.st_size == 0 &&
		    (st.st_mode & 07777) == 0600);
	test_storage_write_file(inbox, "x", 0);
	test_assert(mbox_list_create_inbox(user, &error) == 0);
	test_assert_strcmp(test_storage_read_file(inbox), "x");
	mail_user_deinit(&user);
	test_storage_rmdir(root);

	/* a spool like /var/mail (root:mail) needs root to set up */
	gr = getgrnam("mail");
	if (geteuid() == 0 && gr != NULL) {
		/* the group as saved gid: the effective gid is switched */
		test_assert(test_mbox_list_inbox_run("mail", 02775, false,
						     gr->gr_gid) == 0);
		test_assert(test_mbox_list_inbox_run("mail", 0775, false,
						     gr->gr_gid) == 0);
		/* as a supplementary group (the workers): the file is
		   given the group, as a switch would have */
		test_assert(test_mbox_list_inbox_run("mail", 0775, true,
						     gr->gr_gid) == 0);
		/* a directory everyone may write: the user's own group */
		test_assert(test_mbox_list_inbox_run("mail", 01777, false,
						     65534) == 0);
		test_assert(test_mbox_list_inbox_run("", 02775, false,
						     gr->gr_gid) == 1);
	}
	test_end();
}
