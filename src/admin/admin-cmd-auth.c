/* Copyright (c) Cove authors. See AUTHORS. */

/* coveadm auth test, auth lookup and user: ask the running auth process,
   the way a login process (auth-client socket) and a worker (auth-master
   socket) do, and print what they would get; coveadm auth cache flush. */

#include "lib.h"
#include "str.h"
#include "base64.h"
#include "ioloop.h"
#include "master-interface.h"
#include "master-service-settings.h"
#include "auth-client.h"
#include "auth-master.h"
#include "admin-cmd.h"

#include <stdio.h>
#include <unistd.h>

/* How long auth may take to answer (its failure delay included). */
#define ADMIN_AUTH_TIMEOUT_MSECS (30 * 1000)

struct admin_auth_test {
	struct ioloop *ioloop;
	/* holds args */
	pool_t pool;
	enum auth_request_status status;
	const char *const *args;
	bool finished;
};

static void admin_auth_test_callback(struct auth_client_request *request
				     ATTR_UNUSED,
				     enum auth_request_status status,
				     const char *data_base64 ATTR_UNUSED,
				     const char *const *args, void *context)
{
	struct admin_auth_test *test = context;

	if (status == AUTH_REQUEST_STATUS_CONTINUE)
		return;
	test->status = status;
	test->args = args == NULL ? NULL : p_strarray_dup(test->pool, args);
	test->finished = true;
	io_loop_stop(test->ioloop);
}

static void admin_auth_test_timeout(struct admin_auth_test *test)
{
	io_loop_stop(test->ioloop);
}

static int admin_auth_test_print(const struct admin_auth_test *test,
				 const char *user, const char *socket_path)
{
	if (!test->finished || test->status == AUTH_REQUEST_STATUS_ABORT) {
		fprintf(stderr, "coveadm auth test: No answer from %s (is "
			"Cove running?)\n", socket_path);
		return ADMIN_EXIT_TEMPFAIL;
	}
	if (test->status != AUTH_REQUEST_STATUS_OK) {
		printf("passdb: %s auth failed\n", user);
		return ADMIN_EXIT_NOPERM;
	}
	printf("passdb: %s auth succeeded\n", user);
	if (test->args != NULL && test->args[0] != NULL) {
		printf("extra fields:\n");
		for (unsigned int i = 0; test->args[i] != NULL; i++)
			printf("  %s\n", test->args[i]);
	}
	return ADMIN_EXIT_OK;
}

static int cmd_auth_test(const struct admin_context *ctx, const char *user,
			 const char *password)
{
	struct admin_auth_test test;
	struct auth_request_info info;
	struct auth_client *client;
	struct timeout *to;
	string_t *plain = t_str_new(128), *resp = t_str_new(128);
	const char *socket_path;
	int ret;

	i_zero(&test);
	i_zero(&info);
	str_append_c(plain, '\0');
	str_append(plain, user);
	str_append_c(plain, '\0');
	str_append(plain, password);
	base64_encode(str_data(plain), str_len(plain), resp);
	info.mech = "PLAIN";
	info.service = "coveadm";
	info.initial_resp_base64 = str_c(resp);
	info.secured = true;

	socket_path = t_strdup_printf("%s/%s", ctx->set->base_dir,
				      MASTER_AUTH_CLIENT_SOCKET);
	test.pool = pool_alloconly_create("auth test", 1024);
	test.ioloop = io_loop_create();
	client = auth_client_init(socket_path);
	(void)auth_client_request_new(client, &info, admin_auth_test_callback,
				      &test);
	to = timeout_add(ADMIN_AUTH_TIMEOUT_MSECS, admin_auth_test_timeout,
			 &test);
	io_loop_run(test.ioloop);
	timeout_remove(&to);
	auth_client_deinit(&client);
	io_loop_destroy(&test.ioloop);
	safe_memset(buffer_get_modifiable_data(plain, NULL), 0,
		    str_len(plain));

	ret = admin_auth_test_print(&test, user, socket_path);
	pool_unref(&test.pool);
	return ret;
}

/* Prints "passdb: USER" and the entry's fields, as doveadm does. */
static int cmd_auth_lookup(const struct admin_context *ctx, const char *user)
{
	struct auth_user_reply reply;
	const char *socket_path, *error;
	pool_t pool;
	int ret;

	socket_path = t_strdup_printf("%s/%s", ctx->set->base_dir,
				      MASTER_AUTH_MASTER_SOCKET);
	pool = pool_alloconly_create("passdb reply", 1024);
	ret = auth_master_pass_lookup(socket_path, user, "coveadm", pool,
				      &reply, &error);
	if (ret < 0) {
		fprintf(stderr, "coveadm auth lookup: %s\n", error);
		ret = ADMIN_EXIT_TEMPFAIL;
	} else if (ret == 0) {
		printf("passdb lookup: user %s doesn't exist\n", user);
		ret = ADMIN_EXIT_NOUSER;
	} else {
		printf("passdb: %s\n  user      : %s\n", user,
		       reply.username);
		for (unsigned int i = 0; reply.fields[i] != NULL; i++) {
			const char *eq = strchr(reply.fields[i], '=');

			printf("  %-9.*s : %s\n",
			       (int)(eq == NULL ? strlen(reply.fields[i]) :
				     (size_t)(eq - reply.fields[i])),
			       reply.fields[i], eq == NULL ? "" : eq + 1);
		}
		ret = ADMIN_EXIT_OK;
	}
	pool_unref(&pool);
	return ret;
}

