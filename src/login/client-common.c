/* Copyright (c) Cove authors. See AUTHORS. */
/* Pre-login client lifecycle shared by every protocol: connection and
   streams, the login timeout, reading input, counting bad commands, and
   the log lines that fail2ban reads:

     Login: user=<u1>, method=PLAIN, rip=..., lip=..., session=<...>
     Disconnected[: reason] (no auth attempts in 3 secs): user=<>, ...
     Disconnected[: reason] (auth failed, 2 attempts in 9 secs): ... */

#include "lib.h"
#include "llist.h"
#include "ioloop.h"
#include "istream.h"
#include "str.h"
#include "ostream.h"
#include "base64.h"
#include "randgen.h"
#include "master-service.h"
#include "login-common.h"
#include "login-sasl.h"
#include "login-ssl.h"
#include "client-common.h"

/* 9 random bytes are 12 base64 characters without padding. */
#define CLIENT_SESSION_ID_BYTES 9
/* Reads of up to 4 kB that a disconnect spends on discarding input. */
#define CLIENT_DRAIN_MAX_READS 16

struct client *clients;

static const char *client_session_id_create(pool_t pool)
{
	unsigned char rand[CLIENT_SESSION_ID_BYTES];
	string_t *str = t_str_new(16);

	random_fill(rand, sizeof(rand));
	base64_encode(rand, sizeof(rand), str);
	return p_strdup(pool, str_c(str));
}

/* Unix socket connections, and connections from this host's own address
   to itself, do not cross the network. As in Dovecot, a loopback address
   other than the one connected to does not count: that lets tests play an
   insecure client from 127.0.0.2. */
static bool client_is_local(const struct client *client)
{
	return client->remote_ip.family == 0 ||
		net_ip_compare(&client->remote_ip, &client->local_ip);
}

void client_set_proxied_remote(struct client *client, const char *ip,
			       const char *port)
{
	struct ip_addr addr;
	unsigned int port_num = 0;

	if (!client->trusted) {
		i_info("Ignored the client address from an untrusted peer "
		       "(rip=%s, session=<%s>)",
		       net_ip2addr(&client->remote_ip), client->session_id);
		return;
	}
	if (net_addr2ip(ip, &addr) < 0 ||
	    (port != NULL && (str_to_uint(port, &port_num) < 0 ||
			      port_num == 0 || port_num > 65535))) {
		i_info("Ignored an invalid client address from the proxy: "
		       "%s%s%s (rip=%s, session=<%s>)", ip,
		       port == NULL ? "" : " port ", port == NULL ? "" : port,
		       net_ip2addr(&client->remote_ip), client->session_id);
		return;
	}
	i_info("Client address from the proxy: %s (proxy=%s, session=<%s>)",
	       net_ip2addr(&addr), net_ip2addr(&client->remote_ip),
	       client->session_id);
	client->remote_ip = addr;
	if (port != NULL)
		client->remote_port = port_num;
	client->proxied_remote = true;
}

static bool client_is_trusted(const struct client *client)
{
	const char *error;
	int ret;

	if (client->remote_ip.family == 0)
		return false;
	ret = login_settings_ip_in_networks(login_set->login_trusted_networks,
					    &client->remote_ip, &error);
	if (ret < 0)
		i_error("%s", error);
	return ret > 0;
}

static void client_input(struct client *client);

static bool client_output_is_full(const struct client *client)
{
	return o_stream_get_buffer_used_size(client->output) >=
		LOGIN_MAX_OUTBUF_SIZE;
}

static int client_output_flushed(struct client *client)
{
	if (client->output->stream_errno != 0) {
		client_destroy(client, NULL);
		return -1;
	}
	/* input stopped because of full output: go on */
	if (client->io == NULL &&
	    client->auth_state != CLIENT_AUTH_STATE_WAIT_SERVER)
		client_input_buffered(client);
	return 1;
}

static void client_login_timeout(struct client *client)
{
	client_disconnect(client, "Disconnected for inactivity.",
			  "Inactivity");
}

