/* Copyright (c) Cove authors. See AUTHORS. */

/* The connection of one logged-in client: the input loop, command
   dispatch, tagged replies, output flow control and the idle timeout.

   Commands run one at a time. A command's handler returns true when it
   is done; otherwise it has set cmd->func, input reading stops, and the
   output stream's flush callback calls cmd->func again whenever the
   output buffer has drained, until it returns true. */

#include "lib.h"
#include "ioloop.h"
#include "net.h"
#include "istream.h"
#include "buffer.h"
#include "ostream.h"
#include "str.h"
#include "master-service.h"
#include "mail-storage.h"
#include "imap-settings.h"
#include "imap-commands.h"
#include "imap-sync.h"
#include "imap-client.h"

#include <strings.h>
#include <sys/socket.h>

#define IMAP_CAPABILITY_DEFAULT "IMAP4rev1 LITERAL+"
/* No APPEND yet: literals are only mailbox names, strings and flags. */
#define IMAP_CLIENT_MAX_LITERAL_SIZE (64 * 1024)
/* RFC 3501 5.4: at least 30 minutes. */
#define IMAP_CLIENT_IDLE_TIMEOUT_MSECS (30 * 60 * 1000)
/* Disconnect after this many BAD replies in a row. */
#define IMAP_CLIENT_MAX_BAD_COMMANDS 20

static void client_input(struct client *client);
static void client_handle_input(struct client *client);

static void client_idle_timeout(struct client *client)
{
	client_send_line(client, "* BYE Disconnected for inactivity.");
	client_disconnect(client, "Disconnected for inactivity");
}

/* Flushes corked output. A failed write ends the session: the output
   stream calls the flush callback no more after an error. */
static void client_uncork(struct client *client)
{
	o_stream_uncork(client->output);
	if (client->output->stream_errno != 0 && !client->disconnected) {
		client_disconnect(client,
				  o_stream_get_error(client->output));
	}
}

static int client_output(struct client *client)
{
	struct client_command_context *cmd = client->cmd;
	bool finished;

	if (cmd == NULL || client->disconnected)
		return 1;
	timeout_reset(client->to_idle);
	o_stream_cork(client->output);
	T_BEGIN {
		finished = cmd->func(cmd);
		if (finished)
			client_command_finish(cmd);
	} T_END;
	client_uncork(client);
	if (!finished)
		return client->disconnected ? 1 : 0;
	if (!client->disconnected) {
		client->io = io_add(client->fd, IO_READ, client_input, client);
		client_handle_input(client);
	}
	return client->cmd == NULL ? 1 : 0;
}

struct client *client_create(int fd, const struct imap_settings *set,
			     struct mail_user *user,
			     const unsigned char *prefix, size_t prefix_size)
{
	struct client *client;

	client = i_new(struct client, 1);
	client->fd = fd;
	client->set = set;
	client->user = user;
	client->state = CLIENT_STATE_AUTH;
	fd_set_nonblock(fd, true);
	if (net_set_tcp_nodelay(fd) < 0)
		i_error("setsockopt(TCP_NODELAY) failed: %m");
	/* The parser reports a too long line before the buffer is full. */
	client->input = i_stream_create_fd(fd, set->imap_max_line_length,
					   false);
	client->output = o_stream_create_fd(fd, false);
	o_stream_set_flush_callback(client->output, client_output, client);
	client->parser = imap_parser_create(client->input, client->output,
					    set->imap_max_line_length,
					    IMAP_CLIENT_MAX_LITERAL_SIZE);
	imap_parser_set_prefix(client->parser, prefix, prefix_size);
	client->to_idle = timeout_add(IMAP_CLIENT_IDLE_TIMEOUT_MSECS,
				      client_idle_timeout, client);
	return client;
}

void client_start(struct client *client, const char *login_tag)
{
	if (login_tag != NULL && login_tag[0] != '\0') {
		client_send_line(client, t_strdup_printf(
			"%s OK [CAPABILITY %s] Logged in", login_tag,
			client_get_capability(client)));
	}
	client->io = io_add(client->fd, IO_READ, client_input, client);
	client_handle_input(client);
}

void client_disconnect(struct client *client, const char *reason)
{
	if (client->disconnected)
		return;
	client->disconnected = true;
	i_info("Disconnected: %s", reason);
	if (client->io != NULL)
		io_remove(&client->io);
	timeout_remove(&client->to_idle);
	(void)o_stream_flush(client->output);
	master_service_client_connection_destroyed(master_service);
}

void client_destroy(struct client **_client)
{
	struct client *client = *_client;

	*_client = NULL;
	if (client->cmd != NULL)
		client_command_free(client->cmd);
	client_close_mailbox(client);
	mail_user_deinit(&client->user);
	imap_parser_destroy(&client->parser);
	if (client->io != NULL)
		io_remove(&client->io);
	if (client->to_idle != NULL)
		timeout_remove(&client->to_idle);
	(void)o_stream_flush(client->output);
	o_stream_destroy(&client->output);
	i_stream_destroy(&client->input);
	net_close_gracefully(&client->fd);
	i_free(client);
}

