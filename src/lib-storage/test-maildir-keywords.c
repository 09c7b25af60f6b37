/* Copyright (c) Cove authors. See AUTHORS. */

/* Tests for the maildir keywords file, keyword letters in file names,
   keywords through the mailbox API, and mailbox_copy(). */

#include "lib.h"
#include "str.h"
#include "file-util.h"
#include "mail-storage-private.h"
#include "maildir-keywords.h"
#include "test-storage-common.h"

#include <dirent.h>
#include <sys/stat.h>

void test_maildir_keywords_info(void)
{
	static const struct {
		const char *old_info;
		enum mail_flags flags;
		uint32_t keywords;
		const char *info;
	} tests[] = {
		{ "", 0, 0, ":2," },
		{ "", MAIL_SEEN, 0x1, ":2,Sa" },
		{ ":2,Sab", MAIL_SEEN, 0, ":2,S" },
		{ ":2,Sab", 0, 0x4, ":2,c" },
		{ ":2,FSac", MAIL_FLAGGED | MAIL_DRAFT, 0x2000001, ":2,DFaz" },
		/* unknown letters are kept */
		{ ":2,S1b", MAIL_SEEN, 0x1, ":2,1Sa" },
	};

	test_begin("maildir keywords info");
	for (unsigned int i = 0; i < N_ELEMENTS(tests); i++) T_BEGIN {
		const char *info = maildir_keywords_info_set(
			tests[i].old_info, tests[i].flags, tests[i].keywords);

		test_assert_strcmp(info, tests[i].info);
		test_assert_idx(maildir_keywords_from_info(info) ==
				tests[i].keywords, i);
	} T_END;
	test_assert(maildir_keywords_from_info("") == 0);
	test_assert(maildir_keywords_from_info(":1,ab") == 0);
	test_end();
}

void test_maildir_keywords_file(void)
{
	const char *dir = test_storage_mkdtemp();
	const char *path = t_strconcat(dir, "/" MAILDIR_KEYWORDS_NAME, NULL);
	struct maildir_keywords *kw1, *kw2;
	const char *const *names;
	const char *error;
	unsigned int count, idx;

	test_begin("maildir keywords file");
	kw1 = maildir_keywords_init(dir, false);
	kw2 = maildir_keywords_init(dir, false);
	/* missing file: no keywords */
	test_assert(maildir_keywords_refresh(kw1, &error) == 0);
	(void)maildir_keywords_get_names(kw1, &count);
	test_assert(count == 0);
	test_assert(maildir_keywords_add(kw1, "$Label1", &idx, &error) == 1);
	test_assert(idx == 0);
	test_assert(maildir_keywords_add(kw1, "Junk", &idx, &error) == 1);
	test_assert(idx == 1);
	test_assert_strcmp(test_storage_read_file(path),
			   "0 $Label1\n1 Junk\n");
	/* another reader sees them after a refresh; lookups ignore case */
	test_assert(maildir_keywords_refresh(kw2, &error) == 0);
	test_assert(maildir_keywords_lookup(kw2, "junk") == 1);
	test_assert(maildir_keywords_lookup(kw2, "$label1") == 0);
	test_assert(maildir_keywords_lookup(kw2, "Other") == -1);
	/* a hole and invalid lines in the file */
	test_storage_write_file(path, "2 Two\nx bad\n30 Big\n0 Zero\n"
				"5 Zero\n1\n", 0);
	test_assert(maildir_keywords_refresh(kw2, &error) == 0);
	names = maildir_keywords_get_names(kw2, &count);
	test_assert(count == 3);
	test_assert_strcmp(names[0], "Zero");
	test_assert(names[1] == NULL);
	test_assert_strcmp(names[2], "Two");
	/* the hole is filled first, then up to the limit */
	test_assert(maildir_keywords_add(kw2, "One", &idx, &error) == 1);
	test_assert(idx == 1);
	for (unsigned int i = 3; i < MAIL_KEYWORDS_MAX; i++) {
		test_assert_idx(maildir_keywords_add(kw2,
			t_strdup_printf("k%u", i), &idx, &error) == 1, i);
		test_assert_idx(idx == i, i);
	}
	test_assert(maildir_keywords_add(kw2, "Full", &idx, &error) == 0);
	maildir_keywords_deinit(&kw1);
	maildir_keywords_deinit(&kw2);
	test_storage_rmdir(dir);
	test_end();
}

static struct mailbox *test_keywords_open(struct mail_user *user,
					  const char *name,
					  enum mailbox_flags flags)
{
	struct mailbox *box;
	const char *error;

	if (mailbox_open(user, name, flags, &box, &error) <= 0)
		i_fatal("mailbox_open(%s) failed", name);
	return box;
}

