/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef SERVICE_H
#define SERVICE_H

/* The master's view of the services: each service's effective settings
   (its defaults merged with the config), its listeners and its running
   processes. */

#include "net.h"
#include "service-defaults.h"

struct master_service_settings;
struct master_settings;
struct settings_parser;
struct service;

struct service_listener {
	struct service *service;
	/* inet: listener name; unix: path relative to base_dir or
	   absolute */
	const char *name;
	bool is_unix;
	/* inet: ssl = yes, the connections start with TLS */
	bool ssl;
	/* unix: absolute path; inet: "address:port" (for messages) */
	const char *path;
	struct ip_addr ip;
	in_port_t port;
	mode_t mode;
	uid_t uid;
	gid_t gid;
	int fd;
	/* per-connection services: the master accepts here */
	struct io *io;
};

struct service {
	struct service_list *list;
	const char *name;
	const char *executable;
	enum service_type type;
	/* restrict to this user when root (uid (uid_t)-1: keep root) */
	const char *user;
	uid_t uid;
	gid_t gid;
	/* absolute chroot directory, or NULL */
	const char *chroot;
	unsigned int process_limit;
	unsigned int client_limit;
	unsigned int process_min_avail;

	ARRAY(struct service_listener *) listeners;

	unsigned int process_count;
	/* restart back-off after failures */
	unsigned int throttle_secs;
	struct timeout *to_throttle;
};

struct service_list {
	pool_t pool;
	/* the parsed config the list was built from (owned) */
	struct settings_parser *parser;
	const char *config_path;
	const struct master_service_settings *set;
	ARRAY(struct service *) services;
	bool root;
	/* Replaced or shutting down: its services start nothing new. The
	   pool is freed when the last of its processes is reaped. */
	bool stopped;
	/* service_list_shutdown() is waiting on it: not freed by reaping */
	bool shutting_down;
	unsigned int process_count;
};

/* Merges the services' defaults with the config. Returns 0, or -1 with
   error_r naming the service (unknown service, missing user, ...). */
int services_create(pool_t pool, const char *config_path,
		    const struct master_service_settings *set,
		    const struct master_settings *master_set,
		    struct service_list **list_r, const char **error_r);
/* Frees the list with its pool and settings parser. */
void service_list_free(struct service_list **list);
/* Creates base_dir, the login dir and state_dir with safe modes. */
int services_create_dirs(const struct service_list *list,
			 const char **error_r);

/* Binds every listener; the sockets of old_list's listeners with the
   same address/path are reused (duplicated: old_list keeps its own). */
int services_listen(struct service_list *list, struct service_list *old_list,
		    const char **error_r);
/* Closes the listeners still open in list. */
void services_close_listeners(struct service_list *list);

#endif
