/* Copyright (c) Cove authors. See AUTHORS. */

/* The connection of one logged-in client: command reading and
   dispatch, tagged replies. The input loop, output flow control and the
   inactivity timeout (imap_client_idle_timeout) are the shared part in
   mail-worker-client.c.

   Commands run one at a time. A command's handler returns true when it
   is done; otherwise it has set cmd->func, input reading stops, and the
   output stream's flush callback calls cmd->func again whenever the
   output buffer has drained, until it returns true. */

#include "lib.h"
#include "str.h"
#include "mail-storage.h"
#include "login-handoff.h"
#include "imap-utf7.h"
#include "imap-settings.h"
#include "imap-commands.h"
#include "imap-cmd-mailbox.h"
#include "imap-sync.h"
#include "imap-condstore.h"
#include "imap-compress.h"
#include "imap-search-update.h"
#include "imap-notify.h"
#include "imap-client.h"

#include <strings.h>

#define IMAP_CAPABILITY_DEFAULT \
	"IMAP4rev1 LITERAL+ ID ENABLE IDLE UNSELECT UIDPLUS MOVE ESEARCH " \
	"NAMESPACE CHILDREN LIST-EXTENDED LIST-STATUS SPECIAL-USE " \
	"SORT SORT=DISPLAY ESORT THREAD=REFERENCES " \
	"THREAD=ORDEREDSUBJECT SEARCHRES CONTEXT=SEARCH " \
	"BINARY MULTIAPPEND CATENATE CONDSTORE QRESYNC COMPRESS=DEFLATE NOTIFY"
/* Literals other than APPEND's message (imap_max_append_size) are only
   mailbox names, strings and flags. */
#define IMAP_CLIENT_MAX_LITERAL_SIZE (64 * 1024)
/* Disconnect after this many BAD replies in a row. */
#define IMAP_CLIENT_MAX_BAD_COMMANDS 20

/* The shared part is the first member of struct client. */
static struct client *client_from_worker(struct mail_worker_client *worker)
{
	return (struct client *)worker;
}

static bool client_output_more(struct mail_worker_client *worker)
{
	struct client_command_context *cmd = client_from_worker(worker)->cmd;
	bool finished;

	finished = cmd->func(cmd);
	if (finished)
		client_command_finish(cmd);
	return finished;
}

void client_disconnect(struct client *client, const char *reason)
{
	mail_worker_client_disconnect(&client->worker, reason);
}

static void client_worker_destroy(struct mail_worker_client *worker)
{
	struct client *client = client_from_worker(worker);

	if (client->cmd != NULL)
		client_command_free(client->cmd);
	client_close_mailbox(client);
	imap_notify_deinit(client);
	array_free(&client->search_saved_uids);
	array_free(&client->search_updates);
	imap_parser_destroy(&client->parser);
	mail_worker_client_deinit(&client->worker);
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
	mail_worker_client_send_line(&client->worker, line);
}

void client_cmd_reply(struct client_command_context *cmd, const char *reply)
{
	cmd->reply = p_strdup(cmd->pool, reply);
}

