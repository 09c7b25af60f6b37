/* Copyright (c) Cove authors. See AUTHORS. */

/* Blocking SMTP client for relaying. Timeouts come from SO_RCVTIMEO and
   SO_SNDTIMEO (connect honours the latter on Linux). */

#include "lib.h"
#include "str.h"
#include "buffer.h"
#include "smtp-client.h"

#include <errno.h>
#include <netdb.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

/* Bytes buffered from the server at a time. */
#define SMTP_CLIENT_READ_SIZE 4096
/* Output is written in blocks of this size. */
#define SMTP_CLIENT_WRITE_SIZE 8192

struct smtp_client {
	int fd;
	buffer_t *inbuf;
	/* The first byte of inbuf not yet consumed. */
	size_t inpos;
};

static int smtp_client_set_timeouts(int fd, unsigned int timeout_secs)
{
	struct timeval tv = { .tv_sec = timeout_secs };

	if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) < 0)
		return -1;
	return 0;
}

/* Tries the addresses of host in turn. Returns the fd or -1 (errno). */
static int smtp_client_connect_addrs(const struct addrinfo *ai,
				     unsigned int timeout_secs)
{
	int fd = -1;

	for (; ai != NULL; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
		if (fd < 0)
			continue;
		if (smtp_client_set_timeouts(fd, timeout_secs) == 0 &&
		    connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
			return fd;
		i_close_fd(&fd);
	}
	return -1;
}

int smtp_client_connect(const char *host, in_port_t port,
			unsigned int connect_secs, unsigned int command_secs,
			struct smtp_client **client_r, const char **error_r)
{
	struct addrinfo hints, *ai;
	int fd, ret;

	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	ret = getaddrinfo(host, t_strdup_printf("%u", port), &hints, &ai);
	if (ret != 0) {
		*error_r = t_strdup_printf("Can't resolve %s: %s", host,
					   gai_strerror(ret));
		return -1;
	}
	fd = smtp_client_connect_addrs(ai, connect_secs);
	freeaddrinfo(ai);
	if (fd >= 0 && smtp_client_set_timeouts(fd, command_secs) < 0)
		i_close_fd(&fd);
	if (fd < 0) {
		*error_r = t_strdup_printf("connect(%s:%u) failed: %m",
					   host, port);
		return -1;
	}
	*client_r = smtp_client_create_fd(fd);
	return 0;
}

struct smtp_client *smtp_client_create_fd(int fd)
{
	struct smtp_client *client;

	client = i_new(struct smtp_client, 1);
	client->fd = fd;
	client->inbuf = buffer_create_dynamic(default_pool,
					      SMTP_CLIENT_READ_SIZE);
	return client;
}

void smtp_client_destroy(struct smtp_client **_client)
{
	struct smtp_client *client = *_client;

	if (client == NULL)
		return;
	*_client = NULL;
	i_close_fd(&client->fd);
	buffer_free(&client->inbuf);
	i_free(client);
}

static int smtp_client_write(struct smtp_client *client, const void *data,
			     size_t size, const char **error_r)
{
	const unsigned char *p = data;
	ssize_t ret;

	while (size > 0) {
		ret = write(client->fd, p, size);
		if (ret < 0 && errno == EINTR)
			continue;
		if (ret <= 0) {
			*error_r = ret < 0 && errno == EAGAIN ?
				"Timed out writing to server" :
				t_strdup_printf("write() failed: %m");
			return -1;
		}
		p += ret;
		size -= ret;
	}
	return 0;
}

/* Reads one line (without its CRLF) into the data stack. Returns 0 or -1
   with error_r. */
static int smtp_client_read_line(struct smtp_client *client,
				 const char **line_r, const char **error_r)
{
	unsigned char readbuf[SMTP_CLIENT_READ_SIZE];
	const unsigned char *data, *lf;
	size_t len;
	ssize_t ret;

	for (;;) {
		data = (const unsigned char *)client->inbuf->data +
			client->inpos;
		len = client->inbuf->used - client->inpos;
		lf = memchr(data, '\n', len);
		if (lf != NULL)
			break;
		if (len > SMTP_CLIENT_MAX_LINE_LENGTH) {
			*error_r = "Reply line too long";
			return -1;
		}
		buffer_delete(client->inbuf, 0, client->inpos);
		client->inpos = 0;
		ret = read(client->fd, readbuf, sizeof(readbuf));
		if (ret < 0 && errno == EINTR)
			continue;
		if (ret < 0) {
			*error_r = errno == EAGAIN ?
				"Timed out waiting for server reply" :
				t_strdup_printf("read() failed: %m");
			return -1;
		}
		if (ret == 0) {
			*error_r = "Server disconnected";
			return -1;
		}
		buffer_append(client->inbuf, readbuf, ret);
	}
	len = lf - data;
	if (len > SMTP_CLIENT_MAX_LINE_LENGTH) {
		*error_r = "Reply line too long";
		return -1;
	}
	client->inpos += len + 1;
	if (len > 0 && data[len - 1] == '\r')
		len--;
	*line_r = t_strndup(data, len);
	return 0;
}

int smtp_client_parse_reply_line(const char *line, unsigned int *code_r,
				 bool *last_r)
{
	if (line[0] < '2' || line[0] > '5' ||
	    line[1] < '0' || line[1] > '9' ||
	    line[2] < '0' || line[2] > '9')
		return -1;
	if (line[3] != '\0' && line[3] != ' ' && line[3] != '-')
		return -1;
	*code_r = (line[0] - '0') * 100 + (line[1] - '0') * 10 +
		(line[2] - '0');
	*last_r = line[3] != '-';
	return 0;
}

static void smtp_client_append_safe(string_t *dest, const char *line)
{
	for (const unsigned char *p = (const unsigned char *)line;
	     *p != '\0'; p++)
		str_append_c(dest, *p < 32 || *p == 127 ? ' ' : *p);
	str_append(dest, "\r\n");
}

int smtp_client_read_reply(struct smtp_client *client,
			   struct smtp_client_reply *reply_r,
			   const char **error_r)
{
	string_t *text = t_str_new(128);
	const char *line;
	unsigned int i, code;
	bool last = false;

	reply_r->code = 0;
	for (i = 0; !last; i++) {
		if (i == SMTP_CLIENT_MAX_REPLY_LINES) {
			*error_r = "Reply has too many lines";
			return -1;
		}
		if (smtp_client_read_line(client, &line, error_r) < 0)
			return -1;
		if (smtp_client_parse_reply_line(line, &code, &last) < 0 ||
		    (i > 0 && code != reply_r->code)) {
			*error_r = "Invalid reply from server";
			return -1;
		}
		reply_r->code = code;
		smtp_client_append_safe(text, line);
	}
	reply_r->text = str_c(text);
	return 0;
}

int smtp_client_command(struct smtp_client *client, const char *line,
			struct smtp_client_reply *reply_r,
			const char **error_r)
{
	if (smtp_client_write(client, t_strconcat(line, "\r\n", NULL),
			      strlen(line) + 2, error_r) < 0)
		return -1;
	return smtp_client_read_reply(client, reply_r, error_r);
}

int smtp_client_send_data(struct smtp_client *client,
			  const unsigned char *data, size_t size,
			  struct smtp_client_reply *reply_r,
			  const char **error_r)
{
	buffer_t *out = buffer_create_dynamic(default_pool,
					      SMTP_CLIENT_WRITE_SIZE + 4);
	bool line_start = true;
	int ret = 0;

	for (size_t i = 0; i < size && ret == 0; i++) {
		if (line_start && data[i] == '.')
			buffer_append_c(out, '.');
		if (data[i] == '\n' && (i == 0 || data[i - 1] != '\r'))
			buffer_append_c(out, '\r');
		buffer_append_c(out, data[i]);
		line_start = data[i] == '\n';
		if (out->used >= SMTP_CLIENT_WRITE_SIZE) {
			ret = smtp_client_write(client, out->data, out->used,
						error_r);
			buffer_set_used_size(out, 0);
		}
	}
	if (ret == 0) {
		if (!line_start)
			buffer_append(out, "\r\n", 2);
		buffer_append(out, ".\r\n", 3);
		ret = smtp_client_write(client, out->data, out->used, error_r);
	}
	buffer_free(&out);
	if (ret < 0)
		return -1;
	return smtp_client_read_reply(client, reply_r, error_r);
}
