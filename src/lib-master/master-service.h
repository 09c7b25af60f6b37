/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef MASTER_SERVICE_H
#define MASTER_SERVICE_H

/* The service side of the master: what every process that the master
   starts (and the standalone tools) uses to read its config, set up
   logging, drop privileges, and accept connections.

     int main(int argc, char *argv[])
     {
	 static const struct setting_parser_info *set_roots[] = {
		 &imap_setting_parser_info, NULL };
	 master_service = master_service_init("imap", 0, &argc, &argv,
					      set_roots);
	 imap_set = master_service_get_settings(master_service,
						&imap_setting_parser_info);
	 ...open what needs privileges...
	 master_service_init_finish(master_service);
	 master_service_run(master_service, client_connected);
	 master_service_deinit(&master_service);
     }
*/

#include "net.h"
#include "master-service-settings.h"

struct setting_parser_info;
struct master_service;

enum master_service_flags {
	/* Started from the command line (cove-deliver, coveadm), not by the
	   master: no listeners, logs to stderr, config from -c or the
	   default path. */
	MASTER_SERVICE_FLAG_STANDALONE = 0x01,
	/* Leave argv alone: the caller parses -c itself. */
	MASTER_SERVICE_FLAG_NO_CONFIG_ARG = 0x02,
	/* Config errors are not fatal: the settings hold what could be
	   parsed, and master_service_get_config_error() returns the errors
	   (coveadm reload must reach the master even with a broken config,
	   so that the master reports every error). */
	MASTER_SERVICE_FLAG_TOLERATE_CONFIG_ERRORS = 0x04,
};

struct master_service_connection {
	int fd;
	int listen_fd;
	/* Listener name from the config ("imap", "lmtp", "login/login") */
	const char *name;
	bool unix_socket;
	/* The listener has ssl = yes: the connection starts with TLS */
	bool ssl;
	struct ip_addr local_ip, remote_ip;
	in_port_t local_port, remote_port;
};

typedef void master_service_connection_callback_t(
	struct master_service_connection *conn);

extern struct master_service *master_service;

/* Initialises lib, logging and the ioloop, reads the config (path from
   COVE_CONFIG, or -c FILE in argv for standalone tools; argv is updated
   to skip the options it consumed) with set_roots plus the common
   master_service_setting_parser_info. Config errors are fatal. */
struct master_service *
master_service_init(const char *name, enum master_service_flags flags,
		    int *argc, char **argv[],
		    const struct setting_parser_info *const *set_roots);
void master_service_deinit(struct master_service **service);

const char *master_service_get_name(const struct master_service *service);
const char *master_service_get_config_path(const struct master_service *service);
/* The filled struct for one of set_roots (valid until deinit). */
void *master_service_get_settings(struct master_service *service,
				  const struct setting_parser_info *info);
const struct master_service_settings *
master_service_get_common_settings(struct master_service *service);
/* The config errors found at init (with
   MASTER_SERVICE_FLAG_TOLERATE_CONFIG_ERRORS), or NULL. */
const char *master_service_get_config_error(struct master_service *service);
/* Client limit from the master (COVE_CLIENT_LIMIT), 1 if unset. */
unsigned int master_service_get_client_limit(struct master_service *service);

/* Keeps gid as a supplementary group when dropping privileges (auth:
   the group of /etc/shadow). Call before master_service_init_finish(). */
void master_service_set_extra_group(struct master_service *service,
				    gid_t gid);
/* Drops privileges as the master asked (COVE_RESTRICT_*), and chroots.
   Logs once when running unprivileged and nothing is to drop. Fatal on
   failure. */
void master_service_init_finish(struct master_service *service);

/* Accepts connections and calls callback for each; returns after
   master_service_stop(). A per-connection service gets its one connection
   at once and stops when master_service_client_connection_destroyed()
   brings its count to zero. While client_limit clients are connected,
   accepting pauses. SIGTERM/SIGINT stop accepting and end the loop. */
void master_service_run(struct master_service *service,
			master_service_connection_callback_t *callback);
void master_service_stop(struct master_service *service);
/* The callback's connection was closed (call exactly once for each). */
void master_service_client_connection_destroyed(struct master_service *service);
/* The callback took the connection but it does not count toward the
   client limit (e.g. it was handed on). */

#endif
