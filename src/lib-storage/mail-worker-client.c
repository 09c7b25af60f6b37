/* Copyright (c) Cove authors. See AUTHORS. */

/* The connection part shared by the post-login workers' clients: the
   input loop, output flow control, the inactivity timeout and the
   disconnect. The protocol's parts come from its struct
   mail_worker_client_def. */

#include "lib.h"
#include "ioloop.h"
#include "net.h"
#include "istream.h"
#include "ostream.h"
#include "master-service.h"
#include "mail-storage.h"
#include "mail-worker-client.h"

/* RFC 3501 5.4, RFC 1939 3, RFC 5321 4.5.3.2.7: the server may close a
   connection that has been idle for its autologout time. */
static void mail_worker_client_idle_timeout(struct mail_worker_client *client)
{
	mail_worker_client_send_bye(client, "Disconnected for inactivity");
	mail_worker_client_disconnect(client, t_strdup_printf(
		"Inactivity - no input for %ld secs (rip=%s)",
		(long)(ioloop_time - client->last_input),
		net_ip2addr(&client->remote_ip)));
}

static void
mail_worker_client_handle_input(struct mail_worker_client *client)
{
	bool more;

	o_stream_cork(client->output);
	do {
		T_BEGIN {
			more = client->def->read_command(client);
		} T_END;
	} while (more && !client->output_continues && !client->disconnected);
	mail_worker_client_uncork(client);
}

static void mail_worker_client_input(struct mail_worker_client *client)
{
	ssize_t ret;

	client->last_input = ioloop_time;
	if (client->to_idle != NULL)
		timeout_reset(client->to_idle);
	ret = i_stream_read(client->input);
	if (ret == -1) {
		mail_worker_client_disconnect(client,
			client->input->stream_errno == 0 ? "Connection closed" :
			i_stream_get_error(client->input));
		return;
	}
	if (ret == -2) {
		mail_worker_client_bye(client, client->def->line_too_long);
		return;
	}
	mail_worker_client_handle_input(client);
}

static int mail_worker_client_output(struct mail_worker_client *client)
{
	bool finished;

	if (!client->output_continues || client->disconnected)
		return 1;
	if (client->to_idle != NULL)
		timeout_reset(client->to_idle);
	o_stream_cork(client->output);
	T_BEGIN {
		finished = client->def->output_more(client);
	} T_END;
	mail_worker_client_uncork(client);
	if (!finished)
		return client->disconnected ? 1 : 0;
	client->output_continues = false;
	if (!client->disconnected)
		mail_worker_client_start_input(client);
	return client->output_continues ? 0 : 1;
}

void mail_worker_client_init(struct mail_worker_client *client,
			     const struct mail_worker_client_def *def,
			     int fd, struct mail_user *user,
			     const struct ip_addr *remote_ip,
			     size_t max_line_length,
			     unsigned int idle_timeout_secs)
{
	client->def = def;
	client->user = user;
	client->remote_ip = *remote_ip;
	client->fd = fd;
	fd_set_nonblock(fd, true);
	if (net_set_tcp_nodelay(fd) < 0)
		i_error("setsockopt(TCP_NODELAY) failed: %m");
	client->input = i_stream_create_fd(fd, max_line_length, false);
	client->output = o_stream_create_fd(fd, false);
	o_stream_set_flush_callback(client->output, mail_worker_client_output,
				    client);
	client->idle_timeout_secs = idle_timeout_secs;
	mail_worker_client_idle_timeout_resume(client);
}

void mail_worker_client_replace_fd(struct mail_worker_client *client,
				   int fd)
{
	size_t max_line_length = i_stream_get_max_buffer_size(client->input);
	bool reading = client->io != NULL;

	if (reading)
		io_remove(&client->io);
	o_stream_destroy(&client->output);
	i_stream_destroy(&client->input);
	i_close_fd(&client->fd);
	client->fd = fd;
	fd_set_nonblock(fd, true);
	client->input = i_stream_create_fd(fd, max_line_length, false);
	client->output = o_stream_create_fd(fd, false);
	o_stream_set_flush_callback(client->output, mail_worker_client_output,
				    client);
	if (reading) {
		client->io = io_add(fd, IO_READ, mail_worker_client_input,
				    client);
	}
}

void mail_worker_client_deinit(struct mail_worker_client *client)
{
	mail_user_deinit(&client->user);
	if (client->io != NULL)
		io_remove(&client->io);
	if (client->to_idle != NULL)
		timeout_remove(&client->to_idle);
	(void)o_stream_flush(client->output);
	o_stream_destroy(&client->output);
	i_stream_destroy(&client->input);
	net_close_gracefully(&client->fd);
}

void mail_worker_client_start_input(struct mail_worker_client *client)
{
	client->io = io_add(client->fd, IO_READ, mail_worker_client_input,
			    client);
	mail_worker_client_handle_input(client);
}

void mail_worker_client_continue(struct mail_worker_client *client)
{
	client->output_continues = true;
	io_remove(&client->io);
	o_stream_set_flush_pending(client->output, true);
}

void mail_worker_client_idle_timeout_pause(struct mail_worker_client *client)
{
	timeout_remove(&client->to_idle);
}

void mail_worker_client_idle_timeout_resume(struct mail_worker_client *client)
{
	if (client->disconnected || client->to_idle != NULL)
		return;
	client->last_input = ioloop_time;
	client->to_idle = timeout_add(client->idle_timeout_secs * 1000,
				      mail_worker_client_idle_timeout, client);
}

void mail_worker_client_uncork(struct mail_worker_client *client)
{
	o_stream_uncork(client->output);
	if (client->output->stream_errno != 0 && !client->disconnected) {
		mail_worker_client_disconnect(client,
			o_stream_get_error(client->output));
	}
}

void mail_worker_client_send_line(struct mail_worker_client *client,
				  const char *line)
{
	/* one send: uncorked output is written at once */
	o_stream_nsend_str(client->output, t_strconcat(line, "\r\n", NULL));
}

void mail_worker_client_disconnect(struct mail_worker_client *client,
				   const char *reason)
{
	if (client->disconnected)
		return;
	client->disconnected = true;
	if (client->def->get_log_stats == NULL) {
		i_info("Disconnected: %s", reason);
	} else {
		i_info("Disconnected: %s %s", reason,
		       client->def->get_log_stats(client));
	}
	if (client->io != NULL)
		io_remove(&client->io);
	timeout_remove(&client->to_idle);
	(void)o_stream_flush(client->output);
	master_service_client_connection_destroyed(master_service);
}

void mail_worker_client_send_bye(struct mail_worker_client *client,
				 const char *reason)
{
	mail_worker_client_send_line(client,
		client->def->get_bye_line != NULL ?
		client->def->get_bye_line(client, reason) :
		t_strdup_printf("%s %s.", client->def->bye_prefix, reason));
}

void mail_worker_client_bye(struct mail_worker_client *client,
			    const char *reason)
{
	mail_worker_client_send_bye(client, reason);
	mail_worker_client_disconnect(client, reason);
}
