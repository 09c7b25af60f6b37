/* Copyright (c) Cove authors. See AUTHORS. */

/* LMTP connection handling. Commands are parsed from whatever is buffered
   and answered in order, output corked per batch, so that a pipelined
   envelope gets its replies in one packet. When DATA has been accepted,
   the same istream feeds the dot-unstuffing reader, whose output goes to
   a spool; after the final dot every recipient gets its own reply from
   lmtp-local.c, and command parsing resumes with any pipelined input.
   BDAT chunks are read the same way by the chunk reader into one spool,
   and the LAST chunk ends the message like the final dot. */

#include "lib.h"
#include "llist.h"
#include "str.h"
#include "buffer.h"
#include "randgen.h"
#include "base64.h"
#include "ioloop.h"
#include "istream.h"
#include "ostream.h"
#include "master-service.h"
#include "mail-storage-settings.h"
#include "smtp-command-parser.h"
#include "smtp-chunk-reader.h"
#include "smtp-data-reader.h"
#include "smtp-reply.h"
#include "smtp-spool.h"
#include "lmtp-settings.h"
#include "lmtp-commands.h"
#include "lmtp-local.h"
#include "lmtp-client.h"

/* Input buffer: a command line or a block of message data. */
#define LMTP_CLIENT_MAX_INBUF_SIZE (64 * 1024)
/* Stop reading commands while this much output waits for the client. */
#define LMTP_CLIENT_MAX_OUTBUF_SIZE (64 * 1024)
/* Consecutive invalid commands before disconnecting. */
#define LMTP_CLIENT_MAX_BAD_COMMANDS 10
/* Messages up to this size are spooled in memory, larger ones to a file
   in mail_temp_dir. */
#define LMTP_CLIENT_SPOOL_MAX_MEMORY (1024 * 1024)

static struct client *clients = NULL;

static void client_input(struct client *client);
static void client_process(struct client *client);

/* A random session ID: 9 bytes in base64 without '+' and '/'. */
static char *client_session_id_generate(void)
{
	unsigned char rand[9];
	buffer_t *buf = buffer_create_dynamic(datastack_pool, 16);
	char *id;

	random_fill(rand, sizeof(rand));
	base64_encode(rand, sizeof(rand), buf);
	id = i_strndup(buf->data, buf->used);
	for (char *p = id; *p != '\0'; p++) {
		if (*p == '+')
			*p = '-';
		else if (*p == '/')
			*p = '_';
	}
	return id;
}

/* RFC 5321 4.5.3.2.7: the server may close a connection that has been
   idle for lmtp_client_idle_timeout. */
static void client_idle_timeout(struct client *client)
{
	client_send_line(client, "421 4.4.2 %s Disconnected for inactivity",
			 client->hostname);
	client_destroy(client, t_strdup_printf(
		"Disconnected: Inactivity - no input for %ld secs",
		(long)(ioloop_time - client->last_input)));
}

static void client_resume(struct client *client)
{
	timeout_remove(&client->to_resume);
	client->io = io_add(client->fd, IO_READ, client_input, client);
	client_process(client);
}

/* The ostream's flush callback. It must not destroy the client (the
   stream is in use), so a resume after backpressure runs from a timeout. */
static int client_output(struct client *client)
{
	int ret = o_stream_flush(client->output);

	if (ret != 0 && client->io == NULL && client->to_resume == NULL) {
		/* drained (or failed: then the read side sees the end) */
		client->to_resume = timeout_add(0, client_resume, client);
	}
	return ret;
}

