/* Copyright (c) Cove authors. See AUTHORS. */

/* The mail commands' users (-u/-A, each in a child process that becomes
   the user) and their search over the user's mailboxes (see
   admin-mail.h). A child sends each output row to the parent as one
   line of tab-escaped values. */

#include "lib.h"
#include "array.h"
#include "str.h"
#include "strfuncs.h"
#include "auth-master.h"
#include "master-interface.h"
#include "master-service.h"
#include "mail-user-login.h"
#include "imap-search-args.h"
#include "imap-search-match.h"
#include "admin-print.h"
#include "admin-search-query.h"
#include "admin-mail.h"

#include <stdarg.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

struct admin_mail {
	const char *username;
	/* the pipe to the parent */
	int fd;
	/* set after a write to the parent failed */
	bool write_failed;
};

int admin_mail_parse_users(int *argc, char ***argv,
			   struct admin_mail_users *users_r, bool *subscribe_r)
{
	bool all = false;
	int c;

	i_zero(users_r);
	optind = 1;
	while ((c = getopt(*argc, *argv,
			   subscribe_r == NULL ? "+Au:" : "+Au:s")) != -1) {
		switch (c) {
		case 'A':
			all = true;
			break;
		case 'u':
			users_r->mask = optarg;
			break;
		case 's':
			*subscribe_r = true;
			break;
		default:
			return -1;
		}
	}
	if (all == (users_r->mask != NULL))
		return -1;
	if (all)
		users_r->mask = "*";
	*argc -= optind;
	*argv += optind;
	return 0;
}

void admin_mail_row(struct admin_mail *mail, const char *const *values)
{
	string_t *line = t_str_new(128);
	const unsigned char *data;
	size_t pos = 0, size;
	ssize_t ret;

	for (unsigned int i = 0; values[i] != NULL; i++) {
		if (i > 0)
			str_append_c(line, '\t');
		str_append(line, str_tabescape(values[i]));
	}
	str_append_c(line, '\n');
	data = str_data(line);
	size = str_len(line);
	while (pos < size && !mail->write_failed) {
		ret = write(mail->fd, data + pos, size - pos);
		if (ret < 0 && errno != EINTR) {
			admin_mail_error(mail, "write() to parent failed: %m");
			mail->write_failed = true;
		}
		if (ret > 0)
			pos += ret;
	}
}

void admin_mail_error(struct admin_mail *mail, const char *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	T_BEGIN {
		fprintf(stderr, "coveadm: %s: %s\n", mail->username,
			t_strdup_vprintf(fmt, args));
	} T_END;
	va_end(args);
}

/* The child: becomes username and runs func. Never returns. */
static void ATTR_NORETURN
admin_mail_child(const struct admin_context *ctx, const char *username,
		 int fd, admin_mail_user_func_t *func, void *context)
{
	struct admin_mail mail = { .username = username, .fd = fd };
	struct mail_user *user;
	const char *error;
	int ret;

	ret = mail_user_login_by_name(ctx->set->base_dir, username, "coveadm",
				      ctx->mail_set, &user, &error);
	if (ret < 0) {
		admin_mail_error(&mail, "%s", error);
		ret = ADMIN_EXIT_TEMPFAIL;
	} else if (ret == 0) {
		admin_mail_error(&mail, "User doesn't exist");
		ret = ADMIN_EXIT_NOUSER;
	} else {
		T_BEGIN {
			ret = func(&mail, user, context);
		} T_END;
		mail_user_deinit(&user);
	}
	if (mail.write_failed && ret == ADMIN_EXIT_OK)
		ret = ADMIN_EXIT_TEMPFAIL;
	_exit(ret);
}

/* Adds the rows that a child sent (prefixed by username if not NULL). */
static void admin_mail_add_rows(struct admin_print *print,
				const char *username, const char *data,
				unsigned int columns)
{
	const char *const *lines = t_strsplit(data, "\n");
	ARRAY_TYPE(const_string) values;

	t_array_init(&values, columns + 1);
	for (; *lines != NULL; lines++) {
		if (**lines == '\0')
			continue;
		array_clear(&values);
		if (username != NULL)
			array_push_back(&values, &username);
		const char *const *fields = t_strsplit_tabescaped(*lines);
		for (; *fields != NULL; fields++)
			array_push_back(&values, fields);
		if (array_count(&values) == columns)
			admin_print_row(print, array_front(&values));
	}
}

