/* Copyright (c) Cove authors. See AUTHORS. */

/* cove-deliver: the local delivery agent for an MTA's pipe (Postfix's
   mailbox_command or a pipe transport), like dovecot-lda. Reads one
   message on stdin and delivers it to one user; the exit code is from
   sysexits.h so that the MTA bounces, defers or is done. */

#include "lib.h"
#include "ioloop.h"
#include "master-service.h"
#include "master-service-settings.h"
#include "master-interface.h"
#include "auth-master.h"
#include "smtp-spool.h"
#include "mail-storage-settings.h"
#include "mail-deliver.h"
#include "deliver-settings.h"

#include <pwd.h>
#include <strings.h>
#include <sysexits.h>
#include <unistd.h>

/* Messages up to this size are spooled in memory, larger ones to a file
   in mail_temp_dir. */
#define DELIVER_SPOOL_MAX_MEMORY (1024 * 1024)
#define DELIVER_READ_BLOCK_SIZE (64 * 1024)
#define DELIVER_DEFAULT_SENDER "MAILER-DAEMON"

struct deliver_args {
	const char *user, *mailbox, *sender, *address;
};

static void ATTR_NORETURN deliver_usage(void)
{
	fprintf(stderr, "Usage: cove-deliver [-d USER] [-m MAILBOX] "
		"[-f SENDER] [-a ADDRESS] [-c CONFIG]\n");
	exit(EX_USAGE);
}

static void deliver_parse_args(int argc, char *argv[],
			       struct deliver_args *args_r)
{
	int c;

	while ((c = getopt(argc, argv, "d:m:f:a:")) != -1) {
		switch (c) {
		case 'd':
			args_r->user = optarg;
			break;
		case 'm':
			args_r->mailbox = optarg;
			break;
		case 'f':
			args_r->sender = optarg;
			break;
		case 'a':
			args_r->address = optarg;
			break;
		default:
			deliver_usage();
		}
	}
	if (optind != argc)
		deliver_usage();
	if (args_r->user == NULL) {
		/* as Postfix's mailbox_command: we run as the recipient */
		const struct passwd *pw = getpwuid(getuid());

		if (pw == NULL || getuid() == 0) {
			fprintf(stderr, "cove-deliver: -d USER is needed when "
				"not running as the recipient's own uid\n");
			exit(EX_USAGE);
		}
		args_r->user = t_strdup(pw->pw_name);
	}
	if (args_r->user[0] == '\0')
		deliver_usage();
}

/* "<addr>" -> "addr": MTAs pass the null sender as "" or "<>". */
static const char *deliver_strip_brackets(const char *address)
{
	size_t len = strlen(address);

	if (len >= 2 && address[0] == '<' && address[len - 1] == '>')
		return t_strndup(address + 1, len - 2);
	return address;
}

/* How much of the start of the input to drop: a leading mbox "From "
   line, then the Return-Path lines an MTA prepended (Postfix's local and
   pipe with flag R), which ours replaces. Only complete lines within the
   first block are dropped. */
static size_t deliver_skip_envelope(const unsigned char *data, size_t size)
{
	static const char return_path[] = "Return-Path:";
	const unsigned char *lf;
	size_t pos = 0;

	if (size >= 5 && memcmp(data, "From ", 5) == 0) {
		lf = memchr(data, '\n', size);
		if (lf != NULL)
			pos = lf + 1 - data;
	}
	while (size - pos >= sizeof(return_path) - 1 &&
	       strncasecmp((const char *)data + pos, return_path,
			   sizeof(return_path) - 1) == 0) {
		lf = memchr(data + pos, '\n', size - pos);
		if (lf == NULL)
			break;
		pos = lf + 1 - data;
	}
	return pos;
}

/* Reads fd into spool, without what deliver_skip_envelope() drops.
   Returns 1, 0 if the message is larger than max_size (0: unlimited), or
   -1 with error_r. */
static int deliver_read_input(int fd, struct smtp_spool *spool,
			      uoff_t max_size, const char **error_r)
{
	unsigned char buf[DELIVER_READ_BLOCK_SIZE];
	bool first_block = true;
	size_t pos = 0, skip;
	ssize_t ret;

	for (;;) {
		ret = read(fd, buf + pos, sizeof(buf) - pos);
		if (ret < 0) {
			if (errno == EINTR)
				continue;
			*error_r = t_strdup_printf("read(stdin) failed: %m");
			return -1;
		}
		pos += ret;
		/* append whole blocks */
		if (ret > 0 && pos < sizeof(buf))
			continue;
		skip = first_block ? deliver_skip_envelope(buf, pos) : 0;
		first_block = false;
		if (pos > skip &&
		    smtp_spool_append(spool, buf + skip, pos - skip,
				      error_r) < 0)
			return -1;
		pos = 0;
		if (max_size != 0 && smtp_spool_get_size(spool) > max_size)
			return 0;
		if (ret == 0)
			return 1;
	}
}