struct client *client_create(const struct master_service_connection *conn,
			     const struct lmtp_settings *set,
			     const struct mail_storage_settings *mail_set,
			     const char *hostname,
			     const char *auth_socket_path)
{
	struct client *client;

	client = i_new(struct client, 1);
	client->set = set;
	client->mail_set = mail_set;
	client->hostname = hostname;
	client->auth_socket_path = auth_socket_path;
	client->session_id = client_session_id_generate();
	client->unix_socket = conn->unix_socket;
	client->remote = conn->unix_socket ? i_strdup("unix") :
		i_strdup(net_ip2addr(&conn->remote_ip));
	client->fd = conn->fd;
	fd_set_nonblock(client->fd, true);
	client->input = i_stream_create_fd(client->fd,
					   LMTP_CLIENT_MAX_INBUF_SIZE, false);
	client->output = o_stream_create_fd(client->fd, false);
	o_stream_set_flush_callback(client->output, client_output, client);
	client->parser = smtp_command_parser_init(client->input,
						  LMTP_MAX_LINE_LENGTH);
	client->data_buf = buffer_create_dynamic(default_pool, 4096);
	client->io = io_add(client->fd, IO_READ, client_input, client);
	client->last_input = ioloop_time;
	client->to_idle = timeout_add(set->lmtp_client_idle_timeout * 1000,
				      client_idle_timeout, client);

	DLLIST_PREPEND(&clients, client);

	i_debug("<%s>: Connect from %s", client->session_id, client->remote);
	client_send_line(client, "220 %s Cove LMTP ready", hostname);
	return client;
}

static void client_data_end(struct client *client)
{
	if (client->data_reader != NULL)
		smtp_data_reader_deinit(&client->data_reader);
	if (client->chunk_reader != NULL)
		smtp_chunk_reader_deinit(&client->chunk_reader);
	client->chunk_reading = false;
	if (client->spool != NULL)
		smtp_spool_destroy(&client->spool);
	buffer_set_used_size(client->data_buf, 0);
	i_free(client->spool_error);
}

void client_destroy(struct client *client, const char *reason)
{
	if (client->destroyed)
		return;
	client->destroyed = true;
	if (reason != NULL) {
		i_info("<%s>: %s (remote %s)", client->session_id, reason,
		       client->remote);
	}
	DLLIST_REMOVE(&clients, client);

	client_transaction_reset(client);
	/* best effort: the last reply (221, 421) if the socket takes it */
	(void)o_stream_flush(client->output);
	if (client->io != NULL)
		io_remove(&client->io);
	if (client->to_resume != NULL)
		timeout_remove(&client->to_resume);
	timeout_remove(&client->to_idle);
	smtp_command_parser_deinit(&client->parser);
	i_stream_destroy(&client->input);
	o_stream_destroy(&client->output);
	if (close(client->fd) < 0)
		i_error("close(lmtp client) failed: %m");
	buffer_free(&client->data_buf);
	i_free(client->session_id);
	i_free(client->remote);
	i_free(client->lhlo_domain);
	i_free(client);
	master_service_client_connection_destroyed(master_service);
}

void clients_destroy_all(void)
{
	while (clients != NULL) {
		client_send_line(clients, "421 4.3.2 %s Shutting down",
				 clients->hostname);
		client_destroy(clients, "Disconnected: Shutting down");
	}
}

void client_send_line(struct client *client, const char *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	T_BEGIN {
		const char *line = t_strdup_vprintf(fmt, args);

		o_stream_nsend_str(client->output,
				   t_strconcat(line, "\r\n", NULL));
	} T_END;
	va_end(args);
}

void client_send_reply_lines(struct client *client, unsigned int code,
			     const char *const *lines)
{
	string_t *reply = t_str_new(256);

	smtp_reply_append_lines(reply, code, NULL, lines);
	o_stream_nsend(client->output, str_data(reply), str_len(reply));
}

struct lmtp_transaction *client_transaction_begin(struct client *client)
{
	pool_t pool = pool_alloconly_create("lmtp transaction", 1024);

	i_assert(client->trans == NULL);
	client->trans = p_new(pool, struct lmtp_transaction, 1);
	client->trans->pool = pool;
	p_array_init(&client->trans->rcpts, pool, 4);
	return client->trans;
}

