/* Copyright (c) Cove authors. See AUTHORS. */

/* SMTP commands after authentication (RFC 5321 4.1.1, RFC 6409): EHLO,
   HELO, MAIL, RCPT, DATA, BDAT (RFC 3030), RSET, NOOP, QUIT. MAIL opens
   a connection to submission_relay_host and the envelope commands are
   passed on one at a time, the relay's replies going back to the client
   unchanged. The message after DATA (or the BDAT chunks) is read whole,
   bounded by submission_max_mail_size, before the relay sees DATA, so a
   message over the limit or a client that disconnects never reaches it.
   Only the relay's transport failures are answered by Cove itself:
   451 4.4.0. */

#include "lib.h"
#include "str.h"
#include "buffer.h"
#include "mail-storage.h"
#include "smtp-address.h"
#include "smtp-client.h"
#include "smtp-command.h"
#include "smtp-reply.h"
#include "submission-settings.h"
#include "submission-client.h"
#include "submission-commands.h"

#include <strings.h>

struct submission_command {
	const char *name;
	/* Returns 0, or -1 for a bad command. */
	int (*func)(struct client *client, const char *args);
};

/* The relay failed: log it, end the transaction, tell the client to try
   again later. */
static void submission_relay_failed(struct client *client, const char *error)
{
	i_error("Relay %s:%u: %s", client->set->submission_relay_host,
		client->set->submission_relay_port, error);
	submission_client_reset(client);
	submission_client_reply(client, 451, "4.4.0",
				"Remote server not answering");
}

/* EHLO to the relay, or HELO if it refuses that. Returns 0, or -1 with
   error_r. */
static int submission_relay_ehlo(struct client *client, const char **error_r)
{
	struct smtp_client_reply reply;
	const char *hostname = submission_client_hostname();

	if (smtp_client_command(client->relay,
				t_strconcat("EHLO ", hostname, NULL),
				&reply, error_r) < 0)
		return -1;
	if (reply.code != 250 &&
	    smtp_client_command(client->relay,
				t_strconcat("HELO ", hostname, NULL),
				&reply, error_r) < 0)
		return -1;
	if (reply.code != 250) {
		*error_r = t_strconcat("EHLO: ", reply.text, NULL);
		return -1;
	}
	return 0;
}

static int submission_relay_start_tls(struct client *client,
				      const char **error_r)
{
	const struct submission_settings *set = client->set;

	return smtp_client_start_tls(client->relay,
				     set->submission_relay_host,
				     set->ssl_client_ca_file,
				     set->submission_relay_ssl_verify,
				     error_r);
}

/* The relay dialogue up to MAIL: TLS at once (smtps), the greeting, EHLO,
   STARTTLS and EHLO again (starttls), AUTH PLAIN with
   submission_relay_user. Returns 0, or -1 with error_r. */
static int submission_relay_greet(struct client *client,
				  const char **error_r)
{
	const struct submission_settings *set = client->set;
	const char *ssl = set->submission_relay_ssl;
	struct smtp_client_reply reply;

	if (strcmp(ssl, "smtps") == 0 &&
	    submission_relay_start_tls(client, error_r) < 0)
		return -1;
	if (smtp_client_read_reply(client->relay, &reply, error_r) < 0)
		return -1;
	if (reply.code != 220) {
		*error_r = t_strconcat("Greeting: ", reply.text, NULL);
		return -1;
	}
	if (submission_relay_ehlo(client, error_r) < 0)
		return -1;
	if (strcmp(ssl, "starttls") == 0) {
		if (smtp_client_command(client->relay, "STARTTLS", &reply,
					error_r) < 0)
			return -1;
		if (reply.code != 220) {
			*error_r = t_strconcat("STARTTLS: ", reply.text, NULL);
			return -1;
		}
		if (submission_relay_start_tls(client, error_r) < 0 ||
		    submission_relay_ehlo(client, error_r) < 0)
			return -1;
	}
	if (set->submission_relay_user[0] == '\0')
		return 0;
	if (smtp_client_auth_plain(client->relay, set->submission_relay_user,
				   set->submission_relay_password, &reply,
				   error_r) < 0)
		return -1;
	if (reply.code != 235) {
		*error_r = t_strconcat("AUTH as ", set->submission_relay_user,
				       ": ", reply.text, NULL);
		return -1;
	}
	return 0;
}

/* Connects to the relay and gets it ready for MAIL. Returns 0, or -1 with
   the client told. */
static int submission_relay_open(struct client *client)
{
	const struct submission_settings *set = client->set;
	const char *error;

	if (set->submission_relay_host[0] == '\0') {
		i_error("submission_relay_host is not set");
		submission_client_reply(client, 451, "4.3.5",
					"Relay host not configured");
		return -1;
	}
	if (smtp_client_connect(set->submission_relay_host,
				set->submission_relay_port,
				set->submission_relay_connect_timeout,
				set->submission_relay_command_timeout,
				&client->relay, &error) < 0 ||
	    submission_relay_greet(client, &error) < 0) {
		submission_relay_failed(client, error);
		return -1;
	}
	return 0;
}

