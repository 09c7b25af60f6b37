/* Copyright (c) Cove authors. See AUTHORS. */

/* LIST (RFC 3501 6.3.8, LIST-EXTENDED RFC 5258, LIST-STATUS RFC 5819,
   SPECIAL-USE RFC 6154, CHILDREN RFC 3348), LSUB (RFC 3501 6.3.9) and
   NAMESPACE (RFC 2342). */

#include "lib.h"
#include "array.h"
#include "str.h"
#include "imap-quote.h"
#include "imap-utf7.h"
#include "imap-commands.h"
#include "imap-cmd-mailbox.h"
#include "imap-status.h"

#include <strings.h>

enum cmd_list_return {
	CMD_LIST_RETURN_SUBSCRIBED	= 0x01,
	CMD_LIST_RETURN_CHILDREN	= 0x02,
	CMD_LIST_RETURN_SPECIALUSE	= 0x04,
	CMD_LIST_RETURN_STATUS		= 0x08,
};

struct cmd_list_context {
	struct client_command_context *cmd;
	enum mailbox_list_iter_flags select;
	enum cmd_list_return ret;
	enum imap_status_items status_items;
	/* RFC 5258 syntax was used: reply with its flags */
	bool extended;
	bool lsub;
	const char *ref;
	ARRAY_TYPE(const_string) patterns;
};

static bool cmd_list_parse_select(struct cmd_list_context *ctx,
				  const struct imap_arg *list)
{
	const char *opt;

	for (; !imap_arg_is_eol(list); list++) {
		if (!imap_arg_get_atom(list, &opt))
			return false;
		if (strcasecmp(opt, "SUBSCRIBED") == 0)
			ctx->select |= MAILBOX_LIST_ITER_SELECT_SUBSCRIBED;
		else if (strcasecmp(opt, "RECURSIVEMATCH") == 0)
			ctx->select |= MAILBOX_LIST_ITER_SELECT_RECURSIVEMATCH;
		else if (strcasecmp(opt, "SPECIAL-USE") == 0)
			ctx->select |= MAILBOX_LIST_ITER_SELECT_SPECIALUSE;
		else if (strcasecmp(opt, "REMOTE") != 0)
			return false;
	}
	/* RFC 5258 3.1: RECURSIVEMATCH never alone */
	return (ctx->select & MAILBOX_LIST_ITER_SELECT_RECURSIVEMATCH) == 0 ||
		(ctx->select & MAILBOX_LIST_ITER_SELECT_SUBSCRIBED) != 0;
}

static bool cmd_list_parse_return(struct cmd_list_context *ctx,
				  const struct imap_arg *list)
{
	const struct imap_arg *items;
	const char *opt, *error;

	for (; !imap_arg_is_eol(list); list++) {
		if (!imap_arg_get_atom(list, &opt))
			return false;
		if (strcasecmp(opt, "SUBSCRIBED") == 0)
			ctx->ret |= CMD_LIST_RETURN_SUBSCRIBED;
		else if (strcasecmp(opt, "CHILDREN") == 0)
			ctx->ret |= CMD_LIST_RETURN_CHILDREN;
		else if (strcasecmp(opt, "SPECIAL-USE") == 0)
			ctx->ret |= CMD_LIST_RETURN_SPECIALUSE;
		else if (strcasecmp(opt, "STATUS") == 0 &&
			 imap_arg_get_list(list + 1, &items) &&
			 imap_status_parse_items(items, &ctx->status_items,
						 &error)) {
			ctx->ret |= CMD_LIST_RETURN_STATUS;
			list++;
		} else {
			return false;
		}
	}
	return true;
}

/* Reads one pattern (modified UTF-7) and combines it with the
   reference. A pattern that is not valid modified UTF-7 matches nothing
   (as in Dovecot). */
static bool cmd_list_add_pattern(struct cmd_list_context *ctx,
				 const struct imap_arg *arg)
{
	char sep = mailbox_list_get_separator(ctx->cmd->client->worker.user);
	size_t ref_len = strlen(ctx->ref);
	const char *pattern;
	string_t *str;

	if (!imap_arg_get_astring(arg, &pattern)) {
		client_cmd_bad(ctx->cmd, "Invalid arguments.");
		return false;
	}
	str = t_str_new(strlen(pattern) + 16);
	if (imap_utf7_to_utf8(pattern, str) < 0)
		return true;
	pattern = str_c(str);
	if (ref_len > 0 && pattern[0] != '\0') {
		if (ctx->ref[ref_len - 1] == sep && pattern[0] == sep)
			pattern++;
		pattern = t_strconcat(ctx->ref, pattern, NULL);
	}
	array_push_back(&ctx->patterns, &pattern);
	return true;
}