static void client_input_resume(struct client *client)
{
	if (client->io == NULL)
		client->io = io_add(client->fd, IO_READ, client_input, client);
}

static void client_input_stop(struct client *client)
{
	io_remove(&client->io);
}

static void client_streams_create(struct client *client)
{
	fd_set_nonblock(client->fd, true);
	client->input = i_stream_create_fd(client->fd, LOGIN_MAX_INBUF_SIZE,
					   false);
	client->output = o_stream_create_fd(client->fd, false);
	o_stream_set_flush_callback(client->output, client_output_flushed,
				    client);
}

/* For an ssl listener: replaces conn->fd with the TLS proxy's plaintext
   end. Returns 0, or -1 (logged, conn->fd closed). */
static int client_implicit_ssl(struct master_service_connection *conn)
{
	const char *error;
	int plain_fd;

	if (login_ssl_ctx == NULL)
		error = "ssl = yes on the listener, but ssl = no";
	else if (login_ssl_proxy_create(login_ssl_ctx, conn->fd, &plain_fd,
					&error) == 0) {
		conn->fd = plain_fd;
		return 0;
	}
	i_error("%s: Can't start TLS: %s", conn->name, error);
	i_close_fd(&conn->fd);
	master_service_client_connection_destroyed(master_service);
	return -1;
}

struct client *client_create(const struct master_service_connection *_conn,
			     const struct client_vfuncs *v)
{
	struct master_service_connection conn_copy = *_conn;
	const struct master_service_connection *conn = &conn_copy;
	struct client *client;
	pool_t pool;

	if (conn->ssl && client_implicit_ssl(&conn_copy) < 0)
		return NULL;

	pool = pool_alloconly_create("login client", 2048);
	client = v->alloc(pool);
	client->pool = pool;
	client->v = v;
	client->refcount = 1;
	client->fd = conn->fd;
	client->local_ip = conn->local_ip;
	client->remote_ip = conn->remote_ip;
	client->local_port = conn->local_port;
	client->remote_port = conn->remote_port;
	client->created = ioloop_time;
	client->session_id = client_session_id_create(pool);
	client->ssl = conn->ssl;
	client->trusted = client_is_trusted(client);
	client->secured = client->ssl || client_is_local(client) ||
		client->trusted;

	client_streams_create(client);
	client->to_login = timeout_add(I_MIN(login_set->login_timeout,
					     UINT_MAX / 1000) * 1000,
				       client_login_timeout, client);

	DLLIST_PREPEND(&clients, client);

	if (v->create != NULL)
		v->create(client);
	if (auth_client_is_connected(auth_client)) {
		client_input_resume(client);
		v->send_greeting(client);
	} else {
		client->greeting_pending = true;
	}
	return client;
}

static const char *client_get_auth_state_text(const struct client *client)
{
	unsigned int secs = ioloop_time - client->created;

	if (client->auth_failures > 0) {
		return t_strdup_printf("auth failed, %u attempts in %u secs",
				       client->auth_failures, secs);
	}
	if (client->auth_tried_disallowed_plaintext)
		return "tried to use disallowed plaintext auth";
	if (client->auth_aborted)
		return t_strdup_printf("auth aborted in %u secs", secs);
	if (client->auth_attempts > 0) {
		return t_strdup_printf(
			"auth unfinished, %u attempts in %u secs",
			client->auth_attempts, secs);
	}
	return t_strdup_printf("no auth attempts in %u secs", secs);
}

/* Client-chosen text for the log: control characters become '?'. */
static const char *client_log_str(const char *str)
{
	char *ret = t_strdup_noconst(str), *p;

	for (p = ret; *p != '\0'; p++) {
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	}
	return ret;
}

