/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef LOGIN_SETTINGS_H
#define LOGIN_SETTINGS_H

/* Settings shared by every login process (imap-login, pop3-login, ...),
   with Dovecot's names and defaults. The mechanisms offered come from the
   auth server, not from here. */

#include "net.h"
#include "settings-parser.h"
#include "service-defaults.h"

struct login_settings {
	/* Text of the greeting line. */
	const char *login_greeting;
	/* Space or comma separated networks ("10.0.0.0/8 ::1") whose clients
	   count as secured: plaintext authentication is allowed to them. */
	const char *login_trusted_networks;
	bool disable_plaintext_auth;
	/* Seconds a client may stay connected without logging in. */
	unsigned int login_timeout;

	/* TLS (login-ssl.h): "no", "yes" or "required" (plaintext
	   authentication only over TLS or from this host). ssl_cert,
	   ssl_key, ssl_ca and ssl_dh hold PEM text (the config reads them
	   with "<path"). */
	const char *ssl;
	const char *ssl_cert;
	const char *ssl_key;
	const char *ssl_key_password;
	const char *ssl_ca;
	const char *ssl_dh;
	/* "TLSv1", "TLSv1.1", "TLSv1.2" or "TLSv1.3" */
	const char *ssl_min_protocol;
	/* OpenSSL cipher list for TLS 1.2 and older */
	const char *ssl_cipher_list;
	bool ssl_prefer_server_ciphers;
	/* Ask TLS clients for a certificate and check it against ssl_ca;
	   the subject's ssl_cert_username_field is the user's name for
	   EXTERNAL and auth_ssl_username_from_cert. */
	bool ssl_verify_client_cert;
	const char *ssl_cert_username_field;
};

extern const struct setting_parser_info login_setting_parser_info;

/* Initialiser of a login service's defaults (protocol "imap" gives the
   service and executable "imap-login"): listens itself, runs as
   default_login_user chrooted to base_dir/login, keeps one process ready,
   and leaves process_limit and client_limit 0, which means
   default_process_limit and default_client_limit. */
#define LOGIN_SERVICE_DEFAULTS(protocol_, listeners_) { \
		.name = protocol_ "-login", \
		.protocol = protocol_, \
		.executable = protocol_ "-login", \
		.type = SERVICE_TYPE_LISTEN, \
		.user = "$default_login_user", \
		.chroot = "login", \
		.process_min_avail = 1, \
		.listeners = listeners_, \
	}

/* Returns 1 if ip is inside one of the networks listed in networks (the
   login_trusted_networks syntax), 0 if not, -1 with error_r if the list
   has an invalid entry. */
int login_settings_ip_in_networks(const char *networks,
				  const struct ip_addr *ip,
				  const char **error_r);

#endif