static bool cmd_list_parse(struct cmd_list_context *ctx)
{
	const struct imap_arg *args = ctx->cmd->args, *list;
	const char *opt;

	if (!ctx->lsub && imap_arg_get_list(args, &list)) {
		ctx->extended = true;
		if (!cmd_list_parse_select(ctx, list))
			return false;
		args++;
	}
	if (imap_arg_is_eol(&args[0]) || imap_arg_is_eol(&args[1]))
		return false;
	if (!imap_mailbox_arg_get(ctx->cmd, &args[0], &ctx->ref))
		return true;
	if (!ctx->lsub && imap_arg_get_list(&args[1], &list)) {
		ctx->extended = true;
		for (; !imap_arg_is_eol(list); list++) {
			if (!cmd_list_add_pattern(ctx, list))
				return true;
		}
	} else if (!cmd_list_add_pattern(ctx, &args[1])) {
		return true;
	}
	args += 2;
	if (imap_arg_is_eol(args))
		return true;
	if (ctx->lsub || !imap_arg_get_atom(args, &opt) ||
	    strcasecmp(opt, "RETURN") != 0 ||
	    !imap_arg_get_list(&args[1], &list) ||
	    !imap_arg_is_eol(&args[2]))
		return false;
	ctx->extended = true;
	return cmd_list_parse_return(ctx, list);
}

/* The flags of a LIST reply, each followed by a space. */
static void cmd_list_append_list_flags(struct cmd_list_context *ctx,
				       string_t *str,
				       const struct mailbox_info *info)
{
	bool subscribed_shown = (ctx->ret & CMD_LIST_RETURN_SUBSCRIBED) != 0 ||
		(ctx->select & MAILBOX_LIST_ITER_SELECT_SUBSCRIBED) != 0;
	/* RFC 5258 4: with its syntax, children flags only when asked */
	bool children_shown = !ctx->extended ||
		(ctx->ret & CMD_LIST_RETURN_CHILDREN) != 0;

	if ((info->flags & MAILBOX_INFO_NONEXISTENT) != 0 &&
	    (info->flags & MAILBOX_INFO_CHILDREN) == 0)
		str_append(str, "\\NonExistent ");
	else if ((info->flags & MAILBOX_INFO_NOSELECT) != 0)
		str_append(str, "\\Noselect ");
	else if ((info->flags & MAILBOX_INFO_NOINFERIORS) != 0)
		str_append(str, "\\NoInferiors ");
	if (subscribed_shown && (info->flags & MAILBOX_INFO_SUBSCRIBED) != 0)
		str_append(str, "\\Subscribed ");
	if (children_shown && (info->flags & MAILBOX_INFO_CHILDREN) != 0)
		str_append(str, "\\HasChildren ");
	else if (children_shown &&
		 (info->flags & MAILBOX_INFO_NOCHILDREN) != 0)
		str_append(str, "\\HasNoChildren ");
	if (info->special_use != NULL &&
	    (!ctx->extended || (ctx->ret & CMD_LIST_RETURN_SPECIALUSE) != 0 ||
	     (ctx->select & MAILBOX_LIST_ITER_SELECT_SPECIALUSE) != 0))
		str_printfa(str, "%s ", info->special_use);
}

static void cmd_list_append_flags(struct cmd_list_context *ctx,
				  string_t *str,
				  const struct mailbox_info *info)
{
	size_t start = str_len(str);

	if (!ctx->lsub) {
		cmd_list_append_list_flags(ctx, str, info);
	} else if ((info->flags & MAILBOX_INFO_SUBSCRIBED) == 0 ||
		   (info->flags & (MAILBOX_INFO_NOSELECT |
				   MAILBOX_INFO_NONEXISTENT)) ==
		   MAILBOX_INFO_NOSELECT) {
		/* RFC 3501 6.3.9: a parent listed for its subscribed
		   children is \Noselect */
		str_append(str, "\\Noselect ");
	} else if (info->special_use != NULL) {
		str_printfa(str, "%s ", info->special_use);
	}
	if (str_len(str) > start)
		str_truncate(str, str_len(str) - 1);
}

