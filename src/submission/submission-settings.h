/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef SUBMISSION_SETTINGS_H
#define SUBMISSION_SETTINGS_H

/* Settings of the post-login submission worker (Dovecot's names) and how
   the master runs it. */

#include "settings-parser.h"
#include "service-defaults.h"

struct submission_settings {
	/* The SMTP server that every message is relayed to. */
	const char *submission_relay_host;
	unsigned int submission_relay_port;
	/* AUTH PLAIN towards the relay when the user is set. */
	const char *submission_relay_user;
	const char *submission_relay_password;
	/* "no", "smtps" (TLS from the start) or "starttls" */
	const char *submission_relay_ssl;
	/* The relay's certificate must be valid and name the relay host. */
	bool submission_relay_ssl_verify;
	/* PEM file of CAs trusted for the relay besides the system's. */
	const char *ssl_client_ca_file;
	/* MAIL FROM must be one of the user's addresses (553 5.7.1). */
	bool submission_sender_check;
	/* Bound connecting to the relay, and each of its replies. */
	unsigned int submission_relay_connect_timeout;
	unsigned int submission_relay_command_timeout;
	/* Largest message accepted (SIZE); 0 means the built-in cap
	   SUBMISSION_MAX_MAIL_SIZE_CAP. */
	uoff_t submission_max_mail_size;
	/* Accepted recipients per transaction. */
	unsigned int submission_max_recipients;
	/* Cove: seconds without input after which a client is
	   disconnected (RFC 5321 4.5.3.2.7). */
	unsigned int submission_client_idle_timeout;
};

/* The most a message may have, whatever the setting: it is held in
   memory until relayed. */
#define SUBMISSION_MAX_MAIL_SIZE_CAP (100 * 1024 * 1024)

extern const struct setting_parser_info submission_setting_parser_info;
extern const struct service_defaults submission_service_defaults;

#endif
