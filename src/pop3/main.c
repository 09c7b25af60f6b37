/* Copyright (c) Cove authors. See AUTHORS. */

/* The post-login POP3 worker. The master starts one per connection from
   a login process; the connection carries the handoff record with the
   client's fd. The worker resolves the login cookie, drops to the user,
   opens INBOX and serves the client until it quits. */

#include "lib.h"
#include "ioloop.h"
#include "master-service.h"
#include "login-handoff.h"
#include "mail-storage-settings.h"
#include "mail-user-login.h"
#include "pop3-settings.h"
#include "pop3-client.h"

static const struct pop3_settings *pop3_set;
static const struct mail_storage_settings *mail_set;
static struct client *pop3_client;
static struct timeout *to_login;
static int login_fd = -1;

/* Tells the client why the session ends before it began. */
static void main_client_fail(int client_fd)
{
	static const char reply[] = "-ERR [SYS/TEMP] Login failed: "
		"internal error\r\n";

	if (write(client_fd, reply, sizeof(reply) - 1) < 0)
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
	pool = pool_alloconly_create("pop3 handoff", 1024);
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
		pop3_client = client_create(client_fd, pop3_set, user,
					    handoff.input, handoff.input_size);
		client_start(pop3_client);
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
		&pop3_setting_parser_info,
		&mail_storage_setting_parser_info,
		NULL
	};

	master_service = master_service_init("pop3", 0, &argc, &argv,
					     set_roots);
	pop3_set = master_service_get_settings(master_service,
					       &pop3_setting_parser_info);
	mail_set = master_service_get_settings(master_service,
		&mail_storage_setting_parser_info);
	master_service_init_finish(master_service);
	master_service_run(master_service, client_connected);

	if (pop3_client != NULL) {
		if (!pop3_client->disconnected) {
			client_send_line(pop3_client,
					 "-ERR Server shutting down.");
		}
		client_destroy(&pop3_client);
	}
	if (to_login != NULL)
		timeout_remove(&to_login);
	master_service_deinit(&master_service);
	return 0;
}