/* Sends line to the relay and the reply to the client. Returns the reply
   code, or 0 if the relay failed (the client was told). */
static unsigned int submission_relay_command(struct client *client,
					     const char *line)
{
	struct smtp_client_reply reply;
	const char *error;

	if (smtp_client_command(client->relay, line, &reply, &error) < 0) {
		submission_relay_failed(client, error);
		return 0;
	}
	submission_client_send_raw(client, reply.text);
	return reply.code;
}

/* 501 or 555 for an argument error of lib-smtp's parsers. */
static void submission_arg_error(struct client *client,
				 enum smtp_command_arg_error code,
				 const char *address_code, const char *error)
{
	switch (code) {
	case SMTP_COMMAND_ARG_ERROR_BAD_SYNTAX:
		submission_client_reply(client, 501, "5.5.4", error);
		break;
	case SMTP_COMMAND_ARG_ERROR_BAD_ADDRESS:
		submission_client_reply(client, 501, address_code, error);
		break;
	case SMTP_COMMAND_ARG_ERROR_UNSUPPORTED:
		submission_client_reply(client, 555, "5.5.4", error);
		break;
	}
}

static int cmd_ehlo(struct client *client, const char *args)
{
	const char *lines[] = {
		submission_client_hostname(), "PIPELINING",
		t_strdup_printf("SIZE %llu", (unsigned long long)
				client->set->submission_max_mail_size),
		"ENHANCEDSTATUSCODES", "8BITMIME", "CHUNKING", NULL
	};
	string_t *str;

	if (*args == '\0') {
		submission_client_reply(client, 501, "5.5.4",
					"Missing hostname");
		return -1;
	}
	submission_client_reset(client);
	str = t_str_new(256);
	smtp_reply_append_lines(str, 250, NULL, lines);
	submission_client_send_raw(client, str_c(str));
	return 0;
}

static int cmd_helo(struct client *client, const char *args)
{
	if (*args == '\0') {
		submission_client_reply(client, 501, "5.5.4",
					"Missing hostname");
		return -1;
	}
	submission_client_reset(client);
	submission_client_reply(client, 250, NULL,
				submission_client_hostname());
	return 0;
}

/* MAIL FROM:<address> [SIZE=n] [BODY=...]: the sender goes to the relay
   as the client gave it, after submission_sender_check. */
static int cmd_mail(struct client *client, const char *args)
{
	const char *username = mail_user_get_username(client->worker.user);
	struct smtp_mail_args mail;
	enum smtp_command_arg_error error_code;
	const char *error;
	string_t *line;

	if (client->relay != NULL) {
		submission_client_reply(client, 503, "5.5.1",
					"MAIL already given");
		return -1;
	}
	if (smtp_command_parse_mail(client->cmd_pool, args,
				    SMTP_ADDRESS_PARSE_FLAG_ALLOW_EMPTY,
				    &mail, &error_code, &error) < 0) {
		submission_arg_error(client, error_code, "5.1.7", error);
		return -1;
	}
	if (mail.size > client->set->submission_max_mail_size) {
		submission_client_reply(client, 552, "5.3.4",
					"Message too big for system");
		return 0;
	}
	if (client->set->submission_sender_check &&
	    !smtp_address_is_users(mail.from, username)) {
		submission_client_reply(client, 553, "5.7.1", t_strdup_printf(
			"<%s>: Sender address not owned by user %s",
			smtp_address_encode(mail.from), username));
		return 0;
	}
	if (submission_relay_open(client) < 0)
		return 0;
	line = t_str_new(128);
	str_printfa(line, "MAIL FROM:<%s>", smtp_address_encode(mail.from));
	if (mail.size > 0)
		str_printfa(line, " SIZE=%llu", (unsigned long long)mail.size);
	if (mail.body == SMTP_BODY_TYPE_8BITMIME)
		str_append(line, " BODY=8BITMIME");
	else if (mail.body == SMTP_BODY_TYPE_7BIT)
		str_append(line, " BODY=7BIT");
	if (submission_relay_command(client, str_c(line)) / 100 != 2)
		submission_client_reset(client);
	return 0;
}

