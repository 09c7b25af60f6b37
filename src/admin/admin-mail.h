/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef ADMIN_MAIL_H
#define ADMIN_MAIL_H

/* What coveadm's mail commands share: "-u USER" or "-A" (every user the
   userdb lists), running the command as each user, and running a search
   query over the user's mailboxes.

   Each user's part runs in a child process, which becomes the user (as a
   worker does: mail_user_login_by_name() drops to the user's uid for
   good) and sends its output rows to the parent through a pipe; the
   parent prints them all in the -f format, with a "username" column
   first under -A, and exits with the first failing child's code. */

#include "array.h"
#include "mail-storage.h"
#include "admin-cmd.h"

struct admin_mail;
struct admin_search_query;

struct admin_mail_users {
	/* -u USER (a name, or a mask with * and ?), or NULL for -A */
	const char *mask;
};

/* Runs as one user: returns an admin_exit_code. */
typedef int admin_mail_user_func_t(struct admin_mail *mail,
				   struct mail_user *user, void *context);
/* For admin_mail_search(): called for each mailbox with a match;
   matched[seq - 1] is true for each matching message. Returns an
   admin_exit_code. */
typedef int admin_mail_box_func_t(struct admin_mail *mail,
				  struct mailbox *box, const bool *matched,
				  void *context);

/* Parses "-u USER" or "-A" after the command's words (argv[0] is the
   command or subcommand name) and moves *argc and *argv past them, so
   that (*argv)[0] is the first argument. With subscribe_r, "-s" is
   accepted too and sets it (mailbox). Returns 0, or -1 for a usage
   error. */
int admin_mail_parse_users(int *argc, char ***argv,
			   struct admin_mail_users *users_r, bool *subscribe_r);
/* Runs func as each user; headers (NULL-terminated; none: the command
   prints nothing) name the columns of the rows that func prints with
   admin_mail_row(). Returns an admin_exit_code. */
int admin_mail_run(const struct admin_context *ctx,
		   const struct admin_mail_users *users,
		   const char *const *headers,
		   admin_mail_user_func_t *func, void *context);
/* Prints a row: one value per header given to admin_mail_run(). */
void admin_mail_row(struct admin_mail *mail, const char *const *values);
/* Prints "coveadm: USER: message" to stderr. */
void admin_mail_error(struct admin_mail *mail, const char *fmt, ...)
	ATTR_FORMAT(2, 3);

/* Parses the query words (NULL-terminated). Returns 0, or -1 after
   printing the error. */
int admin_mail_query_parse(pool_t pool, const char *const *words,
			   struct admin_search_query *query_r);
/* Appends the names of the user's selectable mailboxes that match
   pattern (NULL: all) to vnames (temporary frame). Returns an
   admin_exit_code (ADMIN_EXIT_NOMAILBOX if pattern matches none). */
int admin_mail_list(struct admin_mail *mail, struct mail_user *user,
		    const char *pattern, ARRAY_TYPE(const_string) *vnames);
/* Runs query over the user's mailboxes (those of its "mailbox" key, else
   all), each opened with flags and synced, calling func for each mailbox
   with a match. Returns an admin_exit_code (ADMIN_EXIT_NOMAILBOX if the
   query names a mailbox that does not exist). */
int admin_mail_search(struct admin_mail *mail, struct mail_user *user,
		      const struct admin_search_query *query,
		      enum mailbox_flags flags, admin_mail_box_func_t *func,
		      void *context);

#endif
