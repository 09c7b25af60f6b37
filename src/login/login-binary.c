/* Copyright (c) Cove authors. See AUTHORS. */
/* The main loop of every login process: settings, chroot, the auth
   connection, and one client per accepted connection. */

#include "lib.h"
#include "master-service.h"
#include "auth-client.h"
#include "client-common.h"
#include "login-common.h"
#include "login-ssl.h"

/* The auth socket inside the login directory that we are chdir()ed or
   chroot()ed into. */
#define LOGIN_AUTH_SOCKET_NAME "login"

const struct login_binary *login_binary;
const struct login_settings *login_set;
struct auth_client *auth_client;

static void login_client_connected(struct master_service_connection *conn)
{
	client_create(conn, login_binary->client_vfuncs);
}

int login_binary_run(const struct login_binary *binary,
		     int argc, char *argv[])
{
	const char *error;
	const struct setting_parser_info *set_roots[] = {
		&login_setting_parser_info,
		binary->protocol_set_info,
		NULL
	};

	login_binary = binary;
	master_service = master_service_init(binary->process_name, 0,
					     &argc, &argv, set_roots);
	login_set = master_service_get_settings(master_service,
						&login_setting_parser_info);
	if (login_ssl_is_enabled(login_set) &&
	    login_ssl_ctx_create(login_set, &login_ssl_ctx, &error) < 0)
		i_fatal("%s", error);
	if (binary->init != NULL)
		binary->init();

	master_service_init_finish(master_service);
	auth_client = auth_client_init(LOGIN_AUTH_SOCKET_NAME);
	auth_client_set_connected_callback(auth_client, clients_auth_connected,
					   NULL);

	master_service_run(master_service, login_client_connected);

	client_destroy_all();
	login_ssl_proxy_deinit_all();
	SSL_CTX_free(login_ssl_ctx);
	auth_client_deinit(&auth_client);
	if (binary->deinit != NULL)
		binary->deinit();
	master_service_deinit(&master_service);
	return 0;
}
