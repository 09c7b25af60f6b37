/* Copyright (c) Cove authors. See AUTHORS. */

/* Blocking SMTP client for relaying. Timeouts come from SO_RCVTIMEO and
   SO_SNDTIMEO (connect honours the latter on Linux, and OpenSSL's reads
   and writes on the socket end with EAGAIN the same way). */

#include "lib.h"
#include "str.h"
#include "buffer.h"
#include "base64.h"
#include "smtp-client.h"

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <netdb.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

/* Bytes buffered from the server at a time. */
#define SMTP_CLIENT_READ_SIZE 4096
/* Output is written in blocks of this size. */
#define SMTP_CLIENT_WRITE_SIZE 8192

struct smtp_client {
	int fd;
	/* The TLS session after smtp_client_start_tls(), else NULL. */
	SSL *ssl;
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
	if (client->ssl != NULL) {
		/* close_notify only on a working session */
		if (SSL_is_init_finished(client->ssl))
			(void)SSL_shutdown(client->ssl);
		SSL_free(client->ssl);
		ERR_clear_error();
	}
	i_close_fd(&client->fd);
	buffer_free(&client->inbuf);
	i_free(client);
}

/* The latest OpenSSL error as text, and the queue emptied. */
static const char *smtp_client_ssl_error(void)
{
	unsigned long err = ERR_peek_last_error();
	char buf[256];

	ERR_clear_error();
	if (err == 0)
		return "Unknown error";
	ERR_error_string_n(err, buf, sizeof(buf));
	return t_strdup(buf);
}

/* The result ret of an SSL_read(), SSL_write() or SSL_connect(): ret if
   it is > 0, else -1 with error_r (timeout_error when the socket timed
   out). */
static int smtp_client_ssl_io(struct smtp_client *client, int ret,
			      const char *timeout_error, const char **error_r)
{
	if (ret > 0)
		return ret;
	switch (SSL_get_error(client->ssl, ret)) {
	case SSL_ERROR_WANT_READ:
	case SSL_ERROR_WANT_WRITE:
		*error_r = timeout_error;
		break;
	case SSL_ERROR_ZERO_RETURN:
		*error_r = "Server disconnected";
		break;
	case SSL_ERROR_SYSCALL:
		*error_r = errno == EAGAIN ? timeout_error :
			errno == 0 ? "Server disconnected" :
			t_strdup_printf("TLS: %m");
		break;
	default:
		*error_r = t_strdup_printf("TLS: %s",
					   smtp_client_ssl_error());
		break;
	}
	ERR_clear_error();
	return -1;
}

static int smtp_client_write(struct smtp_client *client, const void *data,
			     size_t size, const char **error_r)
{
	const unsigned char *p = data;
	ssize_t ret;

	while (size > 0) {
		if (client->ssl != NULL) {
			ret = smtp_client_ssl_io(client, SSL_write(client->ssl,
					p, size > INT_MAX ? INT_MAX : size),
				"Timed out writing to server", error_r);
			if (ret < 0)
				return -1;
			p += ret;
			size -= ret;
			continue;
		}
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
		if (client->ssl != NULL) {
			ret = smtp_client_ssl_io(client,
				SSL_read(client->ssl, readbuf, sizeof(readbuf)),
				"Timed out waiting for server reply", error_r);
			if (ret < 0)
				return -1;
			buffer_append(client->inbuf, readbuf, ret);
			continue;
		}
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

/* A client context: the system's CAs and ca_file, and with verify the
   peer's certificate must check out. */
static SSL_CTX *smtp_client_ssl_ctx_create(const char *ca_file, bool verify,
					   const char **error_r)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());

	if (ctx == NULL) {
		*error_r = t_strdup_printf("SSL_CTX_new() failed: %s",
					   smtp_client_ssl_error());
		return NULL;
	}
	SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
	SSL_CTX_set_options(ctx, SSL_OP_NO_COMPRESSION |
			    SSL_OP_NO_RENEGOTIATION);
	if (verify) {
		SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
		(void)SSL_CTX_set_default_verify_paths(ctx);
		if (*ca_file != '\0' &&
		    SSL_CTX_load_verify_locations(ctx, ca_file, NULL) != 1) {
			*error_r = t_strdup_printf(
				"Can't load CA file %s: %s", ca_file,
				smtp_client_ssl_error());
			SSL_CTX_free(ctx);
			return NULL;
		}
	}
	ERR_clear_error();
	return ctx;
}

