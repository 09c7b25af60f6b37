/* Copyright (c) Cove authors. See AUTHORS. */

/* The connection of one logged-in POP3 client: opening (and locking) the
   mailbox, the input loop, command lines, output flow control, the idle
   timeout and the end of the session.

   Commands run one at a time. RETR and TOP that do not fit in the output
   buffer set client->sending: input reading stops, and the output
   stream's flush callback sends more whenever the buffer has drained. */

#include "lib.h"
#include "ioloop.h"
#include "net.h"
#include "istream.h"
#include "buffer.h"
#include "ostream.h"
#include "str.h"
#include "master-service.h"
#include "mail-storage.h"
#include "pop3-settings.h"
#include "pop3-commands.h"
#include "pop3-client.h"

#include <sys/socket.h>

/* Longest command line. RFC 2449 4 allows 255 octets; the rest is room
   for clients that send more. */
#define POP3_CLIENT_MAX_LINE_LENGTH 2048
/* RFC 1939 3: the autologout timer is at least 10 minutes. */
#define POP3_CLIENT_IDLE_TIMEOUT_MSECS (10 * 60 * 1000)
/* More -ERR replies in a row than this end the session. */
#define POP3_CLIENT_MAX_BAD_COMMANDS 20
/* RETR/TOP pause while this much output is waiting. */
#define POP3_CLIENT_OUTPUT_THROTTLE_SIZE (128 * 1024)
/* How long the login waits for another session's lock. */
#define POP3_CLIENT_LOCK_TIMEOUT_SECS 10

static void client_input(struct client *client);
static void client_handle_input(struct client *client);

static void client_idle_timeout(struct client *client)
{
	client_send_line(client, "-ERR Disconnected for inactivity.");
	client_disconnect(client, "Disconnected for inactivity");
}

static void client_lock_refresh(struct client *client)
{
	const char *error;

	if (mailbox_session_lock_refresh(client->lock, &error) < 0)
		i_error("Refreshing POP3 session lock failed: %s", error);
}

/* Flushes corked output. A failed write ends the session. */
static void client_uncork(struct client *client)
{
	o_stream_uncork(client->output);
	if (client->output->stream_errno != 0 && !client->disconnected) {
		client_disconnect(client,
				  o_stream_get_error(client->output));
	}
}

/* Sends more of the message in progress. Returns true when it is done. */
static bool client_send_more(struct client *client)
{
	const char *error;
	int ret;

	ret = pop3_mail_send_more(&client->send, client->output,
				  POP3_CLIENT_OUTPUT_THROTTLE_SIZE, &error);
	if (ret == 0)
		return false;
	i_stream_destroy(&client->send.input);
	client->sending = false;
	if (ret < 0) {
		/* the +OK is out: the reply cannot be ended cleanly */
		i_error("Reading message failed: %s", error);
		client_disconnect(client, "Reading message failed");
	}
	return true;
}

static int client_output(struct client *client)
{
	bool finished;

	if (!client->sending || client->disconnected)
		return 1;
	timeout_reset(client->to_idle);
	o_stream_cork(client->output);
	finished = client_send_more(client);
	client_uncork(client);
	if (!finished)
		return client->disconnected ? 1 : 0;
	if (!client->disconnected) {
		client->io = io_add(client->fd, IO_READ, client_input, client);
		client_handle_input(client);
	}
	return client->sending ? 0 : 1;
}

void client_send_mail(struct client *client, struct istream *input,
		      bool top, uoff_t top_lines)
{
	pop3_mail_send_init(&client->send, input,
			    client->set->parsed_workarounds, top, top_lines);
	client->sending = true;
	if (client_send_more(client))
		return;
	io_remove(&client->io);
	o_stream_set_flush_pending(client->output, true);
}