/* Runs func as username in a child. Returns an admin_exit_code. */
static int admin_mail_run_user(const struct admin_context *ctx,
			       struct admin_print *print, bool show_user,
			       unsigned int columns, const char *username,
			       admin_mail_user_func_t *func, void *context)
{
	string_t *output = t_str_new(1024);
	char buf[4096];
	ssize_t ret;
	int fds[2], status;
	pid_t pid;

	if (pipe(fds) < 0) {
		fprintf(stderr, "coveadm: pipe() failed: %m\n");
		return ADMIN_EXIT_TEMPFAIL;
	}
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0) {
		fprintf(stderr, "coveadm: fork() failed: %m\n");
		i_close_fd(&fds[0]);
		i_close_fd(&fds[1]);
		return ADMIN_EXIT_TEMPFAIL;
	}
	if (pid == 0) {
		i_close_fd(&fds[0]);
		admin_mail_child(ctx, username, fds[1], func, context);
	}
	i_close_fd(&fds[1]);
	while ((ret = read(fds[0], buf, sizeof(buf))) != 0) {
		if (ret > 0)
			str_append_data(output, buf, ret);
		else if (errno != EINTR)
			break;
	}
	i_close_fd(&fds[0]);
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			fprintf(stderr, "coveadm: waitpid() failed: %m\n");
			return ADMIN_EXIT_TEMPFAIL;
		}
	}
	if (print != NULL) {
		admin_mail_add_rows(print, show_user ? username : NULL,
				    str_c(output), columns);
	}
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	fprintf(stderr, "coveadm: %s: the process was killed by signal %d\n",
		username, WTERMSIG(status));
	return ADMIN_EXIT_TEMPFAIL;
}

static int admin_mail_name_cmp(const void *p1, const void *p2)
{
	const char *const *name1 = p1, *const *name2 = p2;

	return strcmp(*name1, *name2);
}

int admin_mail_run(const struct admin_context *ctx,
		   const struct admin_mail_users *users,
		   const char *const *headers,
		   admin_mail_user_func_t *func, void *context)
{
	bool show_user = strpbrk(users->mask, "*?") != NULL;
	const char *const *names, *error, *socket_path;
	ARRAY_TYPE(const_string) all_headers;
	bool output = headers[0] != NULL;
	const char *end = NULL, **sorted;
	struct admin_print *print;
	unsigned int columns, count;
	pool_t pool;
	int ret = ADMIN_EXIT_OK, user_ret;

	pool = pool_alloconly_create("admin users", 4096);
	if (!show_user) {
		names = p_strarray_dup(pool, (const char *const[]){
			users->mask, NULL });
	} else {
		socket_path = t_strdup_printf("%s/%s", ctx->set->base_dir,
					      MASTER_AUTH_MASTER_SOCKET);
		if (auth_master_user_list(socket_path, users->mask, pool,
					  &names, &error) < 0) {
			fprintf(stderr, "coveadm: Listing users failed: %s\n",
				error);
			pool_unref(&pool);
			return ADMIN_EXIT_TEMPFAIL;
		}
	}
	/* the userdb's order may change: sort them */
	count = str_array_length(names);
	sorted = p_new(pool, const char *, count + 1);
	memcpy(sorted, names, count * sizeof(*names));
	qsort(sorted, count, sizeof(*sorted), admin_mail_name_cmp);
	t_array_init(&all_headers, 8);
	if (show_user) {
		const char *name = "username";

		array_push_back(&all_headers, &name);
	}
	for (; *headers != NULL; headers++)
		array_push_back(&all_headers, headers);
	columns = array_count(&all_headers);
	array_push_back(&all_headers, &end);
	/* commands without output print nothing, not even headers */
	print = !output ? NULL :
		admin_print_init(ctx->format, array_front(&all_headers));
	for (; *sorted != NULL; sorted++) T_BEGIN {
		user_ret = admin_mail_run_user(ctx, print, show_user, columns,
					       *sorted, func, context);
		if (ret == ADMIN_EXIT_OK)
			ret = user_ret;
	} T_END;
	if (print != NULL)
		admin_print_deinit(&print);
	pool_unref(&pool);
	return ret;
}

int admin_mail_query_parse(pool_t pool, const char *const *words,
			   struct admin_search_query *query_r)
{
	const char *error;

