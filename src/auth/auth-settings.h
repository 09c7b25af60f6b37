/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef AUTH_SETTINGS_H
#define AUTH_SETTINGS_H

/* Settings of the auth service (Dovecot's names and defaults), including
   the passdb { } and userdb { } sections, and its service defaults. */

#include "settings-parser.h"
#include "service-defaults.h"

/* One passdb { } or userdb { } section. */
struct auth_db_settings {
	const char *name;
	const char *driver;
	const char *args;
	/* Space-separated key=value templates (%-variables expanded):
	   default_fields apply when the db gave no value, override_fields
	   replace whatever it gave. */
	const char *default_fields;
	const char *override_fields;
};

struct auth_settings {
	const char *auth_mechanisms;
	const char *auth_username_format;
	const char *auth_default_realm;
	/* Dovecot's realm list for DIGEST-MD5, which Cove does not offer:
	   accepted so that Dovecot configs load, otherwise unused. */
	const char *auth_realms;
	unsigned int auth_failure_delay;
	/* 0: no cache */
	uoff_t auth_cache_size;
	unsigned int auth_cache_ttl;
	unsigned int auth_cache_negative_ttl;
	bool auth_verbose;
	bool auth_debug;
	bool disable_plaintext_auth;
	/* Every login needs a valid TLS client certificate. */
	bool auth_ssl_require_client_cert;
	/* The certificate's user name replaces the one the client gave. */
	bool auth_ssl_username_from_cert;

	ARRAY(struct auth_db_settings *) passdbs;
	ARRAY(struct auth_db_settings *) userdbs;
};

extern const struct setting_parser_info auth_db_setting_parser_info;
extern const struct setting_parser_info auth_setting_parser_info;
extern const struct service_defaults auth_service_defaults;

#endif
