/* Copyright (c) Cove authors. See AUTHORS. */

/* The connection of one authenticated submission client: command lines
   through lib-smtp's parser, the message after DATA and BDAT chunks
   through its readers, and the end of the session. The input loop,
   output flow control and the inactivity timeout
   (submission_client_idle_timeout) are the shared part in
   mail-worker-client.c. */

#include "lib.h"
#include "str.h"
#include "buffer.h"
#include "ostream.h"
#include "master-service.h"
#include "master-service-settings.h"
#include "login-handoff.h"
#include "smtp-client.h"
#include "smtp-reply.h"
#include "smtp-command-parser.h"
#include "smtp-data-reader.h"
#include "smtp-chunk-reader.h"
#include "submission-settings.h"
#include "submission-commands.h"
#include "submission-client.h"

/* Longest command line: RFC 5321 4.5.3.1.4 says 512 octets, the rest is
   room for long parameters. */
#define SUBMISSION_CLIENT_MAX_LINE_LENGTH 4096
/* More bad commands in a row than this end the session. */
#define SUBMISSION_CLIENT_MAX_BAD_COMMANDS 20

static struct client *client_from_worker(struct mail_worker_client *worker)
{
	return (struct client *)worker;
}

const char *submission_client_hostname(void)
{
	return master_service_settings_get_hostname(
		master_service_get_common_settings(master_service));
}

void submission_client_send_raw(struct client *client, const char *text)
{
	o_stream_nsend_str(client->worker.output, text);
}

void submission_client_reply(struct client *client, unsigned int code,
			     const char *enhanced_code, const char *text)
{
	string_t *str = t_str_new(128);

	smtp_reply_append(str, code, enhanced_code, text);
	submission_client_send_raw(client, str_c(str));
}

void submission_client_reset(struct client *client)
{
	struct smtp_client_reply reply;
	const char *error;

	if (client->relay != NULL) {
		/* the reply does not matter: the transaction is over */
		(void)smtp_client_command(client->relay, "QUIT", &reply,
					  &error);
		smtp_client_destroy(&client->relay);
	}
	client->rcpt_count = 0;
	client->bdat_started = false;
	if (client->chunk_reader != NULL)
		smtp_chunk_reader_deinit(&client->chunk_reader);
	if (client->data != NULL)
		buffer_free(&client->data);
}

static void client_data_alloc(struct client *client)
{
	if (client->data == NULL)
		client->data = buffer_create_dynamic(default_pool, 4096);
}

void submission_client_data_begin(struct client *client)
{
	client->data_reader = smtp_data_reader_init(client->worker.input,
		client->set->submission_max_mail_size);
	client_data_alloc(client);
}

void submission_client_bdat_begin(struct client *client, uoff_t size,
				  bool last, const char *refusal)
{
	if (client->chunk_reader == NULL) {
		client->chunk_reader = smtp_chunk_reader_init(
			client->worker.input,
			client->set->submission_max_mail_size);
	}
	client_data_alloc(client);
	smtp_chunk_reader_begin(client->chunk_reader, size, refusal != NULL);
	client->chunk_refusal = refusal;
	client->chunk_last = last;
	client->chunk_pending = true;
}

static void client_data_end(struct client *client)
{
	smtp_data_reader_deinit(&client->data_reader);
}

/* Reads more of the message. Returns false when more input is needed. */
static bool client_read_data(struct client *client)
{
	bool too_big;
	int ret;

	ret = smtp_data_reader_read(client->data_reader, client->data);
	if (ret == 0)
		return false;
	if (ret < 0) {
		client_data_end(client);
		mail_worker_client_disconnect(&client->worker,
			"Connection closed in DATA");
		return false;
	}
	too_big = smtp_data_reader_is_too_big(client->data_reader);
	submission_command_data_finish(client, too_big);
	client_data_end(client);
	return true;
}

/* Reads more of a BDAT chunk. Returns false when more input is
   needed. */
