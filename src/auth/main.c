/* Copyright (c) Cove authors. See AUTHORS. */

/* The auth service: reads its settings, builds the passdbs, userdbs and
   mechanisms, and serves its listeners. Listeners named *auth-master or
   *auth-userdb speak the auth-master protocol, all others the
   auth-client protocol; only the login socket's replies carry cookies. */

#include "lib.h"
#include "master-interface.h"
#include "master-service.h"
#include "auth-settings.h"
#include "auth.h"
#include "auth-connection.h"
#include "auth-client-connection.h"
#include "auth-master-connection.h"
#include "auth-system-db.h"

#include <sys/stat.h>

static struct auth *auth;

static void client_connected(struct master_service_connection *conn)
{
	enum auth_master_listener type = auth_master_listener_type(conn->name);

	if (type != AUTH_MASTER_LISTENER_NONE) {
		auth_master_connection_create(auth, conn->fd, type);
		return;
	}
	auth_client_connection_create(auth, conn->fd,
		strcmp(conn->name, MASTER_AUTH_LOGIN_SOCKET) == 0);
}

/* A shadow or pam passdb reads /etc/shadow, which its group may read:
   auth keeps that group when it drops root. */
static void auth_keep_shadow_group(void)
{
	struct stat st;

	if (!auth_reads_shadow(auth))
		return;
	if (stat(AUTH_SYSTEM_SHADOW_PATH, &st) < 0) {
		i_error("stat(%s) failed: %m", AUTH_SYSTEM_SHADOW_PATH);
		return;
	}
	master_service_set_extra_group(master_service, st.st_gid);
}

int main(int argc, char *argv[])
{
	static const struct setting_parser_info *set_roots[] = {
		&auth_setting_parser_info,
		NULL
	};
	const struct auth_settings *set;
	const char *error;

	master_service = master_service_init("auth", 0, &argc, &argv,
					     set_roots);
	set = master_service_get_settings(master_service,
					  &auth_setting_parser_info);
	if (set->auth_debug)
		log_set_debug(true);
	if (auth_init(set, &auth, &error) < 0)
		i_fatal("%s", error);
	auth_keep_shadow_group();
	master_service_init_finish(master_service);

	master_service_run(master_service, client_connected);

	auth_connections_destroy_all();
	auth_deinit(&auth);
	master_service_deinit(&master_service);
	return 0;
}
