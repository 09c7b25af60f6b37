/* Copyright (c) Cove authors. See AUTHORS. */

/* Both ends of the login -> post-login worker handoff (login-handoff.h). */

#include "lib.h"
#include "str.h"
#include "base64.h"
#include "net.h"
#include "login-handoff.h"

#include <poll.h>

#define LOGIN_HANDOFF_VERSION "1"

static int handoff_wait(int fd, unsigned int timeout_msecs,
			const char **error_r)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	int ret;

	do {
		ret = poll(&pfd, 1, (int)timeout_msecs);
	} while (ret < 0 && errno == EINTR);
	if (ret < 0) {
		*error_r = t_strdup_printf("poll() failed: %m");
		return -1;
	}
	if (ret == 0) {
		*error_r = t_strdup_printf("Timed out after %u ms",
					   timeout_msecs);
		return -1;
	}
	return 0;
}

static const char *handoff_build(const struct login_handoff *h)
{
	string_t *str = t_str_new(256);

	str_append(str, "HANDOFF\t" LOGIN_HANDOFF_VERSION);
	str_append(str, "\tcookie=");
	str_append_tabescaped(str, h->cookie);
	str_append(str, "\tuser=");
	str_append_tabescaped(str, h->username);
	str_append(str, "\tsession=");
	str_append_tabescaped(str, h->session_id == NULL ? "" : h->session_id);
	str_printfa(str, "\tlip=%s\tlport=%u\trip=%s\trport=%u",
		    net_ip2addr(&h->local_ip), h->local_port,
		    net_ip2addr(&h->remote_ip), h->remote_port);
	str_append(str, "\ttag=");
	str_append_tabescaped(str, h->tag == NULL ? "" : h->tag);
	str_append(str, "\tinput=");
	base64_encode(h->input, h->input_size, str);
	str_append_c(str, '\n');
	return str_c(str);
}

/* Reads one LF-terminated line of at most max_size bytes (blocking with
   a timeout), receiving an fd if one is attached. */
static int handoff_read_line(int fd, char *buf, size_t max_size,
			     unsigned int timeout_msecs, int *fd_r,
			     const char **error_r)
{
	size_t pos = 0;
	ssize_t ret;
	int recv_fd;

	*fd_r = -1;
	while (pos == 0 || buf[pos - 1] != '\n') {
		if (pos == max_size) {
			*error_r = "Record too long";
			return -1;
		}
		if (handoff_wait(fd, timeout_msecs, error_r) < 0)
			return -1;
		ret = fd_read(fd, buf + pos, max_size - pos, &recv_fd);
		if (ret < 0) {
			*error_r = t_strdup_printf("read() failed: %m");
			return -1;
		}
		if (ret == 0) {
			*error_r = "Disconnected before the record ended";
			return -1;
		}
		if (recv_fd != -1) {
			if (*fd_r != -1)
				i_close_fd(&recv_fd);
			else
				*fd_r = recv_fd;
		}
		pos += ret;
	}
	buf[pos - 1] = '\0';
	return 0;
}

int login_handoff_send(const char *socket_path, int client_fd,
		       const struct login_handoff *handoff,
		       unsigned int timeout_msecs, const char **error_r)
{
	const char *record = handoff_build(handoff);
	char reply[512];
	int fd, reply_fd = -1, ret = -1;

	if (strlen(record) > LOGIN_HANDOFF_MAX_SIZE) {
		*error_r = "Handoff record too long";
		return -1;
	}
	fd = net_connect_unix(socket_path);
	if (fd < 0) {
		*error_r = t_strdup_printf("connect(%s) failed: %m",
					   socket_path);
		return -1;
	}
	if (fd_send(fd, client_fd, record, strlen(record)) < 0)
		*error_r = t_strdup_printf("send(%s) failed: %m", socket_path);
	else if (handoff_read_line(fd, reply, sizeof(reply), timeout_msecs,
				   &reply_fd, error_r) < 0)
		*error_r = t_strdup_printf("%s: %s", socket_path, *error_r);
	else if (strcmp(reply, "OK") == 0)
		ret = 0;
	else if (str_begins(reply, "LIMIT\t")) {
		*error_r = str_tabunescape(reply + 6);
		ret = 1;
	}
	else if (str_begins(reply, "FAIL\t"))
		*error_r = t_strdup_printf("%s: Worker failed: %s",
					   socket_path, reply + 5);
	else
		*error_r = t_strdup_printf("%s: Invalid reply: %s",
					   socket_path, reply);
	if (reply_fd != -1)
		i_close_fd(&reply_fd);
	i_close_fd(&fd);
	return ret;
}

