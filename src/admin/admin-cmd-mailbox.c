/* Copyright (c) Cove authors. See AUTHORS. */

/* coveadm mailbox list|create|delete|rename|subscribe|unsubscribe|status
   -u USER|-A, with doveadm's arguments. The command becomes the user (as
   a worker does, see admin-mail.h) and works through the same mailbox API
   as IMAP, so it is safe beside running sessions and deliveries. */

#include "lib.h"
#include "mail-storage.h"
#include "admin-mail.h"

#include <stdio.h>

/* STATUS items as doveadm names them. */
static const char *const admin_status_fields[] = {
	"messages", "recent", "uidnext", "uidvalidity", "unseen",
};

struct admin_mailbox_cmd;

/* A mailbox subcommand's arguments, shared by its users. */
struct admin_mailbox_context {
	const struct admin_mailbox_cmd *sub;
	/* -s */
	bool subscribe;
	/* the arguments after the options */
	int argc;
	char **argv;
	/* status: the fields (indexes into admin_status_fields) */
	unsigned int fields[N_ELEMENTS(admin_status_fields) * 2];
	unsigned int field_count;
};

struct admin_mailbox_cmd {
	const char *name;
	int (*run)(struct admin_mail *mail, struct mail_user *user,
		   const struct admin_mailbox_context *mctx);
	/* the fewest arguments, or exactly that many */
	int min_args;
	bool exact;
};

/* Exit code for a failed list operation; prints its error. */
static int admin_mailbox_error(const char *vname, enum mail_error code,
			       const char *error)
{
	fprintf(stderr, "coveadm mailbox: %s: %s\n", vname, error);
	switch (code) {
	case MAIL_ERROR_NOTFOUND:
		return ADMIN_EXIT_NOMAILBOX;
	case MAIL_ERROR_TEMP:
		return ADMIN_EXIT_TEMPFAIL;
	default:
		return ADMIN_EXIT_DATAERR;
	}
}

static int cmd_mailbox_list(struct admin_mail *mail, struct mail_user *user,
			    const struct admin_mailbox_context *mctx)
{
	static const char *const all[] = { "*", NULL };
	const char *const *patterns = mctx->argc > 0 ?
		(const char *const *)mctx->argv : all;
	const char *values[2] = { NULL, NULL };
	struct mailbox_list_iter *iter;
	const struct mailbox_info *info;
	const char *error;

	iter = mailbox_list_iter_init(user, patterns, mctx->subscribe ?
				      MAILBOX_LIST_ITER_SELECT_SUBSCRIBED : 0);
	while ((info = mailbox_list_iter_next(iter)) != NULL) {
		if ((info->flags & MAILBOX_INFO_NONEXISTENT) == 0 ||
		    mctx->subscribe) {
			values[0] = info->vname;
			admin_mail_row(mail, values);
		}
	}
	if (mailbox_list_iter_deinit(&iter, &error) < 0) {
		fprintf(stderr, "coveadm mailbox list: %s\n", error);
		return ADMIN_EXIT_TEMPFAIL;
	}
	return ADMIN_EXIT_OK;
}

/* create, delete, subscribe, unsubscribe: one operation per name. */
static int cmd_mailbox_each(struct admin_mail *mail ATTR_UNUSED,
			    struct mail_user *user,
			    const struct admin_mailbox_context *mctx)
{
	const char *sub = mctx->sub->name, *error;
	bool subscribe = mctx->subscribe;
	char **argv = mctx->argv;
	int argc = mctx->argc;
	enum mail_error code;
	int ret = ADMIN_EXIT_OK, r;

	for (int i = 0; i < argc; i++) {
		if (strcmp(sub, "create") == 0)
			r = mailbox_create(user, argv[i], &code, &error);
		else if (strcmp(sub, "delete") == 0)
			r = mailbox_delete(user, argv[i], &code, &error);
		else
			r = mailbox_list_set_subscribed(user, argv[i],
				strcmp(sub, "subscribe") == 0, &code, &error);
		if (r == 0 && subscribe && strcmp(sub, "create") == 0) {
			r = mailbox_list_set_subscribed(user, argv[i], true,
							&code, &error);
		}
		if (r == 0 && subscribe && strcmp(sub, "delete") == 0) {
			r = mailbox_list_set_subscribed(user, argv[i], false,
							&code, &error);
		}
		if (r < 0)
			ret = admin_mailbox_error(argv[i], code, error);
	}
	return ret;
}

static int cmd_mailbox_rename(struct admin_mail *mail ATTR_UNUSED,
			      struct mail_user *user,
			      const struct admin_mailbox_context *mctx)
{
	bool subscribe = mctx->subscribe;
	char **argv = mctx->argv;
	enum mail_error code;
	const char *error;

	if (mailbox_rename(user, argv[0], argv[1], &code, &error) < 0 ||
	    (subscribe &&
	     (mailbox_list_set_subscribed(user, argv[0], false, &code,
					  &error) < 0 ||
	      mailbox_list_set_subscribed(user, argv[1], true, &code,
					  &error) < 0)))
		return admin_mailbox_error(argv[0], code, error);
	return ADMIN_EXIT_OK;
}

static const char *
admin_status_value(const struct mailbox_status *status, unsigned int idx)
{
	const uint32_t values[] = {
		status->messages, status->recent, status->uidnext,
		status->uidvalidity, status->unseen,
	};

	return t_strdup_printf("%u", values[idx]);
}

/* Parses "messages unseen" or "all" into field indexes. Returns the
   count, or 0 after saying which field is unknown. */