/* "user U, mailbox M" for the error lines (the MTA shows them). */
static const char *deliver_target(const struct deliver_args *args)
{
	return t_strdup_printf("user %s, mailbox %s", args->user,
			       args->mailbox != NULL ? args->mailbox :
			       "INBOX");
}

/* Reads stdin into spool. Returns EX_OK, or the exit code after logging
   why not. */
static int deliver_spool_input(const struct deliver_args *args,
			       const struct deliver_settings *set,
			       struct smtp_spool *spool)
{
	const char *error;
	int ret;

	ret = deliver_read_input(STDIN_FILENO, spool,
				 set->lmtp_max_message_size, &error);
	if (ret < 0) {
		i_error("Failed to read the message for %s: %s",
			deliver_target(args), error);
		return EX_TEMPFAIL;
	}
	if (ret == 0) {
		i_error("Message for %s is larger than lmtp_max_message_size "
			"(%llu bytes): not delivered", deliver_target(args),
			(unsigned long long)set->lmtp_max_message_size);
		return EX_DATAERR;
	}
	if (smtp_spool_get_size(spool) == 0) {
		i_error("Empty message for %s: not delivered",
			deliver_target(args));
		return EX_DATAERR;
	}
	return EX_OK;
}

/* Looks the user up and delivers the spooled message. Returns the exit
   code. */
static int deliver_to_user(const struct deliver_args *args,
			   struct mail_deliver_context *ctx,
			   const char *auth_socket_path)
{
	struct auth_user_reply user;
	const char *mailbox, *error;
	pool_t pool;
	int ret;

	pool = pool_alloconly_create("userdb reply", 1024);
	ret = auth_master_user_lookup(auth_socket_path, args->user, "lda",
				      pool, &user, &error);
	if (ret < 0) {
		i_error("Userdb lookup failed for %s: %s",
			deliver_target(args), error);
		ret = EX_TEMPFAIL;
	} else if (ret == 0) {
		i_error("Unknown user %s (mailbox %s): not delivered",
			args->user, args->mailbox != NULL ? args->mailbox :
			"INBOX");
		ret = EX_NOUSER;
	} else {
		ctx->rcpt_to = args->address != NULL ? args->address :
			user.username;
		/* one Delivered-To per address: Postfix adds its own */
		if (mail_deliver_has_delivered_to(ctx->spool, ctx->rcpt_to))
			ctx->rcpt_to = NULL;
		ret = mail_deliver(ctx, &user, &mailbox, &error) < 0 ?
			EX_TEMPFAIL : EX_OK;
	}
	pool_unref(&pool);
	return ret;
}

/* Reads the message and delivers it. Returns the exit code. */
static int deliver_run(const struct deliver_args *args,
		       const struct deliver_settings *set,
		       const struct mail_storage_settings *mail_set,
		       const char *auth_socket_path)
{
	struct mail_deliver_context ctx = {
		.mail_set = mail_set,
		.log_prefix = "",
		.mailbox = args->mailbox,
		.mailbox_autocreate = set->lda_mailbox_autocreate,
	};
	int ret;

	ctx.spool = smtp_spool_create(mail_set->mail_temp_dir,
				      DELIVER_SPOOL_MAX_MEMORY);
	ret = deliver_spool_input(args, set, ctx.spool);
	if (ret == EX_OK) {
		/* the received date: now, not when we started reading */
		io_loop_time_refresh();
		ctx.msgid = mail_deliver_get_msgid(ctx.spool);
		ctx.sender = deliver_strip_brackets(
			args->sender != NULL ? args->sender :
			DELIVER_DEFAULT_SENDER);
		ret = deliver_to_user(args, &ctx, auth_socket_path);
	}
	smtp_spool_destroy(&ctx.spool);
	return ret;
}

int main(int argc, char *argv[])
{
	static const struct setting_parser_info *set_roots[] = {
		&deliver_setting_parser_info,
		&mail_storage_setting_parser_info,
		NULL
	};
	const struct master_service_settings *common_set;
	struct deliver_args args = { .user = NULL };
	const char *config_error;
	int ret;

	master_service = master_service_init(
		"lda", MASTER_SERVICE_FLAG_STANDALONE |
		MASTER_SERVICE_FLAG_TOLERATE_CONFIG_ERRORS,
		&argc, &argv, set_roots);
	deliver_parse_args(argc, argv, &args);
	config_error = master_service_get_config_error(master_service);
	if (config_error != NULL) {
		/* the MTA keeps the mail queued until the config is fixed */
		i_error("Not delivering to user %s: invalid configuration "
			"in %s: %s", args.user,
			master_service_get_config_path(master_service),
			config_error);
		master_service_deinit(&master_service);
		return EX_TEMPFAIL;
	}
	common_set = master_service_get_common_settings(master_service);
	T_BEGIN {
		ret = deliver_run(&args,
			master_service_get_settings(master_service,
				&deliver_setting_parser_info),
			master_service_get_settings(master_service,
				&mail_storage_setting_parser_info),
			t_strconcat(common_set->base_dir, "/",
				    MASTER_AUTH_USERDB_SOCKET, NULL));
	} T_END;
	master_service_deinit(&master_service);
	return ret;
}
