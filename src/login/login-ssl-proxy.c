/* Copyright (c) Cove authors. See AUTHORS. */
/* The TLS proxy of a login process: decrypts what the client sends over
   TLS into one end of a socketpair and encrypts what comes back. Each
   direction has a fixed buffer; a full buffer stops reading its source,
   so neither side can make the process buffer more. Every event runs
   login_ssl_proxy_step(), which moves data until nothing progresses and
   then waits for what the blocked operations asked for. */

#include "lib.h"
#include "llist.h"
#include "ioloop.h"
#include "net.h"
#include "login-ssl.h"

#include <sys/socket.h>
#include <openssl/err.h>

#define LOGIN_SSL_PROXY_BUF_SIZE (16 * 1024)

struct login_ssl_buf {
	unsigned char data[LOGIN_SSL_PROXY_BUF_SIZE];
	size_t pos, used;
};

struct login_ssl_proxy {
	struct login_ssl_proxy *prev, *next;
	SSL *ssl;
	int ssl_fd, plain_fd;
	/* the other end of plain_fd, the login client's */
	int client_fd;
	struct io *ssl_io_read, *ssl_io_write;
	struct io *plain_io_read, *plain_io_write;

	/* decrypted, for plain_fd */
	struct login_ssl_buf to_plain;
	/* from plain_fd, to encrypt */
	struct login_ssl_buf to_ssl;

	/* what the last blocked SSL call waits for */
	bool ssl_want_read, ssl_want_write;
	bool handshaked;
	bool ssl_eof, plain_eof;
};

SSL_CTX *login_ssl_ctx;
static struct login_ssl_proxy *login_ssl_proxies;

static void login_ssl_proxy_step(struct login_ssl_proxy *proxy);

static void login_ssl_proxy_destroy(struct login_ssl_proxy *proxy)
{
	io_remove(&proxy->ssl_io_read);
	io_remove(&proxy->ssl_io_write);
	io_remove(&proxy->plain_io_read);
	io_remove(&proxy->plain_io_write);
	if (proxy->handshaked && !proxy->ssl_eof)
		(void)SSL_shutdown(proxy->ssl);
	ERR_clear_error();
	SSL_free(proxy->ssl);
	i_close_fd(&proxy->ssl_fd);
	i_close_fd(&proxy->plain_fd);
	DLLIST_REMOVE(&login_ssl_proxies, proxy);
	i_free(proxy);
}

/* Returns true if the SSL call's result ret allows going on; records
   what a blocked call waits for, and the end of the session. */
static bool login_ssl_proxy_result(struct login_ssl_proxy *proxy, int ret)
{
	switch (SSL_get_error(proxy->ssl, ret)) {
	case SSL_ERROR_NONE:
		return true;
	case SSL_ERROR_WANT_READ:
		proxy->ssl_want_read = true;
		break;
	case SSL_ERROR_WANT_WRITE:
		proxy->ssl_want_write = true;
		break;
	default:
		/* closed, a protocol error, or a socket error: the session
		   is over either way */
		ERR_clear_error();
		proxy->ssl_eof = true;
		break;
	}
	return false;
}

/* One round of moving data. Returns true if anything progressed. */
static bool login_ssl_proxy_move(struct login_ssl_proxy *proxy)
{
	struct login_ssl_buf *in = &proxy->to_plain, *out = &proxy->to_ssl;
	bool progress = false;
	ssize_t n;
	int ret;

	if (!proxy->handshaked) {
		ret = SSL_accept(proxy->ssl);
		if (!login_ssl_proxy_result(proxy, ret))
			return false;
		proxy->handshaked = true;
		progress = true;
	}
	if (!proxy->ssl_eof && out->used > out->pos) {
		ret = SSL_write(proxy->ssl, out->data + out->pos,
				(int)(out->used - out->pos));
		if (login_ssl_proxy_result(proxy, ret)) {
			out->pos += ret;
			if (out->pos == out->used)
				out->pos = out->used = 0;
			progress = true;
		}
	}
	if (!proxy->ssl_eof && in->used < sizeof(in->data)) {
		ret = SSL_read(proxy->ssl, in->data + in->used,
			       (int)(sizeof(in->data) - in->used));
		if (login_ssl_proxy_result(proxy, ret)) {
			in->used += ret;
			progress = true;
		}
	}
	if (in->used > in->pos) {
		n = write(proxy->plain_fd, in->data + in->pos,
			  in->used - in->pos);
		if (n > 0) {
			in->pos += n;
			if (in->pos == in->used)
				in->pos = in->used = 0;
			progress = true;
		} else if (errno != EAGAIN && errno != EINTR) {
			/* the worker or login client is gone */
			proxy->plain_eof = true;
			in->pos = in->used = 0;
		}
	}
	if (!proxy->plain_eof && out->used < sizeof(out->data)) {
		n = read(proxy->plain_fd, out->data + out->used,
			 sizeof(out->data) - out->used);
		if (n > 0) {
			out->used += n;
			progress = true;
		} else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
			proxy->plain_eof = true;
		}
	}
	return progress;
}