static uint32_t test_keywords_save(struct mailbox *box, const char *data,
				   enum mail_flags flags, uint32_t keywords)
{
	struct mail_save_context *ctx = mailbox_save_init(box);
	const char *error;
	uint32_t uid;

	mailbox_save_set_flags(ctx, flags);
	mailbox_save_set_keywords(ctx, keywords);
	mailbox_save_set_received_date(ctx, 1000000000);
	test_assert(mailbox_save_write(ctx, data, strlen(data), &error) == 0);
	test_assert(mailbox_save_finish(&ctx, &uid, &error) == 0);
	return uid;
}

/* Returns the single file name in dir. */
static const char *test_keywords_only_file(const char *dir)
{
	struct dirent *d;
	const char *name = NULL;
	DIR *dirp = opendir(dir);

	test_assert(dirp != NULL);
	if (dirp == NULL)
		return "";
	while ((d = readdir(dirp)) != NULL) {
		if (d->d_name[0] != '.') {
			test_assert(name == NULL);
			name = t_strdup(d->d_name);
		}
	}
	(void)closedir(dirp);
	return name == NULL ? "" : name;
}

void test_mail_storage_keywords(void)
{
	const char *home = test_storage_mkdtemp();
	const char *names[] = { "$Label1", "Junk", "NonJunk" };
	struct mail_user *user;
	struct mailbox *box1, *box2;
	const char *error, *fname;
	const char *const *kw_names;
	unsigned int count;
	uint32_t mask, uid;

	test_begin("mail storage keywords");
	if (mail_user_init(test_storage_settings(), "alice", home, NULL,
			   &user, &error) < 0)
		i_fatal("mail_user_init() failed: %s", error);
	box1 = test_keywords_open(user, "INBOX", 0);
	box2 = test_keywords_open(user, "INBOX", 0);
	test_assert(mailbox_keywords_lookup(box1, names, 2, &mask,
					    &error) == 1);
	test_assert(mask == 0x3);
	uid = test_keywords_save(box1, "Subject: k\n\nbody\n", MAIL_SEEN,
				 0x2);
	test_assert(uid == 1);
	fname = test_keywords_only_file(t_strconcat(home, "/Maildir/cur",
						    NULL));
	test_assert(str_ends(fname, ":2,Sb"));
	test_assert(mailbox_sync(box1, NULL, NULL, &error) == 0);
	test_assert(mailbox_get_record(box1, 1)->keywords == 0x2);

	/* a change by box1 shows in box2 after its sync */
	test_assert(mailbox_sync(box2, NULL, NULL, &error) == 0);
	test_assert(mailbox_get_record(box2, 1)->keywords == 0x2);
	test_assert(mailbox_keywords_lookup(box1, &names[2], 1, &mask,
					    &error) == 1);
	test_assert(mask == 0x4);
	test_assert(mailbox_update_flags_keywords(box1, 1, MODIFY_ADD, 0,
						  0x5, &error) == 1);
	test_assert(mailbox_get_record(box1, 1)->keywords == 0x7);
	test_assert(mailbox_update_flags_keywords(box1, 1, MODIFY_REMOVE, 0,
						  0x2, &error) == 1);
	test_assert(mailbox_sync(box2, NULL, NULL, &error) == 0);
	test_assert(mailbox_get_record(box2, 1)->keywords == 0x5);
	test_assert(mailbox_get_record(box2, 1)->flags == MAIL_SEEN);
	kw_names = mailbox_get_keywords(box2, &count);
	test_assert(count == 3);
	test_assert_strcmp(kw_names[2], "NonJunk");
	/* flag changes keep the keywords */
	test_assert(mailbox_update_flags(box2, 1, MODIFY_REPLACE,
					 MAIL_FLAGGED, &error) == 1);
	test_assert(mailbox_get_record(box2, 1)->keywords == 0x5);
	test_assert(mailbox_update_flags_keywords(box2, 1, MODIFY_REPLACE,
						  0, 0x2, &error) == 1);
	test_assert(mailbox_get_record(box2, 1)->keywords == 0x2);
	test_assert(mailbox_get_record(box2, 1)->flags == 0);

	/* more than MAIL_KEYWORDS_MAX: a clear error */
	for (unsigned int i = 3; i < MAIL_KEYWORDS_MAX; i++) {
		const char *name = t_strdup_printf("k%u", i);

		test_assert_idx(mailbox_keywords_lookup(box1, &name, 1, &mask,
							&error) == 1, i);
	}
	names[0] = "OneTooMany";
	test_assert(mailbox_keywords_lookup(box1, names, 1, &mask,
					    &error) == 0);
	test_assert(strstr(error, "Too many keywords") != NULL);
	mailbox_close(&box1);
	mailbox_close(&box2);
	mail_user_deinit(&user);
	test_storage_rmdir(home);
	test_end();
}