/* coveadm auth cache flush [USER]: drops USER's auth cache entries (all
   entries without USER). */
static int cmd_auth_cache_flush(const struct admin_context *ctx,
				const char *user)
{
	const char *socket_path, *error;
	unsigned int count;

	socket_path = t_strdup_printf("%s/%s", ctx->set->base_dir,
				      MASTER_AUTH_MASTER_SOCKET);
	if (auth_master_cache_flush(socket_path, user, &count, &error) < 0) {
		fprintf(stderr, "coveadm auth cache flush: %s\n", error);
		return ADMIN_EXIT_TEMPFAIL;
	}
	printf("%u cache entries flushed\n", count);
	return ADMIN_EXIT_OK;
}

static int cmd_auth(const struct admin_context *ctx, int argc, char *argv[])
{
	const char *password;

	if (argc == 3 && strcmp(argv[1], "lookup") == 0)
		return cmd_auth_lookup(ctx, argv[2]);
	if ((argc == 3 || argc == 4) && strcmp(argv[1], "cache") == 0 &&
	    strcmp(argv[2], "flush") == 0)
		return cmd_auth_cache_flush(ctx, argc == 4 ? argv[3] : NULL);
	if (argc < 3 || argc > 4 || strcmp(argv[1], "test") != 0)
		return ADMIN_EXIT_USAGE;
	password = argc == 4 ? argv[3] : getpass("Password: ");
	if (password == NULL)
		return ADMIN_EXIT_USAGE;
	return cmd_auth_test(ctx, argv[2], password);
}

/* coveadm user MASK: the names of the users that match. */
static int cmd_user_list(const char *socket_path, const char *mask)
{
	const char *const *users, *error;
	pool_t pool = pool_alloconly_create("user list", 4096);
	int ret = ADMIN_EXIT_OK;

	if (auth_master_user_list(socket_path, mask, pool, &users,
				  &error) < 0) {
		fprintf(stderr, "coveadm user: %s\n", error);
		ret = ADMIN_EXIT_TEMPFAIL;
	} else {
		for (; *users != NULL; users++)
			printf("%s\n", *users);
	}
	pool_unref(&pool);
	return ret;
}

static int cmd_user(const struct admin_context *ctx, int argc, char *argv[])
{
	struct auth_user_reply reply;
	const char *socket_path, *error;
	pool_t pool;
	int ret;

	if (argc != 2)
		return ADMIN_EXIT_USAGE;
	socket_path = t_strdup_printf("%s/%s", ctx->set->base_dir,
				      MASTER_AUTH_MASTER_SOCKET);
	if (strpbrk(argv[1], "*?") != NULL)
		return cmd_user_list(socket_path, argv[1]);
	pool = pool_alloconly_create("userdb reply", 1024);
	ret = auth_master_user_lookup(socket_path, argv[1], "coveadm", pool,
				      &reply, &error);
	if (ret < 0) {
		fprintf(stderr, "coveadm user: %s\n", error);
		ret = ADMIN_EXIT_TEMPFAIL;
	} else if (ret == 0) {
		printf("userdb lookup: user %s doesn't exist\n", argv[1]);
		ret = ADMIN_EXIT_NOUSER;
	} else {
		printf("field\tvalue\n");
		for (unsigned int i = 0; reply.fields[i] != NULL; i++) {
			const char *eq = strchr(reply.fields[i], '=');

			if (eq == NULL)
				printf("%s\t\n", reply.fields[i]);
			else
				printf("%.*s\t%s\n", (int)(eq - reply.fields[i]),
				       reply.fields[i], eq + 1);
		}
		ret = ADMIN_EXIT_OK;
	}
	pool_unref(&pool);
	return ret;
}

const struct admin_cmd admin_cmd_auth = {
	.name = "auth",
	.usage = "test USER [PASSWORD] | lookup USER | cache flush [USER]",
	.help = "test: log USER in through the running auth process (PLAIN) "
		"and say whether it succeeded; lookup: say whether a passdb "
		"knows USER; cache flush: drop USER's entries (all entries "
		"without USER) from the auth cache.",
	.run = cmd_auth,
};

const struct admin_cmd admin_cmd_user = {
	.name = "user",
	.usage = "USER|MASK",
	.help = "Print USER's userdb fields (uid, gid, home, mail, ...) as "
		"the running auth process gives them to the workers; with a "
		"MASK (* and ?), the names of the users that match "
		"(passwd-file userdbs).",
	.run = cmd_user,
};