static bool client_read_chunk(struct client *client)
{
	bool too_big;
	int ret;

	ret = smtp_chunk_reader_read(client->chunk_reader, client->data);
	if (ret == 0)
		return false;
	client->chunk_pending = false;
	if (ret < 0) {
		mail_worker_client_disconnect(&client->worker,
			"Connection closed in BDAT");
		return false;
	}
	too_big = smtp_chunk_reader_is_too_big(client->chunk_reader);
	if (client->chunk_refusal != NULL)
		submission_client_reply(client, 503, "5.5.1",
					client->chunk_refusal);
	else if (client->chunk_last)
		submission_command_data_finish(client, too_big);
	else {
		submission_client_reply(client, 250, "2.0.0", t_strdup_printf(
			"%llu octets received", (unsigned long long)
			smtp_chunk_reader_get_size(client->chunk_reader)));
	}
	return true;
}

static void client_count_bad(struct client *client, bool bad)
{
	if (!bad) {
		client->bad_counter = 0;
		return;
	}
	if (++client->bad_counter <= SUBMISSION_CLIENT_MAX_BAD_COMMANDS)
		return;
	mail_worker_client_bye(&client->worker, "Too many bad commands");
}

/* Reads and runs one command. Returns false when more input is
   needed. */
static bool client_read_command(struct mail_worker_client *worker)
{
	struct client *client = client_from_worker(worker);
	struct smtp_command cmd;
	const char *error;
	int ret;

	if (client->data_reader != NULL)
		return client_read_data(client);
	if (client->chunk_pending)
		return client_read_chunk(client);
	ret = smtp_command_parser_next(client->parser, &cmd, &error);
	if (ret == 0)
		return false;
	if (ret < 0) {
		submission_client_reply(client, 500, "5.5.2", error);
		client_count_bad(client, true);
		return true;
	}
	ret = submission_command_execute(client, cmd.name, cmd.args);
	client_count_bad(client, ret < 0);
	if (client->quit)
		mail_worker_client_disconnect(worker, "Logged out");
	return true;
}

static bool client_output_more(struct mail_worker_client *worker ATTR_UNUSED)
{
	return true;
}

static const char *client_get_log_stats(struct mail_worker_client *worker)
{
	return t_strdup_printf("messages=%u",
			       client_from_worker(worker)->messages_count);
}

static void client_worker_destroy(struct mail_worker_client *worker)
{
	struct client *client = client_from_worker(worker);

	submission_client_reset(client);
	if (client->data_reader != NULL)
		client_data_end(client);
	smtp_command_parser_deinit(&client->parser);
	mail_worker_client_deinit(worker);
	i_free(client);
}

/* RFC 5321 3.8: 421 and the server's name before closing */
static const char *
client_get_bye_line(struct mail_worker_client *worker ATTR_UNUSED,
		    const char *reason)
{
	return t_strdup_printf("421 4.4.2 %s %s",
			       submission_client_hostname(), reason);
}

static const struct mail_worker_client_def client_def = {
	.get_bye_line = client_get_bye_line,
	.line_too_long = "Line too long",
	.read_command = client_read_command,
	.output_more = client_output_more,
	.get_log_stats = client_get_log_stats,
	.destroy = client_worker_destroy,
};

struct mail_worker_client *
submission_client_start(int fd, const void *set, struct mail_user *user,
			const struct login_handoff *handoff)
{
	struct client *client;

	client = i_new(struct client, 1);
	client->set = set;
	/* the parser needs room for a whole line and its CRLF */
	mail_worker_client_init(&client->worker, &client_def, fd, user,
				&handoff->remote_ip,
				SUBMISSION_CLIENT_MAX_LINE_LENGTH + 3,
				client->set->submission_client_idle_timeout);
	client->parser = smtp_command_parser_init(client->worker.input,
		SUBMISSION_CLIENT_MAX_LINE_LENGTH);
	o_stream_cork(client->worker.output);
	submission_client_reply(client, 235, "2.7.0",
				"Authentication successful");
	if (handoff->input_size > 0) {
		/* RFC 2920 3.1: AUTH ends a pipelined group */
		mail_worker_client_bye(&client->worker,
				       "Commands were pipelined after AUTH");
	}
	mail_worker_client_uncork(&client->worker);
	if (!client->worker.disconnected)
		mail_worker_client_start_input(&client->worker);
	return &client->worker;
}
