/* Copyright (c) Cove authors. See AUTHORS. */

/* LMTP commands. Each appends exactly one reply, so that pipelined
   commands are answered in order; the per-recipient replies of DATA and
   of the LAST BDAT chunk come from lmtp-local.c when the message has been
   read. */

#include "lib.h"
#include "str.h"
#include "smtp-command.h"
#include "smtp-command-parser.h"
#include "auth-master.h"
#include "lmtp-settings.h"
#include "lmtp-client.h"
#include "lmtp-commands.h"

struct lmtp_command {
	const char *name;
	void (*func)(struct client *client, const char *args);
};

static void cmd_lhlo(struct client *client, const char *args)
{
	string_t *size = t_str_new(32);

	if (args[0] == '\0') {
		client_send_line(client, "501 5.5.4 Missing hostname");
		return;
	}
	client_transaction_reset(client);
	i_free(client->lhlo_domain);
	client->lhlo_domain = i_strndup(args, strcspn(args, " "));
	str_append(size, "SIZE");
	if (client->set->lmtp_max_message_size != 0) {
		str_printfa(size, " %llu", (unsigned long long)
			    client->set->lmtp_max_message_size);
	}
	const char *lines[] = {
		client->hostname, "8BITMIME", "CHUNKING",
		"ENHANCEDSTATUSCODES", "PIPELINING", str_c(size), "SMTPUTF8",
		NULL
	};
	client_send_reply_lines(client, 250, lines);
}

static void cmd_send_arg_error(struct client *client,
			       enum smtp_command_arg_error error_code,
			       const char *bad_address_prefix,
			       const char *error)
{
	switch (error_code) {
	case SMTP_COMMAND_ARG_ERROR_BAD_SYNTAX:
		client_send_line(client, "501 5.5.4 %s", error);
		break;
	case SMTP_COMMAND_ARG_ERROR_BAD_ADDRESS:
		client_send_line(client, "%s: %s", bad_address_prefix, error);
		break;
	case SMTP_COMMAND_ARG_ERROR_UNSUPPORTED:
		client_send_line(client, "555 5.5.4 %s", error);
		break;
	}
}

static void cmd_mail(struct client *client, const char *args)
{
	struct lmtp_transaction *trans;
	struct smtp_mail_args mail;
	enum smtp_command_arg_error error_code;
	const char *error;

	if (client->trans != NULL) {
		client_send_line(client, "503 5.5.1 MAIL already given");
		return;
	}
	trans = client_transaction_begin(client);
	if (smtp_command_parse_mail(trans->pool, args,
				    SMTP_ADDRESS_PARSE_FLAG_ALLOW_LOCALPART,
				    &mail, &error_code, &error) < 0) {
		cmd_send_arg_error(client, error_code,
				   "501 5.1.7 Invalid sender address", error);
		client_transaction_reset(client);
		return;
	}
	if (client->set->lmtp_max_message_size != 0 &&
	    mail.size > client->set->lmtp_max_message_size) {
		client_send_line(client, "552 5.3.4 Message too big");
		client_transaction_reset(client);
		return;
	}
	trans->mail_from = mail.from;
	trans->smtputf8 = mail.smtputf8;
	client_send_line(client, "250 2.1.0 OK");
}

/* Looks up the recipient in the userdb. */
static void cmd_rcpt_lookup(struct client *client, struct lmtp_recipient *rcpt,
			    const struct smtp_address *base)
{
	const char *error;
	int ret;

	ret = auth_master_user_lookup(client->auth_socket_path,
				      smtp_address_encode(base), "lmtp",
				      client->trans->pool, &rcpt->user,
				      &error);
	if (ret < 0) {
		i_error("<%s>: userdb lookup for %s failed: %s",
			client->session_id, rcpt->address_str, error);
		client_send_line(client,
				 "451 4.3.0 <%s> Temporary internal error",
				 rcpt->address_str);
	} else if (ret == 0) {
		client_send_line(client,
				 "550 5.1.1 <%s> User doesn't exist: %s",
				 rcpt->address_str, rcpt->address_str);
	} else {
		array_push_back(&client->trans->rcpts, &rcpt);
		client_send_line(client, "250 2.1.5 OK");
	}
}

