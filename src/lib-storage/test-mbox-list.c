/* Copyright (c) Cove authors. See AUTHORS. */

/* Tests for mbox-list.c through the generic mailbox list: folders as
   files, directories as NOSELECT parents, '/' as the storage separator
   (so "Archive.2024" is one name), hidden files, create/delete/rename,
   the index directories and .subscriptions. */

#include "lib.h"
#include "str.h"
#include "file-util.h"
#include "mail-storage-private.h"
#include "mbox/mbox-list.h"
#include "test-storage-common.h"

#include <sys/stat.h>

struct test_mbox_list_env {
	const char *root;
	struct mail_user *user;
	struct mail_storage_backend backend;
};

/* A user whose backend lists mailboxes with mbox_list_vfuncs (the list
   side needs no mailbox vfuncs). */
static void test_mbox_list_init(struct test_mbox_list_env *env)
{
	const char *error;

	env->root = test_storage_mkdtemp();
	if (mail_user_init(test_storage_settings(), "alice", NULL,
			   t_strconcat("maildir:", env->root, NULL),
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