struct client *client_create(int fd, const struct pop3_settings *set,
			     struct mail_user *user,
			     const unsigned char *prefix, size_t prefix_size)
{
	struct client *client;

	client = i_new(struct client, 1);
	client->fd = fd;
	client->set = set;
	client->user = user;
	fd_set_nonblock(fd, true);
	if (net_set_tcp_nodelay(fd) < 0)
		i_error("setsockopt(TCP_NODELAY) failed: %m");
	client->input = i_stream_create_fd(fd, POP3_CLIENT_MAX_LINE_LENGTH,
					   false);
	client->output = o_stream_create_fd(fd, false);
	o_stream_set_flush_callback(client->output, client_output, client);
	if (prefix_size > 0) {
		client->prefix = buffer_create_dynamic(default_pool,
						       prefix_size);
		buffer_append(client->prefix, prefix, prefix_size);
	}
	client->to_idle = timeout_add(POP3_CLIENT_IDLE_TIMEOUT_MSECS,
				      client_idle_timeout, client);
	return client;
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

	ret = mailbox_open(client->user, "INBOX", 0, &client->mailbox,
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

void client_start(struct client *client)
{
	const char *error;
	int ret;

	o_stream_cork(client->output);
	ret = client_open_mailbox(client, &error);
	if (ret < 0) {
		i_error("Couldn't open INBOX: %s", error);
		client_send_line(client, "-ERR [SYS/TEMP] Couldn't open INBOX: "
			"Internal error occurred. Refer to server log for "
			"more information.");
		client_disconnect(client, "Couldn't open INBOX");
	}
	if (ret <= 0) {
		client_uncork(client);
		return;
	}
	client_send_line(client, "+OK Logged in.");
	client->io = io_add(client->fd, IO_READ, client_input, client);
	client_uncork(client);
	client_handle_input(client);
}

void client_disconnect(struct client *client, const char *reason)
{
	if (client->disconnected)
		return;
	client->disconnected = true;
	i_info("Disconnected: %s top=%u, retr=%u, del=%u/%u, size=%llu",
	       reason, client->top_count, client->retr_count,
	       client->deleted_count, client->messages_count,
	       (unsigned long long)client->total_size);
	if (client->io != NULL)
		io_remove(&client->io);
	timeout_remove(&client->to_idle);
	(void)o_stream_flush(client->output);
	master_service_client_connection_destroyed(master_service);
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

void client_destroy(struct client **_client)
{
	struct client *client = *_client;

	*_client = NULL;
	if (client->sending)
		i_stream_destroy(&client->send.input);
	client_close_mailbox(client);
	mail_user_deinit(&client->user);
	if (client->io != NULL)
		io_remove(&client->io);
	if (client->to_idle != NULL)
		timeout_remove(&client->to_idle);
	if (client->to_lock_refresh != NULL)
		timeout_remove(&client->to_lock_refresh);
	if (client->prefix != NULL)
		buffer_free(&client->prefix);
	(void)o_stream_flush(client->output);
	o_stream_destroy(&client->output);
	i_stream_destroy(&client->input);
	net_close_gracefully(&client->fd);
	i_free(client->sizes);
	i_free(client->deleted);
	i_free(client->seen_pending);
	i_free(client);
}

void client_send_line(struct client *client, const char *line)
{
	o_stream_nsend_str(client->output, t_strconcat(line, "\r\n", NULL));
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

	data = i_stream_get_data(client->input, &size);
	buffer_append(client->prefix, data, size);
	i_stream_skip(client->input, size);
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
		return i_stream_next_line(client->input);
	line = client_prefix_next_line(client);
	if (line == NULL && client->prefix->used > POP3_CLIENT_MAX_LINE_LENGTH)
		*too_long_r = true;
	return line;
}

static void client_line_too_long(struct client *client)
{
	client_send_line(client, "-ERR Input line too long.");
	client_disconnect(client, "Input line too long");
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
	client_send_line(client, "-ERR Too many bad commands.");
	client_disconnect(client, "Too many bad commands.");
}

/* Reads and runs one command. Returns false when more input is needed
   or the client is gone or busy sending. */
static bool client_read_command(struct client *client)
{
	const char *line, *args;
	bool too_long;
	int ret;

	line = client_next_line(client, &too_long);
	if (too_long)
		client_line_too_long(client);
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
	return !client->sending && !client->disconnected;
}

static void client_handle_input(struct client *client)
{
	bool more;

	o_stream_cork(client->output);
	do {
		T_BEGIN {
			more = client_read_command(client);
		} T_END;
	} while (more);
	client_uncork(client);
}

static void client_input(struct client *client)
{
	ssize_t ret;

	timeout_reset(client->to_idle);
	ret = i_stream_read(client->input);
	if (ret == -1) {
		client_disconnect(client, client->input->stream_errno == 0 ?
				  "Connection closed" :
				  i_stream_get_error(client->input));
		return;
	}
	if (ret == -2) {
		client_line_too_long(client);
		return;
	}
	client_handle_input(client);
}
