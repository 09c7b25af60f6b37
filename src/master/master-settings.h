/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef MASTER_SETTINGS_H
#define MASTER_SETTINGS_H

/* The `service NAME { }` sections of the config. A value left unset
   (empty string, or MASTER_SETTING_UNSET for numbers) falls back to the
   service's own defaults (service-defaults.h), then to the global
   default_* settings. */

#include "settings-parser.h"

#define MASTER_SETTING_UNSET UINT_MAX

struct inet_listener_settings {
	const char *name;
	const char *address;
	/* MASTER_SETTING_UNSET, or 0 to disable the listener */
	unsigned int port;
	bool ssl;
	bool reuse_port;
	bool haproxy;
};

struct unix_listener_settings {
	const char *path;
	/* MASTER_SETTING_UNSET or the mode */
	unsigned int mode;
	const char *user;
	const char *group;
};

struct service_settings {
	const char *name;
	const char *protocol;
	const char *executable;
	const char *user;
	const char *group;
	const char *chroot;
	unsigned int process_limit;
	unsigned int client_limit;
	unsigned int process_min_avail;

	ARRAY(struct inet_listener_settings *) inet_listeners;
	ARRAY(struct unix_listener_settings *) unix_listeners;
};

struct master_settings {
	ARRAY(struct service_settings *) services;
};

extern const struct setting_parser_info master_setting_parser_info;

#endif