/* The name the certificate must hold (an IP address is matched against
   the certificate's IP addresses), and SNI for a host name. */
static int smtp_client_ssl_set_host(SSL *ssl, const char *host, bool verify)
{
	unsigned char addr[sizeof(struct in6_addr)];
	bool is_ip = inet_pton(AF_INET, host, addr) == 1 ||
		inet_pton(AF_INET6, host, addr) == 1;

	if (!is_ip && SSL_set_tlsext_host_name(ssl, host) != 1)
		return -1;
	if (!verify)
		return 0;
	if (is_ip) {
		return X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl),
						     host) == 1 ? 0 : -1;
	}
	return SSL_set1_host(ssl, host) == 1 ? 0 : -1;
}

int smtp_client_start_tls(struct smtp_client *client, const char *host,
			  const char *ca_file, bool verify,
			  const char **error_r)
{
	SSL_CTX *ctx;
	long result;
	int ret;

	i_assert(client->ssl == NULL);
	if (client->inpos < client->inbuf->used) {
		/* RFC 3207 6: what came before TLS must not count after */
		*error_r = "Server sent data before TLS started";
		return -1;
	}
	ctx = smtp_client_ssl_ctx_create(ca_file, verify, error_r);
	if (ctx == NULL)
		return -1;
	client->ssl = SSL_new(ctx);
	SSL_CTX_free(ctx);
	if (client->ssl == NULL || SSL_set_fd(client->ssl, client->fd) != 1 ||
	    smtp_client_ssl_set_host(client->ssl, host, verify) < 0) {
		*error_r = t_strdup_printf("TLS setup failed: %s",
					   smtp_client_ssl_error());
		return -1;
	}
	ret = SSL_connect(client->ssl);
	if (ret == 1)
		return 0;
	(void)smtp_client_ssl_io(client, ret, "Timed out in TLS handshake",
				 error_r);
	/* a refused certificate says more than the alert it caused */
	result = SSL_get_verify_result(client->ssl);
	if (result != X509_V_OK) {
		*error_r = t_strdup_printf(
			"TLS handshake failed: certificate: %s",
			X509_verify_cert_error_string(result));
	} else {
		*error_r = t_strdup_printf("TLS handshake failed: %s",
					   *error_r);
	}
	return -1;
}

int smtp_client_auth_plain(struct smtp_client *client, const char *user,
			   const char *password,
			   struct smtp_client_reply *reply_r,
			   const char **error_r)
{
	size_t ulen = strlen(user), plen = strlen(password);
	buffer_t *raw = buffer_create_dynamic(default_pool, ulen + plen + 2);
	/* sized so that it never grows: no copy of the secret is left */
	string_t *line = str_new(default_pool, 16 +
				 base64_encoded_size(ulen + plen + 2));
	int ret;

	/* RFC 4616: authzid (empty) NUL authcid NUL password */
	buffer_append_c(raw, '\0');
	buffer_append(raw, user, ulen);
	buffer_append_c(raw, '\0');
	buffer_append(raw, password, plen);
	str_append(line, "AUTH PLAIN ");
	base64_encode(raw->data, raw->used, line);
	str_append(line, "\r\n");
	ret = smtp_client_write(client, line->data, line->used, error_r);
	if (ret == 0)
		ret = smtp_client_read_reply(client, reply_r, error_r);
	safe_memset(buffer_get_modifiable_data(raw, NULL), 0, raw->used);
	safe_memset(buffer_get_modifiable_data(line, NULL), 0, line->used);
	buffer_free(&raw);
	str_free(&line);
	return ret;
}
