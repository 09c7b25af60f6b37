/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef LOGIN_SSL_H
#define LOGIN_SSL_H

/* TLS for the login processes, with OpenSSL. The server context is built
   from the ssl_* settings (login-settings.h). A TLS connection is served
   by a proxy inside the login process: it holds the TLS session on the
   client's socket and passes the plaintext through one end of a
   socketpair, whose other end the login client reads and writes, and
   later hands to the post-login worker like any client fd. The proxy
   lives until either side closes. */

#include <openssl/ssl.h>

struct login_settings;

/* True if ssl is "yes" or "required". */
bool login_ssl_is_enabled(const struct login_settings *set);
/* Builds the server context from set (cert, key, password, CA, DH,
   protocol floor and ciphers). Returns 0, or -1 with error_r naming the
   setting at fault. */
int login_ssl_ctx_create(const struct login_settings *set, SSL_CTX **ctx_r,
			 const char **error_r);
/* The settings check: with TLS enabled, the certificate and key must
   load and match. Returns 0 or -1 with error_r. */
int login_ssl_settings_check(const struct login_settings *set,
			     const char **error_r);

/* The login process's server context; NULL when ssl = no. */
extern SSL_CTX *login_ssl_ctx;

/* Starts a TLS server session on client_fd, which the proxy owns on
   success, and returns the plaintext end in plain_fd_r. Returns 0, or -1
   with error_r (client_fd stays the caller's). */
int login_ssl_proxy_create(SSL_CTX *ctx, int client_fd, int *plain_fd_r,
			   const char **error_r);
/* For the client whose plaintext end is plain_fd: returns true if its
   TLS peer sent a certificate that verified against ssl_ca, with
   *username_r the value of the subject's field (a name such as
   "commonName"; NULL if the subject has none). */
bool login_ssl_proxy_get_client_cert(int plain_fd, const char *field,
				     const char **username_r);
/* Frees every proxy (at process exit). */
void login_ssl_proxy_deinit_all(void);

#endif