void client_transaction_reset(struct client *client)
{
	pool_t pool;

	client_data_end(client);
	if (client->trans == NULL)
		return;
	pool = client->trans->pool;
	client->trans = NULL;
	pool_unref(&pool);
}

void client_data_begin(struct client *client)
{
	i_assert(client->data_reader == NULL);
	client->data_reader = smtp_data_reader_init(
		client->input, client->set->lmtp_max_message_size);
	client->spool = smtp_spool_create(client->mail_set->mail_temp_dir,
					  LMTP_CLIENT_SPOOL_MAX_MEMORY);
}

void client_bdat_begin(struct client *client, uoff_t size, bool last,
		       bool discard)
{
	i_assert(client->data_reader == NULL);
	if (client->chunk_reader == NULL) {
		client->chunk_reader = smtp_chunk_reader_init(
			client->input, client->set->lmtp_max_message_size);
	}
	if (client->spool == NULL && !discard) {
		client->spool = smtp_spool_create(
			client->mail_set->mail_temp_dir,
			LMTP_CLIENT_SPOOL_MAX_MEMORY);
	}
	smtp_chunk_reader_begin(client->chunk_reader, size, discard);
	client->chunk_reading = true;
	client->chunk_discard = discard;
	client->chunk_last = last;
}

/* Moves what the reader produced into the spool. A failure is kept and
   reported after the final dot: the message must still be read to its
   end to stay in sync with the client. */
static void client_data_spool(struct client *client)
{
	const char *error;

	if (client->data_buf->used == 0)
		return;
	if (client->spool != NULL && client->spool_error == NULL &&
	    smtp_spool_append(client->spool, client->data_buf->data,
			      client->data_buf->used, &error) < 0)
		client->spool_error = i_strdup(error);
	buffer_set_used_size(client->data_buf, 0);
}

/* Returns true if the message (DATA or BDAT) grew over the size limit;
   size_r is its size. */
static bool client_data_is_too_big(struct client *client, uoff_t *size_r)
{
	if (client->data_reader != NULL) {
		*size_r = smtp_data_reader_get_size(client->data_reader);
		return smtp_data_reader_is_too_big(client->data_reader);
	}
	*size_r = smtp_chunk_reader_get_size(client->chunk_reader);
	return smtp_chunk_reader_is_too_big(client->chunk_reader);
}

/* The final dot (or the LAST chunk) was read: reply for every recipient,
   in RCPT order. */
static void client_data_finish(struct client *client)
{
	uoff_t size;

	o_stream_cork(client->output);
	if (client_data_is_too_big(client, &size)) {
		i_info("<%s>: Rejected a message of %llu bytes "
		       "(lmtp_max_message_size)", client->session_id,
		       (unsigned long long)size);
		array_foreach(&client->trans->rcpts, rcptp) {
			client_send_line(client,
				"552 5.3.4 <%s> Message too big",
				(*rcptp)->address_str);
		}
	} else if (client->spool_error != NULL) {
		i_error("<%s>: Failed to spool the message: %s",
			client->session_id, client->spool_error);
		array_foreach(&client->trans->rcpts, rcptp) {
			client_send_line(client,
				"451 4.3.0 <%s> Temporary internal error",
				(*rcptp)->address_str);
		}
	} else {
		lmtp_local_deliver_all(client, client->spool);
	}
	o_stream_uncork(client->output);
	client_transaction_reset(client);
}

/* A whole chunk was read: the LAST one ends the message, others get
   their own reply (a discarded chunk had its reply already). */
static void client_chunk_finish(struct client *client)
{
	client->chunk_reading = false;
	if (client->chunk_discard) {
		if (client->spool == NULL)
			client_data_end(client);
	} else if (client->chunk_last) {
		client_data_finish(client);
	} else {
		client_send_line(client, "250 2.0.0 OK %llu octets received",
				 (unsigned long long)smtp_chunk_reader_get_size(
					 client->chunk_reader));
	}
}