/* "user=<u1>, method=PLAIN, rip=..., lip=..., [TLS, ]session=<...>" */
static const char *client_get_log_fields(const struct client *client)
{
	string_t *str = t_str_new(128);

	str_printfa(str, "user=<%s>, ", client->auth_user == NULL ? "" :
		    client_log_str(client->auth_user));
	if (client->auth_mech != NULL)
		str_printfa(str, "method=%s, ",
			    client_log_str(client->auth_mech));
	str_printfa(str, "rip=%s, ", net_ip2addr(&client->remote_ip));
	str_printfa(str, "lip=%s, ", net_ip2addr(&client->local_ip));
	if (client->ssl)
		str_append(str, "TLS, ");
	str_printfa(str, "session=<%s>", client->session_id);
	return str_c(str);
}

void client_log_login(struct client *client)
{
	i_info("Login: %s", client_get_log_fields(client));
}

static void client_log_disconnect(struct client *client, const char *reason)
{
	i_info("Disconnected%s%s (%s): %s",
	       reason == NULL ? "" : ": ", reason == NULL ? "" : reason,
	       client_get_auth_state_text(client),
	       client_get_log_fields(client));
}

static void client_close(struct client *client)
{
	client_auth_abort(client);
	client->v->destroy(client);
	timeout_remove(&client->to_login);
	io_remove(&client->io);
	i_stream_destroy(&client->input);
	o_stream_destroy(&client->output);
	if (client->fd != -1) {
		if (close(client->fd) < 0)
			i_error("close(client) failed: %m");
		client->fd = -1;
	}

	DLLIST_REMOVE(&clients, client);
	master_service_client_connection_destroyed(master_service);
}

/* Drops what the client sent that we did not read: closing a socket with
   unread input resets the connection, which can make the client lose our
   last reply. Bounded, so a client that keeps sending gets the reset. */
static void client_drain_input(struct client *client)
{
	unsigned char buf[4096];
	unsigned int i;

	for (i = 0; i < CLIENT_DRAIN_MAX_READS; i++) {
		if (read(client->fd, buf, sizeof(buf)) <= 0)
			break;
	}
}

void client_destroy(struct client *client, const char *reason)
{
	if (client->destroyed)
		return;
	client->destroyed = true;
	T_BEGIN {
		client_log_disconnect(client, reason);
	} T_END;
	/* best effort: a client that does not read gets nothing more */
	if (o_stream_is_corked(client->output))
		o_stream_uncork(client->output);
	if (o_stream_flush(client->output) > 0 && reason != NULL)
		client_drain_input(client);
	client_close(client);
	client_unref(&client);
}

void client_destroy_handed_off(struct client *client)
{
	i_assert(!client->destroyed);
	client->destroyed = true;
	client_close(client);
	client_unref(&client);
}

void client_disconnect(struct client *client, const char *text,
		       const char *reason)
{
	if (client->destroyed)
		return;
	client->v->notify_disconnect(client, text);
	client_destroy(client, reason);
}

void client_ref(struct client *client)
{
	i_assert(client->refcount > 0);
	client->refcount++;
}

void client_unref(struct client **_client)
{
	struct client *client = *_client;
	pool_t pool;

	*_client = NULL;
	i_assert(client->refcount > 0);
	if (--client->refcount > 0)
		return;
	i_assert(client->destroyed);
	i_free(client->cmd_tag);
	i_free(client->auth_mech);
	i_free(client->auth_user);
	/* the client itself is in the pool */
	pool = client->pool;
	pool_unref(&pool);
}

void clients_auth_connected(void *context ATTR_UNUSED)
{
	struct client *client, *next;

	for (client = clients; client != NULL; client = next) {
		next = client->next;
		if (!client->greeting_pending)
			continue;
		client->greeting_pending = false;
		client_input_resume(client);
		client->v->send_greeting(client);
	}
}

void client_destroy_all(void)
{
	while (clients != NULL) {
		client_disconnect(clients, "Server shutting down.",
				  "Server shutting down");
	}
}

bool client_is_busy(const struct client *client)
{
	return client->destroyed ||
		client->auth_state != CLIENT_AUTH_STATE_NONE ||
		client_output_is_full(client);
}

void client_send_raw(struct client *client, const char *text)
{
	o_stream_nsend_str(client->output, text);
}