static unsigned int admin_status_parse(const char *fields,
				       unsigned int *idx_r)
{
	const char *const *names = t_strsplit_spaces(fields, " ");
	unsigned int count = 0, i;

	for (; *names != NULL; names++) {
		if (strcmp(*names, "all") == 0) {
			for (i = 0; i < N_ELEMENTS(admin_status_fields); i++)
				idx_r[count++] = i;
			continue;
		}
		for (i = 0; i < N_ELEMENTS(admin_status_fields); i++) {
			if (strcmp(*names, admin_status_fields[i]) == 0)
				break;
		}
		if (i == N_ELEMENTS(admin_status_fields) ||
		    count == N_ELEMENTS(admin_status_fields)) {
			fprintf(stderr, "coveadm mailbox status: Unknown or "
				"repeated field '%s' (messages recent uidnext "
				"uidvalidity unseen all)\n", *names);
			return 0;
		}
		idx_r[count++] = i;
	}
	return count;
}

static int cmd_mailbox_status(struct admin_mail *mail, struct mail_user *user,
			      const struct admin_mailbox_context *mctx)
{
	const char *values[N_ELEMENTS(mctx->fields) + 2];
	char **argv = mctx->argv;
	struct mailbox_list_iter *iter;
	const struct mailbox_info *info;
	struct mailbox_status status;
	unsigned int count = mctx->field_count, i;
	const char *error;
	int ret = ADMIN_EXIT_OK, found = 0;

	iter = mailbox_list_iter_init(user, (const char *const *)argv + 1, 0);
	while ((info = mailbox_list_iter_next(iter)) != NULL) {
		if ((info->flags & (MAILBOX_INFO_NOSELECT |
				    MAILBOX_INFO_NONEXISTENT)) != 0)
			continue;
		found++;
		if (mailbox_get_status_by_name(user, info->vname, &status,
					       &error) <= 0) {
			fprintf(stderr, "coveadm mailbox status: %s: %s\n",
				info->vname, error);
			ret = ADMIN_EXIT_TEMPFAIL;
			continue;
		}
		values[0] = info->vname;
		for (i = 0; i < count; i++) {
			values[i + 1] = admin_status_value(&status,
							   mctx->fields[i]);
		}
		values[count + 1] = NULL;
		admin_mail_row(mail, values);
	}
	if (mailbox_list_iter_deinit(&iter, &error) < 0) {
		fprintf(stderr, "coveadm mailbox status: %s\n", error);
		return ADMIN_EXIT_TEMPFAIL;
	}
	if (found == 0 && ret == ADMIN_EXIT_OK) {
		fprintf(stderr, "coveadm mailbox status: No mailbox matches "
			"%s\n", argv[1]);
		return ADMIN_EXIT_NOMAILBOX;
	}
	return ret;
}

static const struct admin_mailbox_cmd admin_mailbox_cmds[] = {
	{ "list", cmd_mailbox_list, 0, false },
	{ "create", cmd_mailbox_each, 1, false },
	{ "delete", cmd_mailbox_each, 1, false },
	{ "rename", cmd_mailbox_rename, 2, true },
	{ "subscribe", cmd_mailbox_each, 1, false },
	{ "unsubscribe", cmd_mailbox_each, 1, false },
	{ "status", cmd_mailbox_status, 2, false },
};

static int admin_mailbox_user(struct admin_mail *mail,
			      struct mail_user *user, void *context)
{
	const struct admin_mailbox_context *mctx = context;

	return mctx->sub->run(mail, user, mctx);
}

static int cmd_mailbox(const struct admin_context *ctx, int argc,
		       char *argv[])
{
	static const char *const list_headers[] = { "mailbox", NULL };
	static const char *const no_headers[] = { NULL };
	const char *status_headers[N_ELEMENTS(admin_status_fields) * 2 + 2];
	const char *const *headers = no_headers;
	struct admin_mailbox_context mctx;
	struct admin_mail_users users;
	unsigned int i;

	i_zero(&mctx);
	for (i = 0; argc > 1 && i < N_ELEMENTS(admin_mailbox_cmds); i++) {
		if (strcmp(admin_mailbox_cmds[i].name, argv[1]) == 0)
			mctx.sub = &admin_mailbox_cmds[i];
	}
	if (mctx.sub == NULL)
		return ADMIN_EXIT_USAGE;
	argc--;
	argv++;
	if (admin_mail_parse_users(&argc, &argv, &users,
				   &mctx.subscribe) < 0 ||
	    argc < mctx.sub->min_args ||
	    (mctx.sub->exact && argc != mctx.sub->min_args))
		return ADMIN_EXIT_USAGE;
	mctx.argc = argc;
	mctx.argv = argv;
	if (mctx.sub->run == cmd_mailbox_list)
		headers = list_headers;
	else if (mctx.sub->run == cmd_mailbox_status) {
		mctx.field_count = admin_status_parse(argv[0], mctx.fields);
		if (mctx.field_count == 0)
			return ADMIN_EXIT_USAGE;
		status_headers[0] = "mailbox";
		for (i = 0; i < mctx.field_count; i++) {
			status_headers[i + 1] =
				admin_status_fields[mctx.fields[i]];
		}
		status_headers[i + 1] = NULL;
		headers = status_headers;
	}
	return admin_mail_run(ctx, &users, headers, admin_mailbox_user,
			      &mctx);
}

const struct admin_cmd admin_cmd_mailbox = {
	.name = "mailbox",
	.usage = "list|create|delete|rename|subscribe|unsubscribe|status "
		"-u USER|-A [-s] ARGS",
	.help = "Mailboxes of USER: list [PATTERN...], create/delete [-s] "
		"NAME..., rename [-s] OLD NEW, subscribe/unsubscribe NAME..., "
		"status FIELDS PATTERN... (fields: messages recent uidnext "
		"uidvalidity unseen all).",
	.run = cmd_mailbox,
};
