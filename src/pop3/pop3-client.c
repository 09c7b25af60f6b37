/* Copyright (c) Cove authors. See AUTHORS. */

/* The connection of one logged-in POP3 client: opening (and locking) the
   mailbox, command lines and the end of the session. The input loop,
   output flow control and the inactivity timeout (pop3_client_idle_timeout)
   are the shared part in mail-worker-client.c.

   Commands run one at a time. RETR and TOP that do not fit in the output
   buffer continue from the output stream's flush callback, which sends
   more whenever the buffer has drained; input reading stops meanwhile. */

#include "lib.h"
#include "ioloop.h"
#include "istream.h"
#include "buffer.h"
#include "ostream.h"
#include "mail-storage.h"
#include "login-handoff.h"
#include "pop3-settings.h"
#include "pop3-commands.h"
#include "pop3-client.h"

/* Longest command line. RFC 2449 4 allows 255 octets; the rest is room
   for clients that send more. */
#define POP3_CLIENT_MAX_LINE_LENGTH 2048
/* More -ERR replies in a row than this end the session. */
#define POP3_CLIENT_MAX_BAD_COMMANDS 20
/* RETR/TOP pause while this much output is waiting. */
#define POP3_CLIENT_OUTPUT_THROTTLE_SIZE (128 * 1024)
/* How long the login waits for another session's lock. */
#define POP3_CLIENT_LOCK_TIMEOUT_SECS 10

/* The shared part is the first member of struct client. */
static struct client *client_from_worker(struct mail_worker_client *worker)
{
	return (struct client *)worker;
}

static void client_lock_refresh(struct client *client)
{
	const char *error;

	if (mailbox_session_lock_refresh(client->lock, &error) < 0)
		i_error("Refreshing POP3 session lock failed: %s", error);
}

/* Sends more of the message in progress. Returns true when it is done. */
static bool client_send_more(struct client *client)
{
	const char *error;
	int ret;

	ret = pop3_mail_send_more(&client->send, client->worker.output,
				  POP3_CLIENT_OUTPUT_THROTTLE_SIZE, &error);
	if (ret == 0)
		return false;
	i_stream_destroy(&client->send.input);
	if (ret < 0) {
		/* the +OK is out: the reply cannot be ended cleanly */
		i_error("Reading message failed: %s", error);
		client_disconnect(client, "Reading message failed");
	}
	return true;
}

static bool client_output_more(struct mail_worker_client *worker)
{
	return client_send_more(client_from_worker(worker));
}

void client_send_mail(struct client *client, struct istream *input,
		      bool top, uoff_t top_lines)
{
	pop3_mail_send_init(&client->send, input,
			    client->set->parsed_workarounds, top, top_lines);
	if (!client_send_more(client))
		mail_worker_client_continue(&client->worker);
}

/* Reads the sizes of the view, fixed for the session. */
static void client_init_messages(struct client *client)
{
	struct mailbox_status status;
	uint32_t seq;

	mailbox_get_status(client->mailbox, &status);
	client->uidvalidity = status.uidvalidity;
	client->messages_count = mailbox_get_count(client->mailbox);
	client->sizes = i_new(uoff_t, client->messages_count + 1);
	client->deleted = i_new(bool, client->messages_count + 1);
	client->seen_pending = i_new(bool, client->messages_count + 1);
	for (seq = 1; seq <= client->messages_count; seq++) {
		client->sizes[seq - 1] =
			mailbox_get_record(client->mailbox, seq)->virtual_size;
		client->total_size += client->sizes[seq - 1];
	}
}

/* Locks INBOX for the session. Returns 1, 0 if another session has it
   (the client is told), -1 error. */
