/* Copyright (c) Cove authors. See AUTHORS. */

/* coveadm mailbox list|create|delete|rename|subscribe|unsubscribe|status
   -u USER, with doveadm's arguments. The command becomes the user (as a
   worker does) and works through the same mailbox API as IMAP, so it is
   safe beside running sessions and deliveries. */

#include "lib.h"
#include "master-service-settings.h"
#include "mail-storage.h"
#include "mail-user-login.h"
#include "admin-cmd.h"

#include <stdio.h>
#include <unistd.h>

struct admin_mailbox_cmd {
	const char *name;
	/* argv holds the arguments after the options; -s sets subscribe. */
	int (*run)(const struct admin_context *ctx,
		   const struct admin_mailbox_cmd *cmd, struct mail_user *user,
		   bool subscribe, int argc, char *argv[]);
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

static int cmd_mailbox_list(const struct admin_context *ctx,
			    const struct admin_mailbox_cmd *cmd ATTR_UNUSED,
			    struct mail_user *user, bool subscribed,
			    int argc, char *argv[])
{
	static const char *const headers[] = { "mailbox", NULL };
	static const char *const all[] = { "*", NULL };
	const char *const *patterns = argc > 0 ?
		(const char *const *)argv : all;
	struct mailbox_list_iter *iter;
	const struct mailbox_info *info;
	struct admin_print *print;
	const char *error;

	print = admin_print_init(ctx->format, headers);
	iter = mailbox_list_iter_init(user, patterns, subscribed ?
				      MAILBOX_LIST_ITER_SELECT_SUBSCRIBED : 0);
	while ((info = mailbox_list_iter_next(iter)) != NULL) {
		if ((info->flags & MAILBOX_INFO_NONEXISTENT) == 0 ||
		    subscribed)
			admin_print_row(print, &info->vname);
	}
	admin_print_deinit(&print);
	if (mailbox_list_iter_deinit(&iter, &error) < 0) {
		fprintf(stderr, "coveadm mailbox list: %s\n", error);
		return ADMIN_EXIT_TEMPFAIL;
	}
	return ADMIN_EXIT_OK;
}

/* create, delete, subscribe, unsubscribe: one operation per name. */
static int cmd_mailbox_each(const struct admin_context *ctx ATTR_UNUSED,
			    const struct admin_mailbox_cmd *cmd,
			    struct mail_user *user, bool subscribe,
			    int argc, char *argv[])
{
	const char *sub = cmd->name, *error;
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

static int cmd_mailbox_rename(const struct admin_context *ctx ATTR_UNUSED,
			      const struct admin_mailbox_cmd *cmd ATTR_UNUSED,
			      struct mail_user *user, bool subscribe,
			      int argc ATTR_UNUSED, char *argv[])
{
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

/* STATUS items as doveadm names them. */
static const char *const admin_status_fields[] = {
	"messages", "recent", "uidnext", "uidvalidity", "unseen",
};

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

static int cmd_mailbox_status(const struct admin_context *ctx,
			      const struct admin_mailbox_cmd *cmd ATTR_UNUSED,
			      struct mail_user *user,
			      bool subscribe ATTR_UNUSED,
			      int argc, char *argv[])
{
	unsigned int idx[N_ELEMENTS(admin_status_fields) * 2];
	const char *headers[N_ELEMENTS(idx) + 2], *values[N_ELEMENTS(idx) + 2];
	struct mailbox_list_iter *iter;
	const struct mailbox_info *info;
	struct mailbox_status status;
	struct admin_print *print;
	unsigned int count, i;
	const char *error;
	int ret = ADMIN_EXIT_OK, found = 0;

	count = admin_status_parse(argv[0], idx);
	if (count == 0)
		return ADMIN_EXIT_USAGE;
	headers[0] = "mailbox";
	for (i = 0; i < count; i++)
		headers[i + 1] = admin_status_fields[idx[i]];
	headers[count + 1] = NULL;

	print = admin_print_init(ctx->format, headers);
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
		for (i = 0; i < count; i++)
			values[i + 1] = admin_status_value(&status, idx[i]);
		admin_print_row(print, values);
	}
	admin_print_deinit(&print);
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

static int cmd_mailbox(const struct admin_context *ctx, int argc,
		       char *argv[])
{
	const struct admin_mailbox_cmd *sub = NULL;
	const char *username = NULL, *error;
	struct mail_user *user;
	bool subscribe = false;
	int c, ret;

	for (unsigned int i = 0; argc > 1 && i < N_ELEMENTS(admin_mailbox_cmds);
	     i++) {
		if (strcmp(admin_mailbox_cmds[i].name, argv[1]) == 0)
			sub = &admin_mailbox_cmds[i];
	}
	if (sub == NULL)
		return ADMIN_EXIT_USAGE;
	argc--;
	argv++;
	optind = 1;
	while ((c = getopt(argc, argv, "+u:s")) != -1) {
		switch (c) {
		case 'u':
			username = optarg;
			break;
		case 's':
			subscribe = true;
			break;
		default:
			return ADMIN_EXIT_USAGE;
		}
	}
	argc -= optind;
	argv += optind;
	if (username == NULL || argc < sub->min_args ||
	    (sub->exact && argc != sub->min_args))
		return ADMIN_EXIT_USAGE;

	ret = mail_user_login_by_name(ctx->set->base_dir, username, "coveadm",
				      ctx->mail_set, &user, &error);
	if (ret < 0) {
		fprintf(stderr, "coveadm mailbox: %s\n", error);
		return ADMIN_EXIT_TEMPFAIL;
	}
	if (ret == 0) {
		fprintf(stderr, "coveadm mailbox: User %s doesn't exist\n",
			username);
		return ADMIN_EXIT_NOUSER;
	}
	ret = sub->run(ctx, sub, user, subscribe, argc, argv);
	mail_user_deinit(&user);
	return ret;
}

const struct admin_cmd admin_cmd_mailbox = {
	.name = "mailbox",
	.usage = "list|create|delete|rename|subscribe|unsubscribe|status "
		"-u USER [-s] ARGS",
	.help = "Mailboxes of USER: list [PATTERN...], create/delete [-s] "
		"NAME..., rename [-s] OLD NEW, subscribe/unsubscribe NAME..., "
		"status FIELDS PATTERN... (fields: messages recent uidnext "
		"uidvalidity unseen all).",
	.run = cmd_mailbox,
};
