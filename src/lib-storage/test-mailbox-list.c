/* Copyright (c) Cove authors. See AUTHORS. */

/* Tests for mailbox-list.c and maildir-list.c: LIST pattern matching,
   create/delete/rename on a temporary Maildir, subscriptions. */

#include "lib.h"
#include "str.h"
#include "mail-storage.h"
#include "test-storage-common.h"

#include <sys/stat.h>

void test_mailbox_list_pattern_match(void)
{
	static const struct {
		const char *pattern, *name;
		char sep;
		bool match;
	} tests[] = {
		{ "*", "INBOX", '.', true },
		{ "*", "a.b.c", '.', true },
		{ "%", "a.b", '.', false },
		{ "%", "a", '.', true },
		{ "a.%", "a.b", '.', true },
		{ "a.%", "a.b.c", '.', false },
		{ "a.*", "a.b.c", '.', true },
		{ "a.*", "a", '.', false },
		{ "a%c", "abc", '.', true },
		{ "a%c", "a.c", '.', false },
		{ "a%c", "a/c", '.', true },
		{ "a%c", "a/c", '/', false },
		{ "inbox", "INBOX", '.', true },
		{ "Inbox.%", "INBOX.x", '.', true },
		{ "inbox", "Inbox", '.', false },
		{ "In*", "INBOX.x", '.', true },
		{ "in%", "INBOX", '.', true },
		{ "in%", "INBOX.x", '.', false },
		{ "inboxfoo", "INBOXfoo", '.', false },
		{ "", "", '.', true },
		{ "", "a", '.', false },
		{ "*b", "aaab", '.', true },
		{ "*%*%*%*%*%*%*%*%*%*%*%*%*%*%*%*%*%*%*%*%x",
		  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaay",
		  '.', false },
	};

	test_begin("mailbox list pattern match");
	for (unsigned int i = 0; i < N_ELEMENTS(tests); i++) {
		test_assert_idx(mailbox_list_pattern_match(tests[i].pattern,
			tests[i].name, tests[i].sep) == tests[i].match, i);
	}
	test_end();
}

struct test_list_env {
	const char *root;
	struct mail_user *user;
};

static void test_list_env_init(struct test_list_env *env)
{
	const char *error;

	env->root = test_storage_mkdtemp();
	if (mail_user_init(test_storage_settings(), "alice", NULL,
			   t_strconcat("maildir:", env->root, NULL),
			   &env->user, &error) < 0)
		i_fatal("mail_user_init() failed: %s", error);
}

static void test_list_env_deinit(struct test_list_env *env)
{
	mail_user_deinit(&env->user);
	test_storage_rmdir(env->root);
}

static bool test_list_dir_exists(struct test_list_env *env, const char *dir)
{
	struct stat st;

	return stat(t_strconcat(env->root, "/", dir, NULL), &st) == 0;
}

/* "vname:flags" of every listed mailbox, one per line, flags as
   N (noselect) X (nonexistent) C/c (children or not) S (subscribed). */
static const char *
test_list(struct test_list_env *env, const char *pattern,
	  enum mailbox_list_iter_flags flags)
{
	const char *patterns[] = { pattern, NULL };
	struct mailbox_list_iter *iter;
	const struct mailbox_info *info;
	string_t *str = t_str_new(128);
	const char *error;

	iter = mailbox_list_iter_init(env->user, patterns, flags);
	while ((info = mailbox_list_iter_next(iter)) != NULL) {
		str_printfa(str, "%s:%s%s%s%s%s\n", info->vname,
			(info->flags & MAILBOX_INFO_NOSELECT) != 0 ? "N" : "",
			(info->flags & MAILBOX_INFO_NONEXISTENT) != 0 ?
			"X" : "",
			(info->flags & MAILBOX_INFO_CHILDREN) != 0 ? "C" : "",
			(info->flags & MAILBOX_INFO_NOCHILDREN) != 0 ? "c" : "",
			(info->flags & MAILBOX_INFO_SUBSCRIBED) != 0 ?
			"S" : "");
	}
	test_assert(mailbox_list_iter_deinit(&iter, &error) == 0);
	return str_c(str);
}

static uint32_t test_list_uidvalidity(struct test_list_env *env,
				      const char *vname)
{
	struct mailbox_status status;
	const char *error;

	if (mailbox_get_status_by_name(env->user, vname, &status,
				       &error) <= 0)
		return 0;
	return status.uidvalidity;
}

