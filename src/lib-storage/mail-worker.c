/* Copyright (c) Cove authors. See AUTHORS. */

/* The service skeleton of the post-login workers: waits for the handoff
   from the login process, logs the user in, starts the protocol's client
   and ends it at shutdown. */

#include "lib.h"
#include "ioloop.h"
#include "master-service.h"
#include "master-session.h"
#include "login-handoff.h"
#include "mail-storage.h"
#include "mail-storage-settings.h"
#include "mail-user-login.h"
#include "mail-worker-client.h"
#include "mail-worker.h"

static const struct mail_worker *worker;
static const void *worker_set;
static const struct mail_storage_settings *mail_set;
static struct mail_worker_client *worker_client;
static struct timeout *to_login;
static int login_fd = -1;

/* Tells the client why the session ends before it began. */
static void mail_worker_client_fail(int client_fd)
{
	const char *reply = t_strconcat(worker->login_failed_reply, "\r\n",
					NULL);

	if (write(client_fd, reply, strlen(reply)) < 0)
		i_error("write(client) failed: %m");
	if (close(client_fd) < 0)
		i_error("close(client) failed: %m");
}

/* Runs from the ioloop, so that a failure can end the service loop. */
static void mail_worker_login(void *context ATTR_UNUSED)
{
	const struct master_service_settings *mset =
		master_service_get_common_settings(master_service);
	struct login_handoff handoff;
	struct mail_user *user;
	const char *error;
	pool_t pool;
	int client_fd, ret;

	timeout_remove(&to_login);
	pool = pool_alloconly_create("mail worker handoff", 1024);
	ret = mail_user_login_handoff(login_fd, pool, mset->base_dir,
				      mail_set, &handoff, &client_fd, &user,
				      &error);
	login_fd = -1;
	if (ret <= 0) {
		i_error("%s", error);
		if (ret < 0)
			mail_worker_client_fail(client_fd);
		master_service_client_connection_destroyed(master_service);
	} else {
		/* for coveadm who and kick */
		if (master_session_publish(mset->base_dir, worker->name,
					   mail_user_get_username(user),
					   &handoff.remote_ip, &error) < 0)
			i_error("%s", error);
		worker_client = worker->client_start(client_fd, worker_set,
						     user, &handoff);
	}
	pool_unref(&pool);
}

static void mail_worker_connected(struct master_service_connection *conn)
{
	login_fd = conn->fd;
	to_login = timeout_add(0, mail_worker_login, NULL);
}

static void mail_worker_shutdown(void)
{
	if (worker_client == NULL)
		return;
	if (!worker_client->disconnected)
		mail_worker_client_send_bye(worker_client,
					    "Server shutting down");
	worker_client->def->destroy(worker_client);
	worker_client = NULL;
}

int mail_worker_main(const struct mail_worker *_worker, int argc,
		     char *argv[])
{
	const struct setting_parser_info *const set_roots[] = {
		_worker->set_info,
		&mail_storage_setting_parser_info,
		NULL
	};

	worker = _worker;
	master_service = master_service_init(worker->name, 0, &argc, &argv,
					     set_roots);
	worker_set = master_service_get_settings(master_service,
						 worker->set_info);
	mail_set = master_service_get_settings(master_service,
		&mail_storage_setting_parser_info);
	master_service_init_finish(master_service);
	master_service_run(master_service, mail_worker_connected);

	mail_worker_shutdown();
	master_session_unpublish();
	if (to_login != NULL)
		timeout_remove(&to_login);
	master_service_deinit(&master_service);
	return 0;
}