static int cmd_rcpt(struct client *client, const char *args)
{
	struct smtp_rcpt_args rcpt;
	enum smtp_command_arg_error error_code;
	const char *error;
	unsigned int code;

	if (client->relay == NULL) {
		submission_client_reply(client, 503, "5.5.1",
					"MAIL needed first");
		return -1;
	}
	if (smtp_command_parse_rcpt(client->cmd_pool, args, 0,
				    &rcpt, &error_code, &error) < 0) {
		submission_arg_error(client, error_code, "5.1.3", error);
		return -1;
	}
	if (client->rcpt_count >= client->set->submission_max_recipients) {
		submission_client_reply(client, 452, "4.5.3",
					"Too many recipients");
		return 0;
	}
	code = submission_relay_command(client, t_strdup_printf(
		"RCPT TO:<%s>", smtp_address_encode(rcpt.to)));
	if (code / 100 == 2)
		client->rcpt_count++;
	return 0;
}

static int cmd_data(struct client *client, const char *args)
{
	if (*args != '\0') {
		submission_client_reply(client, 501, "5.5.4",
					"Invalid parameters");
		return -1;
	}
	if (client->relay == NULL) {
		submission_client_reply(client, 503, "5.5.1",
					"MAIL needed first");
		return -1;
	}
	if (client->rcpt_count == 0) {
		submission_client_reply(client, 554, "5.5.1",
					"No valid recipients");
		return -1;
	}
	if (client->bdat_started) {
		submission_client_reply(client, 503, "5.5.1",
					"DATA not allowed after BDAT");
		return -1;
	}
	submission_client_reply(client, 354, NULL,
				"OK, end data with <CR><LF>.<CR><LF>");
	submission_client_data_begin(client);
	return 0;
}

void submission_command_data_finish(struct client *client, bool too_big)
{
	struct smtp_client_reply reply;
	const char *error;

	if (too_big) {
		submission_client_reset(client);
		submission_client_reply(client, 552, "5.3.4",
					"Message too big for system");
		return;
	}
	if (smtp_client_command(client->relay, "DATA", &reply, &error) < 0) {
		submission_relay_failed(client, error);
		return;
	}
	if (reply.code == 354 &&
	    smtp_client_send_data(client->relay, client->data->data,
				  client->data->used, &reply, &error) < 0) {
		submission_relay_failed(client, error);
		return;
	}
	if (reply.code / 100 == 2)
		client->messages_count++;
	submission_client_send_raw(client, reply.text);
	submission_client_reset(client);
}

/* BDAT size [LAST] (RFC 3030): the chunks are collected and relayed as
   one DATA at LAST. The chunk follows the command at once, so a refused
   one is read (and dropped) too, to stay in step. */
static int cmd_bdat(struct client *client, const char *args)
{
	const char *error, *refusal = NULL;
	uoff_t size;
	bool last;

	if (smtp_command_parse_bdat(args, &size, &last, &error) < 0) {
		submission_client_reply(client, 501, "5.5.4", error);
		return -1;
	}
	if (client->relay == NULL)
		refusal = "MAIL needed first";
	else if (client->rcpt_count == 0)
		refusal = "No valid recipients";
	else
		client->bdat_started = true;
	submission_client_bdat_begin(client, size, last, refusal);
	return refusal == NULL ? 0 : -1;
}

static int cmd_auth(struct client *client, const char *args ATTR_UNUSED)
{
	submission_client_reply(client, 503, "5.5.1",
				"Already authenticated");
	return -1;
}

static int cmd_rset(struct client *client, const char *args ATTR_UNUSED)
{
	submission_client_reset(client);
	submission_client_reply(client, 250, "2.0.0", "OK");
	return 0;
}

static int cmd_noop(struct client *client, const char *args ATTR_UNUSED)
{
	submission_client_reply(client, 250, "2.0.0", "OK");
	return 0;
}

static int cmd_quit(struct client *client, const char *args ATTR_UNUSED)
{
	submission_client_reset(client);
	submission_client_reply(client, 221, "2.0.0", "Bye");
	client->quit = true;
	return 0;
}

static const struct submission_command submission_commands[] = {
	{ "AUTH", cmd_auth },
	{ "BDAT", cmd_bdat },
	{ "DATA", cmd_data },
	{ "EHLO", cmd_ehlo },
	{ "HELO", cmd_helo },
	{ "MAIL", cmd_mail },
	{ "NOOP", cmd_noop },
	{ "QUIT", cmd_quit },
	{ "RCPT", cmd_rcpt },
	{ "RSET", cmd_rset },
};

int submission_command_execute(struct client *client, const char *name,
			       const char *args)
{
	int ret;

	for (unsigned int i = 0; i < N_ELEMENTS(submission_commands); i++) {
		if (strcmp(submission_commands[i].name, name) != 0)
			continue;
		client->cmd_pool = pool_alloconly_create("submission command",
							 512);
		ret = submission_commands[i].func(client, args);
		pool_unref(&client->cmd_pool);
		return ret;
	}
	submission_client_reply(client, 500, "5.5.2", "Unknown command");
	return -1;
}