void test_mailbox_list_maildir_create(void)
{
	struct test_list_env env;
	enum mail_error code;
	const char *error;

	test_begin("mailbox list maildir create");
	test_list_env_init(&env);
	test_assert(mailbox_create(env.user, "Sent", &code, &error) == 0);
	test_assert(mailbox_create(env.user, "Archive.2024", &code,
				   &error) == 0);
	test_assert(mailbox_create(env.user, "\xe6\x94\xb6\xe4\xbb\xb6",
				   &code, &error) == 0);
	test_assert(mailbox_create(env.user, "Trail.", &code, &error) == 0);
	test_assert(test_list_dir_exists(&env, ".Sent/cur"));
	test_assert(test_list_dir_exists(&env, ".Archive.2024/cur"));
	test_assert(!test_list_dir_exists(&env, ".Archive"));
	test_assert(test_list_dir_exists(&env, ".&ZTZO9g-/cur"));
	test_assert(test_list_dir_exists(&env, ".Trail/cur"));

	test_assert(mailbox_create(env.user, "Sent", &code, &error) < 0 &&
		    code == MAIL_ERROR_EXISTS);
	test_assert(mailbox_create(env.user, "inbox", &code, &error) < 0 &&
		    code == MAIL_ERROR_EXISTS);
	test_assert(mailbox_create(env.user, "a..b", &code, &error) < 0 &&
		    code == MAIL_ERROR_PARAMS);
	test_assert(mailbox_create(env.user, ".a", &code, &error) < 0 &&
		    code == MAIL_ERROR_PARAMS);
	test_assert(mailbox_create(env.user, "a/b", &code, &error) < 0 &&
		    code == MAIL_ERROR_PARAMS);
	test_assert(mailbox_create(env.user, "a\tb", &code, &error) < 0 &&
		    code == MAIL_ERROR_PARAMS);

	test_assert_strcmp(test_list(&env, "*", 0),
		"INBOX:c\nArchive:NXC\nArchive.2024:c\nSent:c\nTrail:c\n"
		"\xe6\x94\xb6\xe4\xbb\xb6:c\n");
	test_assert_strcmp(test_list(&env, "%", 0),
		"INBOX:c\nArchive:NXC\nSent:c\nTrail:c\n"
		"\xe6\x94\xb6\xe4\xbb\xb6:c\n");
	test_assert_strcmp(test_list(&env, "Archive.%", 0),
		"Archive.2024:c\n");

	/* every mailbox has a UIDVALIDITY of its own, never 0 */
	test_assert(test_list_uidvalidity(&env, "Sent") != 0);
	test_assert(test_list_uidvalidity(&env, "Sent") !=
		    test_list_uidvalidity(&env, "Archive.2024"));
	test_assert(test_list_uidvalidity(&env, "INBOX") !=
		    test_list_uidvalidity(&env, "Sent"));
	test_assert(test_list_uidvalidity(&env, "Nope") == 0);
	test_list_env_deinit(&env);
	test_end();
}

void test_mailbox_list_maildir_delete(void)
{
	struct test_list_env env;
	enum mail_error code;
	const char *error;
	uint32_t uidvalidity;

	test_begin("mailbox list maildir delete");
	test_list_env_init(&env);
	test_assert(mailbox_create(env.user, "Trash", &code, &error) == 0);
	uidvalidity = test_list_uidvalidity(&env, "Trash");
	test_assert(mailbox_delete(env.user, "Trash", &code, &error) == 0);
	test_assert(!test_list_dir_exists(&env, ".Trash"));
	test_assert(mailbox_delete(env.user, "Trash", &code, &error) < 0 &&
		    code == MAIL_ERROR_NOTFOUND);
	test_assert(mailbox_delete(env.user, "INBOX", &code, &error) < 0 &&
		    code == MAIL_ERROR_PARAMS);
	/* created again: a new UIDVALIDITY */
	test_assert(mailbox_create(env.user, "Trash", &code, &error) == 0);
	test_assert(test_list_uidvalidity(&env, "Trash") > uidvalidity);

	/* a parent with children only loses its own mail */
	test_assert(mailbox_create(env.user, "p", &code, &error) == 0);
	test_assert(mailbox_create(env.user, "p.c", &code, &error) == 0);
	test_assert(mailbox_delete(env.user, "p", &code, &error) == 0);
	test_assert(test_list_dir_exists(&env, ".p"));
	test_assert(!test_list_dir_exists(&env, ".p/cur"));
	test_assert_strcmp(test_list(&env, "p*", 0), "p:NC\np.c:c\n");
	test_assert(mailbox_delete(env.user, "p", &code, &error) < 0 &&
		    code == MAIL_ERROR_PARAMS);
	test_assert(mailbox_delete(env.user, "p.c", &code, &error) == 0);
	test_assert_strcmp(test_list(&env, "p*", 0), "");
	/* the left-over parent can be created again */
	test_assert(mailbox_create(env.user, "p", &code, &error) == 0);
	test_assert_strcmp(test_list(&env, "p*", 0), "p:c\n");
	test_list_env_deinit(&env);
	test_end();
}

static void test_list_save(struct test_list_env *env, const char *vname)
{
	struct mail_save_context *ctx;
	struct mailbox *box;
	const char *error;
	uint32_t uid;

	test_assert(mailbox_open(env->user, vname, 0, &box, &error) == 1);
	ctx = mailbox_save_init(box);
	test_assert(mailbox_save_write(ctx, "Subject: x\n\nbody\n", 17,
				       &error) == 0);
	test_assert(mailbox_save_finish(&ctx, &uid, &error) == 0);
	mailbox_close(&box);
}