	if (admin_search_query_parse(pool, words, time(NULL), query_r,
				     &error) < 0) {
		fprintf(stderr, "coveadm: Invalid search query: %s\n", error);
		return -1;
	}
	return 0;
}

/* Searches one mailbox. Returns an admin_exit_code. */
static int admin_mail_search_box(struct admin_mail *mail,
				 struct mail_user *user, const char *vname,
				 const struct admin_search_query *query,
				 enum mailbox_flags flags,
				 admin_mail_box_func_t *func, void *context)
{
	struct imap_search_match *match = NULL;
	struct imap_search_arg *root;
	struct mailbox *box;
	const char *error;
	unsigned int cost;
	uint32_t count, seq;
	bool *matched, any = false;
	pool_t pool;
	int ret;

	ret = mailbox_open(user, vname, flags, &box, &error);
	if (ret <= 0) {
		if (ret == 0)
			return ADMIN_EXIT_OK;
		admin_mail_error(mail, "%s: %s", vname, error);
		return ADMIN_EXIT_TEMPFAIL;
	}
	count = mailbox_get_count(box);
	pool = pool_alloconly_create("admin search", 4096);
	matched = p_new(pool, bool, count + 1);
	if (admin_search_query_keys(pool, query, count, count == 0 ? 0 :
				    mailbox_get_record(box, count)->uid,
				    &root, &error) < 0) {
		admin_mail_error(mail, "%s: %s", vname, error);
		ret = ADMIN_EXIT_DATAERR;
	} else {
		ret = ADMIN_EXIT_OK;
		match = imap_search_match_init(pool, box, root, NULL);
	}
	for (seq = 1; seq <= count && ret == ADMIN_EXIT_OK; seq++) T_BEGIN {
		int r = imap_search_match_message(match, seq, &cost, &error);

		if (r < 0) {
			admin_mail_error(mail, "%s: Reading message %u "
					 "failed: %s", vname, seq, error);
			ret = ADMIN_EXIT_TEMPFAIL;
		}
		matched[seq - 1] = r > 0;
		any = any || r > 0;
	} T_END;
	if (ret == ADMIN_EXIT_OK && any)
		ret = func(mail, box, matched, context);
	pool_unref(&pool);
	mailbox_close(&box);
	return ret;
}

int admin_mail_list(struct admin_mail *mail, struct mail_user *user,
		    const char *pattern, ARRAY_TYPE(const_string) *vnames)
{
	const char *patterns[] = { pattern == NULL ? "*" : pattern, NULL };
	struct mailbox_list_iter *iter;
	const struct mailbox_info *info;
	const char *error, *vname;

	iter = mailbox_list_iter_init(user, patterns, 0);
	while ((info = mailbox_list_iter_next(iter)) != NULL) {
		if ((info->flags & (MAILBOX_INFO_NOSELECT |
				    MAILBOX_INFO_NONEXISTENT)) != 0)
			continue;
		vname = t_strdup(info->vname);
		array_push_back(vnames, &vname);
	}
	if (mailbox_list_iter_deinit(&iter, &error) < 0) {
		admin_mail_error(mail, "Listing mailboxes failed: %s", error);
		return ADMIN_EXIT_TEMPFAIL;
	}
	if (array_count(vnames) == 0 && pattern != NULL) {
		admin_mail_error(mail, "Mailbox %s doesn't exist", pattern);
		return ADMIN_EXIT_NOMAILBOX;
	}
	return ADMIN_EXIT_OK;
}

int admin_mail_search(struct admin_mail *mail, struct mail_user *user,
		      const struct admin_search_query *query,
		      enum mailbox_flags flags, admin_mail_box_func_t *func,
		      void *context)
{
	ARRAY_TYPE(const_string) vnames;
	int ret, box_ret;

	/* list first: the commands may create mailboxes */
	t_array_init(&vnames, 16);
	ret = admin_mail_list(mail, user, query->mailbox, &vnames);
	if (ret != ADMIN_EXIT_OK)
		return ret;
	array_foreach(&vnames, vnamep) {
		T_BEGIN {
			box_ret = admin_mail_search_box(mail, user, *vnamep,
							query, flags, func,
							context);
		} T_END;
		if (ret == ADMIN_EXIT_OK)
			ret = box_ret;
	}
	return ret;
}