static void cmd_rcpt(struct client *client, const char *args)
{
	struct lmtp_transaction *trans = client->trans;
	struct smtp_rcpt_args rcpt_args;
	struct smtp_address *base;
	struct lmtp_recipient *rcpt;
	enum smtp_address_parse_flags flags =
		SMTP_ADDRESS_PARSE_FLAG_ALLOW_LOCALPART;
	enum smtp_command_arg_error error_code;
	const char *error;

	if (trans == NULL) {
		client_send_line(client, "503 5.5.1 MAIL needed first");
		return;
	}
	if (array_count(&trans->rcpts) >= client->set->lmtp_max_recipients) {
		client_send_line(client, "452 4.5.3 Too many recipients");
		return;
	}
	if (trans->smtputf8)
		flags |= SMTP_ADDRESS_PARSE_FLAG_ALLOW_UTF8;
	if (smtp_command_parse_rcpt(trans->pool, args, flags,
				    &rcpt_args, &error_code, &error) < 0) {
		cmd_send_arg_error(client, error_code,
				   "501 5.1.3 Invalid recipient address",
				   error);
		return;
	}
	rcpt = p_new(trans->pool, struct lmtp_recipient, 1);
	rcpt->address_str = p_strdup(trans->pool,
				     smtp_address_encode(rcpt_args.to));
	smtp_address_split_detail(trans->pool, rcpt_args.to,
				  client->set->recipient_delimiter,
				  &base, &rcpt->detail);
	cmd_rcpt_lookup(client, rcpt, base);
}

/* Checks that message data may follow (DATA or BDAT). Returns true, or
   sends a 503 and returns false. */
static bool cmd_data_check(struct client *client)
{
	if (client->trans == NULL) {
		client_send_line(client, "503 5.5.1 MAIL needed first");
		return false;
	}
	if (array_count(&client->trans->rcpts) == 0) {
		client_send_line(client, "503 5.5.1 No valid recipients");
		return false;
	}
	return true;
}

static void cmd_data(struct client *client, const char *args ATTR_UNUSED)
{
	if (!cmd_data_check(client))
		return;
	if (client->trans->bdat_started) {
		client_send_line(client,
				 "503 5.5.1 DATA not allowed after BDAT");
		return;
	}
	client_send_line(client, "354 OK");
	client_data_begin(client);
}

/* BDAT <size> [LAST] (RFC 3030). The chunk follows the command at once,
   so even a rejected chunk is read (and dropped) to stay in sync. */
static void cmd_bdat(struct client *client, const char *args)
{
	uoff_t size;
	bool last;
	const char *error;

	if (smtp_command_parse_bdat(args, &size, &last, &error) < 0) {
		client_send_line(client, "501 5.5.4 %s", error);
		return;
	}
	if (!cmd_data_check(client)) {
		client_bdat_begin(client, size, last, true);
		return;
	}
	client->trans->bdat_started = true;
	client_bdat_begin(client, size, last, false);
}

static void cmd_rset(struct client *client, const char *args ATTR_UNUSED)
{
	client_transaction_reset(client);
	client_send_line(client, "250 2.0.0 OK");
}

static void cmd_noop(struct client *client, const char *args ATTR_UNUSED)
{
	client_send_line(client, "250 2.0.0 OK");
}

static void cmd_vrfy(struct client *client, const char *args ATTR_UNUSED)
{
	client_send_line(client, "252 2.3.3 Try RCPT instead");
}

static void cmd_quit(struct client *client, const char *args ATTR_UNUSED)
{
	client_send_line(client, "221 2.0.0 Bye");
	client->quit = true;
}

static const struct lmtp_command lmtp_commands[] = {
	{ "LHLO", cmd_lhlo },
	{ "MAIL", cmd_mail },
	{ "RCPT", cmd_rcpt },
	{ "DATA", cmd_data },
	{ "BDAT", cmd_bdat },
	{ "RSET", cmd_rset },
	{ "NOOP", cmd_noop },
	{ "VRFY", cmd_vrfy },
	{ "QUIT", cmd_quit },
};

bool lmtp_command_execute(struct client *client,
			  const struct smtp_command *cmd)
{
	for (unsigned int i = 0; i < N_ELEMENTS(lmtp_commands); i++) {
		if (strcmp(lmtp_commands[i].name, cmd->name) == 0) {
			lmtp_commands[i].func(client, cmd->args);
			return true;
		}
	}
	client_send_line(client, "500 5.5.2 Unknown command");
	return false;
}