bool client_bad_command(struct client *client)
{
	if (++client->bad_counter < LOGIN_MAX_BAD_COMMANDS)
		return false;
	client_disconnect(client, "Too many invalid commands.",
			  "Too many invalid commands");
	return true;
}

bool client_starttls_available(const struct client *client)
{
	return login_ssl_ctx != NULL && !client->ssl;
}

void client_starttls(struct client *client)
{
	const char *error;
	int plain_fd;

	i_assert(client_starttls_available(client));
	o_stream_uncork(client->output);
	if (o_stream_flush(client->output) <= 0) {
		client_destroy(client, "Can't send the reply to STARTTLS");
		return;
	}
	if (login_ssl_proxy_create(login_ssl_ctx, client->fd, &plain_fd,
				   &error) < 0) {
		i_error("Can't start TLS: %s", error);
		client_destroy(client, "Can't start TLS");
		return;
	}
	/* destroying the input stream drops what was pipelined after the
	   command; the proxy owns the old fd now */
	io_remove(&client->io);
	i_stream_destroy(&client->input);
	o_stream_destroy(&client->output);
	client->fd = plain_fd;
	client->ssl = true;
	client->secured = true;
	client_streams_create(client);
	o_stream_cork(client->output);
	if (client->v->starttls != NULL)
		client->v->starttls(client);
}

bool client_plaintext_allowed(const struct client *client)
{
	/* ssl = required: plaintext authentication only over TLS and from
	   this host, whatever the trusted networks */
	if (strcmp(login_set->ssl, "required") == 0)
		return client->ssl || client_is_local(client);
	return client->secured || !login_set->disable_plaintext_auth;
}

const char *const *client_get_advertised_mechs(const struct client *client)
{
	const char *const *mechs = auth_client_get_mechs(auth_client);
	ARRAY_TYPE(const_string) result;
	bool plaintext_allowed = client_plaintext_allowed(client);

	t_array_init(&result, 8);
	for (; mechs != NULL && *mechs != NULL; mechs++) {
		if (login_sasl_mech_is_private(*mechs))
			continue;
		if (plaintext_allowed || !login_sasl_mech_is_plaintext(*mechs))
			array_push_back(&result, mechs);
	}
	array_append_space(&result);
	return array_idx(&result, 0);
}

/* Feeds one buffered line to the SASL exchange. Returns false if no whole
   line is buffered. */
static bool client_input_auth_line(struct client *client)
{
	const char *line = i_stream_next_line(client->input);

	if (line == NULL)
		return false;
	T_BEGIN {
		client_auth_input_line(client, line);
	} T_END;
	return true;
}

/* Runs the protocol's input handler, or feeds the SASL response lines,
   until the buffered input runs out or the client gets busy; then reads
   more input unless it waits for the auth server or the client to read
   its output. */
void client_input_buffered(struct client *client)
{
	client_ref(client);
	o_stream_cork(client->output);
	while (!client->destroyed) {
		if (client->auth_state == CLIENT_AUTH_STATE_WAIT_CLIENT) {
			if (!client_input_auth_line(client))
				break;
		} else if (client->auth_state == CLIENT_AUTH_STATE_NONE &&
			   !client_output_is_full(client)) {
			T_BEGIN {
				client->v->input(client);
			} T_END;
			/* it stopped for lack of input, unless a challenge
			   arrived while it ran */
			if (client->auth_state !=
			    CLIENT_AUTH_STATE_WAIT_CLIENT)
				break;
		} else {
			break;
		}
	}
	if (!client->destroyed) {
		o_stream_uncork(client->output);
		if (client->auth_state == CLIENT_AUTH_STATE_WAIT_SERVER ||
		    client_output_is_full(client))
			client_input_stop(client);
		else
			client_input_resume(client);
	}
	client_unref(&client);
}

static void client_input(struct client *client)
{
	switch (i_stream_read(client->input)) {
	case -1:
		client_destroy(client, NULL);
		return;
	case -2:
		/* the buffer is full of one unfinished line */
		client->v->input_too_long(client);
		client_destroy(client, "Input line too long");
		return;
	default:
		break;
	}
	client_input_buffered(client);
}