void client_cmd_bad(struct client_command_context *cmd, const char *error)
{
	cmd->reply = p_strdup_printf(cmd->pool,
				     "BAD Error in IMAP command %s%s: %s",
				     cmd->uid ? "UID " : "", cmd->name, error);
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
	array_clear(&client->search_saved_uids);
	imap_search_update_clear(client);
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
	mail_worker_client_bye(&client->worker,
			       "Too many invalid IMAP commands");
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
	imap_notify_flush(client);
	client_send_line(client, t_strdup_printf("%s %s", cmd->tag,
		imap_condstore_tagged_reply(client, cmd->reply)));
	client_command_free(cmd);
	client_reset_command(client);
	if (client->compress_start)
		imap_compress_start(client);
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

/* After a parse error: if the parser cannot go on, says BYE and
   returns true. */
static bool client_parse_error_is_fatal(struct client *client)
{
	const char *error;
	bool fatal;

	error = imap_parser_get_error(client->parser, &fatal);
	if (fatal)
		mail_worker_client_bye(&client->worker, error);
	return fatal;
}

static void client_parse_error(struct client *client)
{
	const char *error;
	bool fatal;

	if (client_parse_error_is_fatal(client))
		return;
	error = imap_parser_get_error(client->parser, &fatal);
	if (client->cmd_name == NULL) {
		client_send_line(client, t_strdup_printf(
			"%s BAD Error in IMAP command received by server.",
			client->cmd_tag == NULL ? "*" : client->cmd_tag));
	} else {
		client_send_line(client, t_strdup_printf(
			"%s BAD Error in IMAP command %s%s: %s",
			client->cmd_tag, client->cmd_uid ? "UID " : "",
			t_str_ucase(client->cmd_name), error));
	}
	client_reset_command(client);
	client_count_bad(client, true);
}

/* Reads one line for the running command's input function (IDLE's
   DONE). Returns false when more input is needed. */
static bool client_read_command_input(struct client *client)
{
	struct client_command_context *cmd = client->cmd;
	const struct imap_arg *args = NULL;
	const char *word;
	int ret = -1;

	i_assert(cmd->input != NULL);
	/* the line's first word is kept where a tag would be */
	if (client->cmd_tag == NULL) {
		client->cmd_tag = imap_parser_read_word(client->parser);
		if (client->cmd_tag == NULL)
			return false;
	}
	word = client->cmd_tag;
	if (word[0] != '\0') {
		ret = imap_parser_read_args(client->parser, 0, 0, &args);
		if (ret == -2)
			return false;
	}
	if (ret < 0 && client_parse_error_is_fatal(client))
		return true;
	if (cmd->input(cmd, ret < 0 ? NULL : word, args))
		client_command_finish(cmd);
	else
		client_reset_command(client);
	return true;
}

/* The mailbox argument name as the client sent it, for the log ("?"
   if arg is not a valid one). */
static const char *client_log_mailbox_arg(const struct imap_arg *arg)
{
	string_t *vname = t_str_new(64);
	const char *name;

	if (!imap_arg_get_astring(arg, &name) ||
	    imap_utf7_to_utf8(name, vname) < 0)
		return "?";
	return imap_mailbox_printable(str_c(vname));
}

/* Reads APPEND's arguments as imap_parser_read_args() does, with
   literal8 (RFC 3516) and messages up to imap_max_append_size. The
   mailbox is read first, for the log line when the messages are over
   that limit. */
static int client_read_append_args(struct client *client,
				   const struct imap_arg **args_r)
{
	struct imap_arg mailbox = { .type = IMAP_ARG_EOL };
	uoff_t size;
	int ret;

	imap_parser_set_max_literal_size(client->parser,
					 client->set->imap_max_append_size);
	ret = imap_parser_read_args(client->parser, 1,
				    IMAP_PARSE_FLAG_LITERAL8, args_r);
	/* a copy: the args array may move as more are parsed */
	if (ret > 0)
		mailbox = (*args_r)[0];
	if (ret >= 0) {
		ret = imap_parser_read_args(client->parser, 0,
					    IMAP_PARSE_FLAG_LITERAL8, args_r);
	}
	size = imap_parser_get_refused_literals_size(client->parser);
	if (ret == -1 && size > 0) {
		i_info("APPEND to %s: Rejected %llu bytes of messages "
		       "(imap_max_append_size=%llu)",
		       client_log_mailbox_arg(&mailbox),
		       (unsigned long long)size,
		       (unsigned long long)client->set->imap_max_append_size);
	}
	return ret;
}

/* Reads and runs one command. Returns false when more input is
   needed. */
static bool client_read_command(struct mail_worker_client *worker)
{
	struct client *client = client_from_worker(worker);
	const struct imap_arg *args;
	int ret;

	if (client->cmd != NULL)
		return client_read_command_input(client);
	ret = client_read_command_name(client);
	if (ret == 0)
		return false;
	if (ret > 0) {
		ret = strcasecmp(client->cmd_name, "APPEND") == 0 ?
			client_read_append_args(client, &args) :
			imap_parser_read_args(client->parser, 0,
					      IMAP_PARSE_FLAG_NONE, &args);
		if (ret == -2)
			return false;
	}
	if (ret < 0) {
		client_parse_error(client);
		return true;
	}
	client_command_run(client, client->cmd_tag, client->cmd_name,
			   client->cmd_uid, args);
	/* a command that goes on reading input gets the next line */
	if (client->cmd != NULL && client->cmd->input != NULL)
		client_reset_command(client);
	return true;
}

static const struct mail_worker_client_def client_def = {
	.bye_prefix = "* BYE",
	.line_too_long = "Command line too long",
	.read_command = client_read_command,
	.output_more = client_output_more,
	.destroy = client_worker_destroy,
};

static struct imap_parser *client_parser_create(struct client *client)
{
	/* The parser reports a too long line before the buffer is full. */
	return imap_parser_create(client->worker.input, client->worker.output,
				  client->set->imap_max_line_length,
				  IMAP_CLIENT_MAX_LITERAL_SIZE);
}

void client_replace_fd(struct client *client, int fd)
{
	mail_worker_client_replace_fd(&client->worker, fd);
	imap_parser_destroy(&client->parser);
	client->parser = client_parser_create(client);
}

struct mail_worker_client *
client_start(int fd, const void *set, struct mail_user *user,
	     const struct login_handoff *handoff)
{
	struct client *client;

	client = i_new(struct client, 1);
	client->set = set;
	client->state = CLIENT_STATE_AUTH;
	i_array_init(&client->search_saved_uids, 8);
	i_array_init(&client->search_updates, 4);
	mail_worker_client_init(&client->worker, &client_def, fd, user,
				&handoff->remote_ip,
				client->set->imap_max_line_length,
				client->set->imap_client_idle_timeout);
	client->parser = client_parser_create(client);
	imap_parser_set_prefix(client->parser, handoff->input,
			       handoff->input_size);
	if (handoff->tag != NULL && handoff->tag[0] != '\0') {
		client_send_line(client, t_strdup_printf(
			"%s OK [CAPABILITY %s] Logged in", handoff->tag,
			client_get_capability(client)));
	}
	mail_worker_client_start_input(&client->worker);
	return &client->worker;
}