static int handoff_parse_field(pool_t pool, struct login_handoff *h,
			       const char *key, const char *value)
{
	buffer_t *buf;
	unsigned int port;

	if (strcmp(key, "cookie") == 0)
		h->cookie = p_strdup(pool, value);
	else if (strcmp(key, "user") == 0)
		h->username = p_strdup(pool, value);
	else if (strcmp(key, "session") == 0)
		h->session_id = p_strdup(pool, value);
	else if (strcmp(key, "tag") == 0)
		h->tag = p_strdup(pool, value);
	else if (strcmp(key, "lip") == 0)
		return net_addr2ip(value, &h->local_ip) < 0 && *value != '\0' ? -1 : 0;
	else if (strcmp(key, "rip") == 0)
		return net_addr2ip(value, &h->remote_ip) < 0 && *value != '\0' ? -1 : 0;
	else if (strcmp(key, "lport") == 0 || strcmp(key, "rport") == 0) {
		if (str_to_uint(value, &port) < 0 || port > 65535)
			return -1;
		if (key[0] == 'l')
			h->local_port = port;
		else
			h->remote_port = port;
	} else if (strcmp(key, "input") == 0) {
		buf = buffer_create_dynamic(pool, strlen(value));
		if (base64_decode(value, strlen(value), buf) < 0)
			return -1;
		h->input = buf->data;
		h->input_size = buf->used;
	}
	/* Unknown keys are ignored so that newer logins can add fields. */
	return 0;
}

static int handoff_parse(const char *line, pool_t pool,
			 struct login_handoff *h, const char **error_r)
{
	const char *const *args = t_strsplit(line, "\t");

	if (args[0] == NULL || strcmp(args[0], "HANDOFF") != 0 ||
	    args[1] == NULL || strcmp(args[1], LOGIN_HANDOFF_VERSION) != 0) {
		*error_r = "Not a handoff record of version "
			LOGIN_HANDOFF_VERSION;
		return -1;
	}
	for (args += 2; *args != NULL; args++) {
		const char *eq = strchr(*args, '=');

		if (eq == NULL)
			continue;
		const char *key = t_strndup(*args, eq - *args);
		if (handoff_parse_field(pool, h, key,
					str_tabunescape(eq + 1)) < 0) {
			*error_r = t_strdup_printf("Invalid field %s", key);
			return -1;
		}
	}
	if (h->cookie == NULL || h->username == NULL) {
		*error_r = "Record lacks cookie or user";
		return -1;
	}
	return 0;
}

int login_handoff_receive(int sock, pool_t pool,
			  struct login_handoff *handoff_r, int *client_fd_r,
			  unsigned int timeout_msecs, const char **error_r)
{
	char *buf = t_malloc(LOGIN_HANDOFF_MAX_SIZE + 1);
	int fd;

	i_zero(handoff_r);
	if (handoff_read_line(sock, buf, LOGIN_HANDOFF_MAX_SIZE + 1,
			      timeout_msecs, &fd, error_r) < 0) {
		if (fd != -1)
			i_close_fd(&fd);
		return -1;
	}
	if (fd == -1) {
		*error_r = "Handoff record came without a client fd";
		return -1;
	}
	if (handoff_parse(buf, pool, handoff_r, error_r) < 0) {
		i_close_fd(&fd);
		return -1;
	}
	*client_fd_r = fd;
	return 0;
}

static void login_handoff_write(int sock, const char *line)
{
	if (write(sock, line, strlen(line)) < 0)
		i_error("login handoff: write() failed: %m");
}

void login_handoff_reply(int sock, bool success, const char *reason)
{
	login_handoff_write(sock, success ? "OK\n" :
		t_strdup_printf("FAIL\t%s\n", str_tabescape(reason)));
}

void login_handoff_refuse(int sock, const char *reason)
{
	login_handoff_write(sock, t_strdup_printf("LIMIT\t%s\n",
						  str_tabescape(reason)));
}