const char *client_get_capability(const struct client *client)
{
	const char *cap = client->set->imap_capability;

	if (cap[0] == '\0')
		return IMAP_CAPABILITY_DEFAULT;
	if (cap[0] == '+')
		return t_strconcat(IMAP_CAPABILITY_DEFAULT, " ", cap + 1, NULL);
	return cap;
}

void client_send_line(struct client *client, const char *line)
{
	/* one send: uncorked output is written at once */
	o_stream_nsend_str(client->output, t_strconcat(line, "\r\n", NULL));
}

void client_cmd_reply(struct client_command_context *cmd, const char *reply)
{
	cmd->reply = p_strdup(cmd->pool, reply);
}

void client_cmd_bad(struct client_command_context *cmd, const char *error)
{
	cmd->reply = p_strdup_printf(cmd->pool,
				     "BAD Error in IMAP command %s: %s",
				     cmd->name, error);
	cmd->reply_bad = true;
}

void client_cmd_storage_error(struct client_command_context *cmd,
			      const char *error)
{
	i_error("%s: %s", cmd->name, error);
	client_cmd_reply(cmd, "NO [SERVERBUG] Internal error occurred. "
			 "Refer to server log for more information.");
}

void client_close_mailbox(struct client *client)
{
	if (client->mailbox != NULL)
		mailbox_close(&client->mailbox);
	client->state = CLIENT_STATE_AUTH;
	client->messages_count = 0;
	client->recent_count = 0;
}

/* Counts a BAD reply; too many in a row end the session. */
static void client_count_bad(struct client *client, bool bad)
{
	if (!bad) {
		client->bad_counter = 0;
		return;
	}
	if (++client->bad_counter < IMAP_CLIENT_MAX_BAD_COMMANDS)
		return;
	client_send_line(client, "* BYE Too many invalid IMAP commands.");
	client_disconnect(client, "Too many invalid IMAP commands");
}

/* Forgets the command being read, ready for the next one. */
static void client_reset_command(struct client *client)
{
	client->cmd_tag = NULL;
	client->cmd_name = NULL;
	client->cmd_uid = false;
	imap_parser_reset(client->parser);
}

void client_command_free(struct client_command_context *cmd)
{
	struct client *client = cmd->client;
	/* cmd itself is allocated from the pool */
	pool_t pool = cmd->pool;

	if (client->cmd == cmd)
		client->cmd = NULL;
	if (cmd->deinit != NULL)
		cmd->deinit(cmd);
	pool_unref(&pool);
}

void client_command_finish(struct client_command_context *cmd)
{
	struct client *client = cmd->client;
	bool bad = cmd->reply_bad;

	i_assert(cmd->reply != NULL);
	if (!bad && client->mailbox != NULL)
		imap_sync_command(cmd);
	client_send_line(client, t_strdup_printf("%s %s", cmd->tag,
						 cmd->reply));
	client_command_free(cmd);
	client_reset_command(client);
	if (client->logout)
		client_disconnect(client, "Logged out");
	else
		client_count_bad(client, bad);
}

/* Reads the tag and the command name (after UID, if given).
   Returns 1 when done, 0 if more input is needed, -1 on error. */
static int client_read_command_name(struct client *client)
{
	const char *word;

	while (client->cmd_name == NULL) {
		word = imap_parser_read_word(client->parser);
		if (word == NULL)
			return 0;
		if (word[0] == '\0')
			return -1;
		if (client->cmd_tag == NULL)
			client->cmd_tag = word;
		else if (!client->cmd_uid && strcasecmp(word, "UID") == 0)
			client->cmd_uid = true;
		else
			client->cmd_name = word;
	}
	return 1;
}

static void client_parse_error(struct client *client)
{
	const char *error;
	bool fatal;

	error = imap_parser_get_error(client->parser, &fatal);
	if (fatal) {
		client_send_line(client, t_strdup_printf("* BYE %s.", error));
		client_disconnect(client, error);
		return;
	}
	if (client->cmd_name == NULL) {
		client_send_line(client, t_strdup_printf(
			"%s BAD Error in IMAP command received by server.",
			client->cmd_tag == NULL ? "*" : client->cmd_tag));
	} else {
		client_send_line(client, t_strdup_printf(
			"%s BAD Error in IMAP command %s: %s", client->cmd_tag,
			t_str_ucase(client->cmd_name), error));
	}
	client_reset_command(client);
	client_count_bad(client, true);
}

/* Reads and runs one command. Returns false when more input is needed
   or the client is gone. */
static bool client_read_command(struct client *client)
{
	const struct imap_arg *args;
	int ret;

	ret = client_read_command_name(client);
	if (ret == 0)
		return false;
	if (ret > 0) {
		ret = imap_parser_read_args(client->parser, 0, 0, &args);
		if (ret == -2)
			return false;
	}
	if (ret < 0) {
		client_parse_error(client);
		return !client->disconnected;
	}
	client_command_run(client, client->cmd_tag, client->cmd_name,
			   client->cmd_uid, args);
	return client->cmd == NULL && !client->disconnected;
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
		client_send_line(client, "* BYE Command line too long.");
		client_disconnect(client, "Command line too long");
		return;
	}
	client_handle_input(client);
}
