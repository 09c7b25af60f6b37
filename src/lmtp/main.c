/* Copyright (c) Cove authors. See AUTHORS. */

/* The lmtp service: accepts LMTP connections from the MTA and delivers
   each message into the recipients' mailboxes. */

#include "lib.h"
#include "master-service.h"
#include "master-service-settings.h"
#include "master-interface.h"
#include "mail-storage-settings.h"
#include "lmtp-settings.h"
#include "lmtp-client.h"

static const struct lmtp_settings *lmtp_set;
static const struct mail_storage_settings *lmtp_mail_set;
static const char *lmtp_hostname;
static const char *lmtp_auth_socket_path;

static void client_connected(struct master_service_connection *conn)
{
	(void)client_create(conn, lmtp_set, lmtp_mail_set, lmtp_hostname,
			    lmtp_auth_socket_path);
}

int main(int argc, char *argv[])
{
	static const struct setting_parser_info *set_roots[] = {
		&lmtp_setting_parser_info,
		&mail_storage_setting_parser_info,
		NULL
	};
	const struct master_service_settings *common_set;

	master_service = master_service_init("lmtp", 0, &argc, &argv,
					     set_roots);
	lmtp_set = master_service_get_settings(master_service,
					       &lmtp_setting_parser_info);
	lmtp_mail_set = master_service_get_settings(
		master_service, &mail_storage_setting_parser_info);
	common_set = master_service_get_common_settings(master_service);
	lmtp_hostname = master_service_settings_get_hostname(common_set);
	lmtp_auth_socket_path = t_strconcat(common_set->base_dir, "/",
					    MASTER_AUTH_MASTER_SOCKET, NULL);

	master_service_init_finish(master_service);
	master_service_run(master_service, client_connected);
	clients_destroy_all();
	master_service_deinit(&master_service);
	return 0;
}