static void cmd_list_send_info(struct cmd_list_context *ctx,
			       const struct mailbox_info *info, char sep)
{
	struct client *client = ctx->cmd->client;
	string_t *str = t_str_new(128);
	const char *error;

	str_append(str, ctx->lsub ? "* LSUB (" : "* LIST (");
	cmd_list_append_flags(ctx, str, info);
	str_printfa(str, ") \"%c\" ", sep);
	imap_mailbox_append_name(str, info->vname);
	if (!ctx->lsub &&
	    (ctx->select & MAILBOX_LIST_ITER_SELECT_RECURSIVEMATCH) != 0 &&
	    (info->flags & MAILBOX_INFO_CHILD_SUBSCRIBED) != 0)
		str_append(str, " (\"CHILDINFO\" (\"SUBSCRIBED\"))");
	client_send_line(client, str_c(str));

	if ((ctx->ret & CMD_LIST_RETURN_STATUS) == 0 ||
	    (info->flags & (MAILBOX_INFO_NOSELECT |
			    MAILBOX_INFO_NONEXISTENT)) != 0)
		return;
	/* RFC 5819: a mailbox gone meanwhile just has no STATUS */
	if (imap_status_send(client, info->vname, ctx->status_items,
			     &error) < 0)
		i_error("LIST-STATUS: %s", error);
}

static bool cmd_list_full(struct client_command_context *cmd, bool lsub)
{
	struct mail_user *user = cmd->client->worker.user;
	char sep = mailbox_list_get_separator(user);
	struct cmd_list_context ctx = { .cmd = cmd, .lsub = lsub };
	struct mailbox_list_iter *iter;
	const struct mailbox_info *info;
	const char *error, *end = NULL;

	t_array_init(&ctx.patterns, 4);
	if (!cmd_list_parse(&ctx)) {
		client_cmd_bad(cmd, "Invalid arguments.");
		return true;
	}
	if (cmd->reply != NULL)
		return true;
	if (lsub)
		ctx.select = MAILBOX_LIST_ITER_SELECT_SUBSCRIBED |
			MAILBOX_LIST_ITER_SELECT_RECURSIVEMATCH;
	if (!lsub && !ctx.extended && array_count(&ctx.patterns) == 1 &&
	    array_idx_elem(&ctx.patterns, 0)[0] == '\0') {
		/* RFC 3501 6.3.8: the separator and the root */
		client_send_line(cmd->client, t_strdup_printf(
			"* LIST (\\Noselect) \"%c\" \"\"", sep));
		client_cmd_reply(cmd, "OK List completed.");
		return true;
	}
	array_push_back(&ctx.patterns, &end);
	iter = mailbox_list_iter_init(user, array_front(&ctx.patterns),
				      ctx.select);
	while ((info = mailbox_list_iter_next(iter)) != NULL) T_BEGIN {
		cmd_list_send_info(&ctx, info, sep);
	} T_END;
	if (mailbox_list_iter_deinit(&iter, &error) < 0)
		client_cmd_storage_error(cmd, error);
	else
		client_cmd_reply(cmd, lsub ? "OK Lsub completed." :
				 "OK List completed.");
	return true;
}

bool cmd_list(struct client_command_context *cmd)
{
	return cmd_list_full(cmd, false);
}

bool cmd_lsub(struct client_command_context *cmd)
{
	return cmd_list_full(cmd, true);
}

bool cmd_namespace(struct client_command_context *cmd)
{
	struct mail_user *user = cmd->client->worker.user;
	string_t *str = t_str_new(64);

	if (!imap_arg_is_eol(cmd->args)) {
		client_cmd_bad(cmd, "Unexpected arguments.");
		return true;
	}
	str_append(str, "* NAMESPACE ((");
	imap_append_string(str, mailbox_list_get_prefix(user));
	str_printfa(str, " \"%c\")) NIL NIL", mailbox_list_get_separator(user));
	client_send_line(cmd->client, str_c(str));
	client_cmd_reply(cmd, "OK Namespace completed.");
	return true;
}