static bool client_is_reading_message(const struct client *client)
{
	return client->data_reader != NULL || client->chunk_reading;
}

/* Reads message data (after DATA or BDAT). Returns 1 when the message or
   chunk has been handled, 0 if more input is needed, -1 if the client was
   destroyed. */
static int client_input_message(struct client *client)
{
	bool chunk = client->data_reader == NULL;
	int ret;

	T_BEGIN {
		ret = chunk ?
			smtp_chunk_reader_read(client->chunk_reader,
					       client->data_buf) :
			smtp_data_reader_read(client->data_reader,
					      client->data_buf);
		client_data_spool(client);
	} T_END;
	if (ret == 0)
		return 0;
	if (ret < 0) {
		/* nothing is delivered from a message cut short */
		client_destroy(client, chunk ? "Disconnected in BDAT" :
			       "Disconnected in DATA");
		return -1;
	}
	T_BEGIN {
		if (chunk)
			client_chunk_finish(client);
		else
			client_data_finish(client);
	} T_END;
	return 1;
}

/* Handles one parsed (or rejected) line. A client that sends nothing but
   garbage (or speaks another protocol) is disconnected. */
static void client_handle_line(struct client *client, int ret,
			       const struct smtp_command *cmd,
			       const char *error)
{
	if (ret < 0)
		client_send_line(client, "500 5.5.2 %s", error);
	if (ret > 0 && lmtp_command_execute(client, cmd)) {
		client->bad_commands = 0;
		return;
	}
	if (++client->bad_commands >= LMTP_CLIENT_MAX_BAD_COMMANDS) {
		client_send_line(client, "421 4.7.0 %s Too many invalid "
				 "commands", client->hostname);
		i_info("<%s>: Disconnected: Too many invalid commands "
		       "(remote %s)", client->session_id, client->remote);
		client->quit = true;
	}
}

/* Runs the buffered commands until input runs out, DATA or a BDAT chunk
   starts, the client quits or too much output is waiting. Returns true
   if message data follows. */
static bool client_handle_commands(struct client *client)
{
	struct smtp_command cmd;
	const char *error;
	int ret = 1;

	o_stream_cork(client->output);
	while (!client_is_reading_message(client) && !client->quit &&
	       ret != 0) {
		if (o_stream_get_buffer_used_size(client->output) >
		    LMTP_CLIENT_MAX_OUTBUF_SIZE) {
			/* the client is not reading its replies */
			if (client->io != NULL)
				io_remove(&client->io);
			o_stream_set_flush_pending(client->output, true);
			break;
		}
		T_BEGIN {
			ret = smtp_command_parser_next(client->parser, &cmd,
						       &error);
			if (ret != 0)
				client_handle_line(client, ret, &cmd, error);
		} T_END;
	}
	o_stream_uncork(client->output);
	return client_is_reading_message(client);
}

/* Processes buffered input (commands, message data, commands pipelined
   after the message ...) until more input is needed. */
static void client_process(struct client *client)
{
	for (;;) {
		if (client_is_reading_message(client)) {
			if (client_input_message(client) <= 0)
				return;
		} else if (!client_handle_commands(client)) {
			break;
		}
	}
	if (client->quit) {
		client_destroy(client, NULL);
		return;
	}
	/* idle from the replies on: a delivery that waited long for a lock
	   does not count */
	timeout_reset(client->to_idle);
}

static void client_input(struct client *client)
{
	client->last_input = ioloop_time;
	timeout_reset(client->to_idle);
	if (!client_is_reading_message(client) &&
	    i_stream_read(client->input) == -1) {
		client_destroy(client, client->input->stream_errno == 0 ?
			       "Disconnected" :
			       t_strdup_printf("Disconnected: %s",
				       i_stream_get_error(client->input)));
		return;
	}
	client_process(client);
}