void test_mail_storage_copy(void)
{
	const char *home = test_storage_mkdtemp();
	const char *root = t_strconcat(home, "/Maildir", NULL);
	const char *name = "Junk";
	struct mail_user *user;
	struct mailbox *src, *dest, *view;
	struct mailbox_status status;
	struct mail_save_context *save_ctx;
	const char *error, *fname;
	struct stat st;
	uint32_t mask, uid;

	test_begin("mail storage copy");
	if (mail_user_init(test_storage_settings(), "alice", home, NULL,
			   &user, &error) < 0)
		i_fatal("mail_user_init() failed: %s", error);
	src = test_keywords_open(user, "INBOX", 0);
	for (unsigned int i = 0; i < 3; i++) {
		(void)mkdir_parents(t_strdup_printf("%s/.Dest/%s", root,
			i == 0 ? "cur" : (i == 1 ? "new" : "tmp")), 0700);
	}
	test_assert(mailbox_keywords_lookup(src, &name, 1, &mask,
					    &error) == 1);
	/* "Junk" is the second keyword of the destination */
	dest = test_keywords_open(user, "Dest", 0);
	name = "Other";
	test_assert(mailbox_keywords_lookup(dest, &name, 1, &mask,
					    &error) == 1);
	mailbox_close(&dest);

	(void)test_keywords_save(src, "Subject: c\n\nbody\n",
				 MAIL_FLAGGED | MAIL_DELETED, 0x1);
	test_assert(mailbox_sync(src, NULL, NULL, &error) == 0);
	dest = test_keywords_open(user, "Dest", MAILBOX_FLAG_SAVEONLY |
				  MAILBOX_FLAG_SAVE_UIDS);
	test_assert(mailbox_copy(dest, src, 1, &uid, &error) == 1);
	test_assert(uid == 1);
	test_assert(mailbox_copy(dest, src, 1, &uid, &error) == 1);
	test_assert(uid == 2);
	mailbox_get_status(dest, &status);
	test_assert(status.uidvalidity != 0);
	mailbox_close(&dest);

	view = test_keywords_open(user, "Dest", 0);
	mailbox_get_status(view, &status);
	test_assert(status.messages == 2);
	test_assert(mailbox_get_record(view, 1)->flags ==
		    (MAIL_FLAGGED | MAIL_DELETED));
	test_assert(mailbox_get_record(view, 1)->keywords == 0x2);
	test_assert(mailbox_get_record(view, 1)->received_date == 1000000000);
	test_assert(mailbox_get_record(view, 1)->virtual_size ==
		    mailbox_get_record(src, 1)->virtual_size);
	mailbox_close(&view);
	/* a hard link: the same file */
	fname = test_keywords_only_file(t_strconcat(root, "/cur", NULL));
	test_assert(stat(t_strconcat(root, "/cur/", fname, NULL), &st) == 0);
	test_assert(st.st_nlink == 3);
	test_assert(test_storage_dir_count(t_strconcat(root, "/.Dest/tmp",
						       NULL)) == 0);

	/* a prepared copy is only in tmp/ until it is saved or dropped */
	dest = test_keywords_open(user, "Dest", MAILBOX_FLAG_SAVEONLY |
				  MAILBOX_FLAG_SAVE_UIDS);
	test_assert(mailbox_copy_prepare(dest, src, 1, &save_ctx,
					 &error) == 1);
	test_assert(test_storage_dir_count(t_strconcat(root, "/.Dest/tmp",
						       NULL)) == 1);
	mailbox_save_abort(&save_ctx);
	mailbox_close(&dest);
	test_assert(test_storage_dir_count(t_strconcat(root, "/.Dest/tmp",
						       NULL)) == 0);
	view = test_keywords_open(user, "Dest", 0);
	mailbox_get_status(view, &status);
	test_assert(status.messages == 2);
	mailbox_close(&view);

	/* copying a message that another view expunged meanwhile */
	view = test_keywords_open(user, "INBOX", 0);
	test_assert(mailbox_expunge_deleted(view, NULL, NULL, &error) == 0);
	mailbox_close(&view);
	dest = test_keywords_open(user, "Dest", MAILBOX_FLAG_SAVEONLY |
				  MAILBOX_FLAG_SAVE_UIDS);
	test_assert(mailbox_copy(dest, src, 1, &uid, &error) == 0);
	mailbox_close(&dest);
	test_assert(test_storage_dir_count(t_strconcat(root, "/.Dest/tmp",
						       NULL)) == 0);
	mailbox_close(&src);
	mail_user_deinit(&user);
	test_storage_rmdir(home);
	test_end();
}