static int client_lock_mailbox(struct client *client, const char **error_r)
{
	int ret;

	ret = mailbox_session_lock(client->mailbox,
				   POP3_CLIENT_LOCK_TIMEOUT_SECS,
				   &client->lock, error_r);
	if (ret == 0) {
		client_send_line(client, "-ERR [IN-USE] Mailbox is locked "
				 "by another POP3 session.");
		client_disconnect(client, "Mailbox is locked by another "
				  "POP3 session");
		return 0;
	}
	if (ret < 0)
		return -1;
	client->to_lock_refresh =
		timeout_add(MAILBOX_SESSION_LOCK_REFRESH_SECS * 1000,
			    client_lock_refresh, client);
	/* the previous holder may have expunged since the open */
	return mailbox_sync(client->mailbox, NULL, NULL, error_r) < 0 ? -1 : 1;
}

/* Returns 1 when the mailbox is ready, 0 if the client was told why
   not, -1 error. */
static int client_open_mailbox(struct client *client, const char **error_r)
{
	int ret;

	ret = mailbox_open(client->worker.user, "INBOX", 0, &client->mailbox,
			   error_r);
	if (ret == 0)
		*error_r = "INBOX does not exist";
	if (ret <= 0)
		return -1;
	if (client->set->pop3_lock_session &&
	    (ret = client_lock_mailbox(client, error_r)) <= 0)
		return ret;
	client_init_messages(client);
	return 1;
}

/* Opens INBOX (locking it with pop3_lock_session), says "+OK Logged in."
   and starts reading commands; on failure tells the client why and
   disconnects. */
static void client_begin_session(struct client *client)
{
	const char *error;
	int ret;

	o_stream_cork(client->worker.output);
	ret = client_open_mailbox(client, &error);
	if (ret < 0) {
		i_error("Couldn't open INBOX: %s", error);
		client_send_line(client, "-ERR [SYS/TEMP] Couldn't open INBOX: "
			"Internal error occurred. Refer to server log for "
			"more information.");
		client_disconnect(client, "Couldn't open INBOX");
	}
	if (ret > 0)
		client_send_line(client, "+OK Logged in.");
	mail_worker_client_uncork(&client->worker);
	if (ret > 0)
		mail_worker_client_start_input(&client->worker);
}

static const char *client_get_log_stats(struct mail_worker_client *worker)
{
	struct client *client = client_from_worker(worker);

	return t_strdup_printf("top=%u, retr=%u, del=%u/%u, size=%llu",
			       client->top_count, client->retr_count,
			       client->deleted_count, client->messages_count,
			       (unsigned long long)client->total_size);
}

void client_disconnect(struct client *client, const char *reason)
{
	mail_worker_client_disconnect(&client->worker, reason);
}

void client_update_seen(struct client *client)
{
	const char *error;
	uint32_t seq;

	for (seq = 1; seq <= client->messages_count; seq++) {
		if (!client->seen_pending[seq - 1] || client->deleted[seq - 1])
			continue;
		if (mailbox_update_flags(client->mailbox, seq, MODIFY_ADD,
					 MAIL_SEEN, &error) < 0) {
			i_error("Setting \\Seen failed: %s", error);
			break;
		}
	}
	i_free(client->seen_pending);
}

static void client_close_mailbox(struct client *client)
{
	const char *error;

	if (client->mailbox == NULL)
		return;
	if (client->seen_pending != NULL)
		client_update_seen(client);
	if (client->lock != NULL &&
	    mailbox_session_unlock(&client->lock, &error) < 0)
		i_error("Releasing POP3 session lock failed: %s", error);
	mailbox_close(&client->mailbox);
}

/* Sets \Seen on the retrieved messages (unless QUIT did already),
   releases the lock and frees the client. Nothing is expunged here: only
   QUIT does that. */
static void client_worker_destroy(struct mail_worker_client *worker)
{
	struct client *client = client_from_worker(worker);

	if (client->send.input != NULL)
		i_stream_destroy(&client->send.input);
	client_close_mailbox(client);
	if (client->to_lock_refresh != NULL)
		timeout_remove(&client->to_lock_refresh);
	if (client->prefix != NULL)
		buffer_free(&client->prefix);
	mail_worker_client_deinit(&client->worker);
	i_free(client->sizes);
	i_free(client->deleted);
	i_free(client->seen_pending);
	i_free(client);
}

