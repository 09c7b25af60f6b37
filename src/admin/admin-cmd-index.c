/* Copyright (c) Cove authors. See AUTHORS. */

/* coveadm index [rebuild] and force-resync: open each mailbox as a
   session would, which brings its index (a cache of the message records,
   see maildir-index.h) up to date with the files; rebuild and
   force-resync make the backend ignore the index, read the files (UIDs
   from the UID list, flags from the file names) and rewrite it. */

#include "lib.h"
#include "array.h"
#include "admin-mail.h"

struct admin_index_context {
	/* the mailboxes; NULL: all */
	const char *pattern;
	bool rebuild;
};

static int admin_index_user(struct admin_mail *mail, struct mail_user *user,
			    void *context)
{
	struct admin_index_context *ictx = context;
	ARRAY_TYPE(const_string) vnames;
	struct mailbox *box;
	const char *error;
	int ret, r;

	t_array_init(&vnames, 16);
	ret = admin_mail_list(mail, user, ictx->pattern, &vnames);
	array_foreach(&vnames, vnamep) {
		r = mailbox_open(user, *vnamep, ictx->rebuild ?
				 MAILBOX_FLAG_REBUILD_INDEX : 0, &box, &error);
		if (r < 0) {
			admin_mail_error(mail, "%s: %s", *vnamep, error);
			ret = ADMIN_EXIT_TEMPFAIL;
		} else if (r > 0) {
			mailbox_close(&box);
		}
	}
	return ret;
}

static int admin_index_run(const struct admin_context *ctx, int argc,
			   char *argv[], bool rebuild, bool need_pattern)
{
	static const char *const headers[] = { NULL };
	struct admin_index_context ictx = { .rebuild = rebuild };
	struct admin_mail_users users;

	if (admin_mail_parse_users(&argc, &argv, &users, NULL) < 0 ||
	    argc > 1 || argc < (need_pattern ? 1 : 0))
		return ADMIN_EXIT_USAGE;
	ictx.pattern = argc == 1 ? argv[0] : NULL;
	return admin_mail_run(ctx, &users, headers, admin_index_user, &ictx);
}

static int cmd_index(const struct admin_context *ctx, int argc, char *argv[])
{
	bool rebuild = argc > 1 && strcmp(argv[1], "rebuild") == 0;

	if (rebuild) {
		argc--;
		argv++;
	}
	return admin_index_run(ctx, argc, argv, rebuild, false);
}

static int cmd_force_resync(const struct admin_context *ctx, int argc,
			    char *argv[])
{
	return admin_index_run(ctx, argc, argv, true, true);
}

const struct admin_cmd admin_cmd_index = {
	.name = "index",
	.usage = "[rebuild] -u USER|-A [MAILBOX-PATTERN]",
	.help = "Bring the index of the mailboxes (default: all) up to date "
		"with their files; rebuild: ignore the index and rebuild it "
		"from the files, keeping UIDs and flags.",
	.run = cmd_index,
};

const struct admin_cmd admin_cmd_force_resync = {
	.name = "force-resync",
	.usage = "-u USER|-A MAILBOX-PATTERN",
	.help = "Rebuild the index of the mailboxes from their files, "
		"keeping UIDs and flags (as index rebuild).",
	.run = cmd_force_resync,
};