static uint32_t test_list_messages(struct test_list_env *env,
				   const char *vname)
{
	struct mailbox_status status;
	const char *error;

	if (mailbox_get_status_by_name(env->user, vname, &status,
				       &error) <= 0)
		return UINT32_MAX;
	return status.messages;
}

void test_mailbox_list_maildir_rename(void)
{
	struct test_list_env env;
	enum mail_error code;
	const char *error;

	test_begin("mailbox list maildir rename");
	test_list_env_init(&env);
	test_assert(mailbox_create(env.user, "Old", &code, &error) == 0);
	test_assert(mailbox_create(env.user, "Old.Child", &code, &error) == 0);
	test_assert(mailbox_create(env.user, "Taken", &code, &error) == 0);
	test_list_save(&env, "Old.Child");
	test_assert(mailbox_rename(env.user, "Old", "Taken", &code,
				   &error) < 0 &&
		    code == MAIL_ERROR_EXISTS);
	test_assert(mailbox_rename(env.user, "Nope", "X", &code, &error) < 0 &&
		    code == MAIL_ERROR_NOTFOUND);
	test_assert(mailbox_rename(env.user, "Old", "Old.x", &code,
				   &error) < 0 &&
		    code == MAIL_ERROR_PARAMS);
	test_assert(mailbox_rename(env.user, "Old", "INBOX", &code,
				   &error) < 0 &&
		    code == MAIL_ERROR_EXISTS);
	test_assert(mailbox_rename(env.user, "Old", "New.Name", &code,
				   &error) == 0);
	test_assert(test_list_dir_exists(&env, ".New.Name.Child/cur"));
	test_assert(!test_list_dir_exists(&env, ".Old"));
	test_assert(test_list_messages(&env, "New.Name.Child") == 1);
	test_assert_strcmp(test_list(&env, "*", 0),
		"INBOX:c\nNew:NXC\nNew.Name:C\nNew.Name.Child:c\nTaken:c\n");

	/* RFC 3501 6.3.5: INBOX's messages move, INBOX stays */
	test_list_save(&env, "INBOX");
	test_list_save(&env, "INBOX");
	test_assert(mailbox_rename(env.user, "INBOX", "Saved", &code,
				   &error) == 0);
	test_assert(test_list_messages(&env, "INBOX") == 0);
	test_assert(test_list_messages(&env, "Saved") == 2);
	test_list_env_deinit(&env);
	test_end();
}

void test_mailbox_list_subscriptions(void)
{
	struct test_list_env env;
	enum mail_error code;
	const char *error;

	test_begin("mailbox list subscriptions");
	test_list_env_init(&env);
	test_assert(mailbox_create(env.user, "a.b", &code, &error) == 0);
	test_assert(mailbox_list_set_subscribed(env.user, "a.b", true, &code,
						&error) == 0);
	/* only existing mailboxes can be subscribed to */
	test_assert(mailbox_list_set_subscribed(env.user, "Gone", true,
						&code, &error) < 0 &&
		    code == MAIL_ERROR_NOTFOUND);
	test_assert(mailbox_create(env.user, "Gone", &code, &error) == 0);
	test_assert(mailbox_list_set_subscribed(env.user, "Gone", true, &code,
						&error) == 0);
	test_assert(mailbox_list_set_subscribed(env.user, "Gone", true, &code,
						&error) == 0);
	/* the subscription outlives the mailbox */
	test_assert(mailbox_delete(env.user, "Gone", &code, &error) == 0);
	test_assert_strcmp(test_storage_read_file(t_strconcat(env.root,
		"/subscriptions", NULL)), "a.b\nGone\n");
	test_assert_strcmp(test_list(&env, "*",
		MAILBOX_LIST_ITER_SELECT_SUBSCRIBED), "Gone:NXcS\na.b:cS\n");
	test_assert_strcmp(test_list(&env, "*", 0), "INBOX:c\na:NXC\na.b:cS\n");
	/* '%' matches a, whose subscribed child does not match */
	test_assert_strcmp(test_list(&env, "%",
		MAILBOX_LIST_ITER_SELECT_SUBSCRIBED |
		MAILBOX_LIST_ITER_SELECT_RECURSIVEMATCH), "Gone:NXcS\na:NXC\n");
	test_assert(mailbox_list_set_subscribed(env.user, "Gone", false,
						&code, &error) == 0);
	test_assert_strcmp(test_storage_read_file(t_strconcat(env.root,
		"/subscriptions", NULL)), "a.b\n");
	/* Dovecot's format and damaged lines */
	test_storage_write_file(t_strconcat(env.root, "/subscriptions", NULL),
		"V\t2\n\nGood\nbad..name\n\x01x\n\xff\nLists\tcove\n", 0);
	test_assert_strcmp(test_list(&env, "*",
		MAILBOX_LIST_ITER_SELECT_SUBSCRIBED),
		"Good:NXcS\nLists.cove:NXcS\n");
	test_assert(mailbox_list_set_subscribed(env.user, "a..b", true,
						&code, &error) < 0 &&
		    code == MAIL_ERROR_PARAMS);
	test_list_env_deinit(&env);
	test_end();
}