void client_send_line(struct client *client, const char *line)
{
	mail_worker_client_send_line(&client->worker, line);
}

void client_send_storage_error(struct client *client, const char *error)
{
	i_error("%s", error);
	client_send_line(client, "-ERR [SYS/TEMP] Internal error occurred. "
			 "Refer to server log for more information.");
}

/* Returns the next line of the login's pipelined input, or NULL when
   it has no whole line yet: then the rest of the line is moved there
   from input, which is read more. */
static const char *client_prefix_next_line(struct client *client)
{
	const unsigned char *data, *lf;
	size_t size, len;

	data = i_stream_get_data(client->worker.input, &size);
	buffer_append(client->prefix, data, size);
	i_stream_skip(client->worker.input, size);
	data = client->prefix->data;
	lf = memchr(data, '\n', client->prefix->used);
	if (lf == NULL)
		return NULL;
	len = lf - data;
	const char *line = t_strndup(data, len > 0 && data[len - 1] == '\r' ?
				     len - 1 : len);
	buffer_delete(client->prefix, 0, len + 1);
	if (client->prefix->used == 0)
		buffer_free(&client->prefix);
	return line;
}

/* Returns the next command line, or NULL if more input is needed. */
static const char *client_next_line(struct client *client, bool *too_long_r)
{
	const char *line;

	*too_long_r = false;
	if (client->prefix == NULL)
		return i_stream_next_line(client->worker.input);
	line = client_prefix_next_line(client);
	if (line == NULL && client->prefix->used > POP3_CLIENT_MAX_LINE_LENGTH)
		*too_long_r = true;
	return line;
}

/* Counts an -ERR reply; too many in a row end the session. */
static void client_count_bad(struct client *client, bool bad)
{
	if (!bad) {
		client->bad_counter = 0;
		return;
	}
	if (++client->bad_counter <= POP3_CLIENT_MAX_BAD_COMMANDS)
		return;
	mail_worker_client_bye(&client->worker, "Too many bad commands");
}

/* Reads and runs one command. Returns false when more input is
   needed. */
static bool client_read_command(struct mail_worker_client *worker)
{
	struct client *client = client_from_worker(worker);
	const char *line, *args;
	bool too_long;
	int ret;

	line = client_next_line(client, &too_long);
	if (too_long)
		mail_worker_client_bye(worker, worker->def->line_too_long);
	if (line == NULL)
		return false;
	args = strchr(line, ' ');
	if (args == NULL)
		args = "";
	else
		line = t_strndup(line, args++ - line);
	ret = client_command_execute(client, t_str_ucase(line), args);
	client_count_bad(client, ret < 0);
	if (client->quit)
		client_disconnect(client, "Logged out");
	return true;
}

static const struct mail_worker_client_def client_def = {
	.bye_prefix = "-ERR",
	.line_too_long = "Input line too long",
	.read_command = client_read_command,
	.output_more = client_output_more,
	.get_log_stats = client_get_log_stats,
	.destroy = client_worker_destroy,
};

struct mail_worker_client *
client_start(int fd, const void *set, struct mail_user *user,
	     const struct login_handoff *handoff)
{
	struct client *client;

	client = i_new(struct client, 1);
	client->set = set;
	mail_worker_client_init(&client->worker, &client_def, fd, user,
				&handoff->remote_ip,
				POP3_CLIENT_MAX_LINE_LENGTH,
				client->set->pop3_client_idle_timeout);
	if (handoff->input_size > 0) {
		client->prefix = buffer_create_dynamic(default_pool,
						       handoff->input_size);
		buffer_append(client->prefix, handoff->input,
			      handoff->input_size);
	}
	client_begin_session(client);
	return &client->worker;
}
