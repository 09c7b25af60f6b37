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
	master_service_init_finish(master_service);

	master_service_run(master_service, client_connected);

	auth_connections_destroy_all();
	auth_deinit(&auth);
	master_service_deinit(&master_service);
	return 0;
}
