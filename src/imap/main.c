/* Copyright (c) Cove authors. See AUTHORS. */

/* The post-login IMAP worker. The master starts one per connection from
   a login process; the connection carries the handoff record with the
   client's fd. The worker resolves the login cookie, drops to the user,
   opens the mail storage and serves the client until it logs out. */

#include "lib.h"
#include "ioloop.h"
#include "net.h"
#include "master-service.h"
#include "login-handoff.h"
#include "mail-storage-settings.h"
#include "mail-user-login.h"
#include "imap-settings.h"
#include "imap-client.h"

static const struct imap_settings *imap_set;
static const struct mail_storage_settings *mail_set;
static struct client *imap_client;
static struct timeout *to_login;
static int login_fd = -1;

/* Tells the client why the session ends before it began. */
static void main_client_fail(int client_fd)
{
	static const char bye[] = "* BYE Login failed: internal error\r\n";

	if (write(client_fd, bye, sizeof(bye) - 1) < 0)
		i_error("write(client) failed: %m");
	if (close(client_fd) < 0)
		i_error("close(client) failed: %m");
}

/* Runs from the ioloop, so that a failure can end the service loop. */
static void main_login(void *context ATTR_UNUSED)
{
	const struct master_service_settings *mset =
		master_service_get_common_settings(master_service);
	struct login_handoff handoff;
	struct mail_user *user;
	const char *error;
	pool_t pool;
	int client_fd, ret;

	timeout_remove(&to_login);
	pool = pool_alloconly_create("imap handoff", 1024);
	ret = mail_user_login_handoff(login_fd, pool, mset->base_dir,
				      mail_set, &handoff, &client_fd, &user,
				      &error);
	login_fd = -1;
	if (ret <= 0) {
		i_error("%s", error);
		if (ret < 0)
			main_client_fail(client_fd);
		master_service_client_connection_destroyed(master_service);
	} else {
		imap_client = client_create(client_fd, imap_set, user,
					    handoff.input, handoff.input_size);
		client_start(imap_client, handoff.tag);
	}
	pool_unref(&pool);
}

static void client_connected(struct master_service_connection *conn)
{
	login_fd = conn->fd;
	to_login = timeout_add(0, main_login, NULL);
}

int main(int argc, char *argv[])
{
	static const struct setting_parser_info *const set_roots[] = {
		&imap_setting_parser_info,
		&mail_storage_setting_parser_info,
		NULL
	};

	master_service = master_service_init("imap", 0, &argc, &argv,
					     set_roots);
	imap_set = master_service_get_settings(master_service,
					       &imap_setting_parser_info);
	mail_set = master_service_get_settings(master_service,
		&mail_storage_setting_parser_info);
	master_service_init_finish(master_service);
	master_service_run(master_service, client_connected);

	if (imap_client != NULL) {
		if (!imap_client->disconnected) {
			client_send_line(imap_client,
					 "* BYE Server shutting down.");
		}
		client_destroy(&imap_client);
	}
	if (to_login != NULL)
		timeout_remove(&to_login);
	master_service_deinit(&master_service);
	return 0;
}