static void login_ssl_proxy_set_io(struct login_ssl_proxy *proxy,
				   struct io **io, int fd,
				   enum io_condition cond, bool wanted)
{
	if (wanted && *io == NULL)
		*io = io_add(fd, cond, login_ssl_proxy_step, proxy);
	else if (!wanted)
		io_remove(io);
}

static void login_ssl_proxy_step(struct login_ssl_proxy *proxy)
{
	const struct login_ssl_buf *in = &proxy->to_plain;
	const struct login_ssl_buf *out = &proxy->to_ssl;

	do {
		proxy->ssl_want_read = proxy->ssl_want_write = false;
	} while (login_ssl_proxy_move(proxy));

	/* The session ends when the client side ended and its data reached
	   the plaintext side, or when the plaintext side ended and its data
	   went out (or can no longer go out). */
	if ((proxy->ssl_eof && in->used == in->pos) ||
	    (proxy->plain_eof && (out->used == out->pos || proxy->ssl_eof))) {
		login_ssl_proxy_destroy(proxy);
		return;
	}
	login_ssl_proxy_set_io(proxy, &proxy->ssl_io_read, proxy->ssl_fd,
			       IO_READ, proxy->ssl_want_read);
	login_ssl_proxy_set_io(proxy, &proxy->ssl_io_write, proxy->ssl_fd,
			       IO_WRITE, proxy->ssl_want_write);
	login_ssl_proxy_set_io(proxy, &proxy->plain_io_read, proxy->plain_fd,
			       IO_READ, !proxy->plain_eof &&
			       out->used < sizeof(out->data));
	login_ssl_proxy_set_io(proxy, &proxy->plain_io_write, proxy->plain_fd,
			       IO_WRITE, in->used > in->pos);
}

int login_ssl_proxy_create(SSL_CTX *ctx, int client_fd, int *plain_fd_r,
			   const char **error_r)
{
	struct login_ssl_proxy *proxy;
	int sfd[2];

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sfd) < 0) {
		*error_r = t_strdup_printf("socketpair() failed: %m");
		return -1;
	}
	proxy = i_new(struct login_ssl_proxy, 1);
	proxy->ssl = SSL_new(ctx);
	if (proxy->ssl == NULL || SSL_set_fd(proxy->ssl, client_fd) != 1) {
		*error_r = "SSL_new() failed";
		ERR_clear_error();
		SSL_free(proxy->ssl);
		i_free(proxy);
		i_close_fd(&sfd[0]);
		i_close_fd(&sfd[1]);
		return -1;
	}
	proxy->ssl_fd = client_fd;
	proxy->plain_fd = sfd[0];
	fd_set_nonblock(client_fd, true);
	fd_set_nonblock(sfd[0], true);
	fd_close_on_exec(sfd[0], true);
	fd_close_on_exec(sfd[1], true);
	DLLIST_PREPEND(&login_ssl_proxies, proxy);

	login_ssl_proxy_step(proxy);
	proxy->client_fd = sfd[1];
	*plain_fd_r = sfd[1];
	return 0;
}

bool login_ssl_proxy_get_client_cert(int plain_fd, const char *field,
				     const char **username_r)
{
	struct login_ssl_proxy *proxy;
	X509 *cert;
	int len;
	bool valid;

	*username_r = NULL;
	/* newest first: a reused fd number is found in its newest proxy */
	for (proxy = login_ssl_proxies; proxy != NULL; proxy = proxy->next) {
		if (proxy->client_fd == plain_fd)
			break;
	}
	if (proxy == NULL || !proxy->handshaked)
		return false;
	cert = SSL_get1_peer_certificate(proxy->ssl);
	if (cert == NULL)
		return false;
	valid = SSL_get_verify_result(proxy->ssl) == X509_V_OK;
	len = X509_NAME_get_text_by_NID(X509_get_subject_name(cert),
					OBJ_txt2nid(field), NULL, 0);
	if (valid && len > 0) {
		char *name = t_malloc(len + 1);

		(void)X509_NAME_get_text_by_NID(X509_get_subject_name(cert),
						OBJ_txt2nid(field), name,
						len + 1);
		/* a NUL inside the field would cut the name short */
		if (strlen(name) == (size_t)len)
			*username_r = name;
	}
	X509_free(cert);
	ERR_clear_error();
	return valid;
}

void login_ssl_proxy_deinit_all(void)
{
	while (login_ssl_proxies != NULL)
		login_ssl_proxy_destroy(login_ssl_proxies);
}
