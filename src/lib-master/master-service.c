/* Copyright (c) Cove authors. See AUTHORS. */

/* Runtime of a service process: config, logging, privilege drop and the
   accept loop over the listeners the master passed (master-interface.h). */

#include "lib.h"
#include "array.h"
#include "ioloop.h"
#include "lib-signals.h"
#include "restrict-access.h"
#include "settings-parser.h"
#include "master-interface.h"
#include "master-service.h"

struct master_service_listener {
	struct master_service *service;
	const char *name;
	int fd;
	bool unix_socket;
	bool ssl;
	struct io *io;
};

struct master_service {
	pool_t pool;
	const char *name;
	const char *config_path;
	enum master_service_flags flags;
	struct ioloop *ioloop;
	struct settings_parser *set_parser;
	const struct master_service_settings *set;
	const char *config_error;

	ARRAY(struct master_service_listener) listeners;
	master_service_connection_callback_t *callback;
	unsigned int client_limit;
	unsigned int client_count;
	/* Supplementary group kept after the privilege drop, or -1. */
	gid_t extra_gid;
	/* MASTER_ENV_MASTER_FD: readable once the master is gone. */
	struct io *io_master;
	bool per_connection;
	bool listening;
	bool stopping;
};

struct master_service *master_service;

static const char *master_service_protocol(const char *name)
{
	static const char *const protocols[] = {
		"imap", "pop3", "lmtp", "submission"
	};
	const char *dash = strchr(name, '-');
	const char *prefix = dash == NULL ? name :
		t_strndup(name, dash - name);

	for (unsigned int i = 0; i < N_ELEMENTS(protocols); i++) {
		if (strcmp(prefix, protocols[i]) == 0)
			return protocols[i];
	}
	return NULL;
}

/* Removes "-c FILE" from argv; returns FILE or NULL. */
static const char *master_service_take_config_arg(int *argc, char **argv[])
{
	char **args = *argv;
	const char *path = NULL;
	int i, j;

	for (i = j = 1; i < *argc; i++) {
		if (strcmp(args[i], "-c") == 0 && i + 1 < *argc) {
			path = args[++i];
			continue;
		}
		if (strcmp(args[i], "--") == 0) {
			while (i < *argc)
				args[j++] = args[i++];
			break;
		}
		args[j++] = args[i];
	}
	*argc = j;
	args[j] = NULL;
	return path;
}

static void master_service_read_settings(struct master_service *service,
	const struct setting_parser_info *const *set_roots)
{
	ARRAY(const struct setting_parser_info *) roots;
	const char *error;

	p_array_init(&roots, service->pool, 8);
	const struct setting_parser_info *common =
		&master_service_setting_parser_info;
	array_push_back(&roots, &common);
	for (unsigned int i = 0; set_roots != NULL && set_roots[i] != NULL; i++)
		array_push_back(&roots, &set_roots[i]);
	array_append_space(&roots);

	service->set_parser = settings_parser_init(service->pool,
		array_front(&roots), master_service_protocol(service->name),
		SETTINGS_PARSER_FLAG_IGNORE_UNKNOWN);
	if (settings_parser_read_file(service->set_parser,
				      service->config_path, &error) < 0 ||
	    settings_parser_check(service->set_parser, &error) < 0) {
		if ((service->flags &
		     MASTER_SERVICE_FLAG_TOLERATE_CONFIG_ERRORS) == 0) {
			i_fatal("Invalid configuration in %s:\n%s",
				service->config_path, error);
		}
		service->config_error = p_strdup(service->pool, error);
	}
	service->set = settings_parser_get(service->set_parser, common);
}

struct master_service *
master_service_init(const char *name, enum master_service_flags flags,
		    int *argc, char **argv[],
		    const struct setting_parser_info *const *set_roots)
{
	struct master_service *service;
	const char *path = NULL, *value;

	lib_init();
	log_init(name);
	service = i_new(struct master_service, 1);
	service->pool = pool_alloconly_create("master service", 4096);
	service->extra_gid = (gid_t)-1;
	service->name = p_strdup(service->pool, name);
	service->flags = flags;
	p_array_init(&service->listeners, service->pool, 4);
	if ((flags & MASTER_SERVICE_FLAG_NO_CONFIG_ARG) == 0)
		path = master_service_take_config_arg(argc, argv);
	if (path == NULL)
		path = getenv(MASTER_ENV_CONFIG);
	if (path == NULL)
		path = PKG_SYSCONFDIR "/cove.conf";
	service->config_path = p_strdup(service->pool, path);
	value = getenv(MASTER_ENV_DEBUG);
	if (value != NULL && strcmp(value, "1") == 0)
		log_set_debug(true);

	service->ioloop = io_loop_create();
	lib_signals_init();
	lib_signals_ignore(SIGPIPE);
	master_service_read_settings(service, set_roots);
	master_service = service;
	return service;
}

const char *master_service_get_name(const struct master_service *service)
{
	return service->name;
}

const char *
master_service_get_config_path(const struct master_service *service)
{
	return service->config_path;
}

void *master_service_get_settings(struct master_service *service,
				  const struct setting_parser_info *info)
{
	return settings_parser_get(service->set_parser, info);
}

const char *master_service_get_config_error(struct master_service *service)
{
	return service->config_error;
}

const struct master_service_settings *
master_service_get_common_settings(struct master_service *service)
{
	return service->set;
}

unsigned int master_service_get_client_limit(struct master_service *service)
{
	const char *value = getenv(MASTER_ENV_CLIENT_LIMIT);
	unsigned int limit;

	if (value == NULL || str_to_uint(value, &limit) < 0 || limit == 0)
		return 1;
	return limit;
}

void master_service_set_extra_group(struct master_service *service,
				    gid_t gid)
{
	service->extra_gid = gid;
}

static void master_service_restrict(struct master_service *service,
				    const char *chroot_dir)
{
	struct restrict_access_settings set = {
		.username = getenv(MASTER_ENV_RESTRICT_USER),
		.extra_gid = service->extra_gid,
		.chroot_dir = chroot_dir,
	};
	const char *uid = getenv(MASTER_ENV_RESTRICT_UID);
	const char *gid = getenv(MASTER_ENV_RESTRICT_GID);
	unsigned int num;
	const char *error;

	if (str_to_uint(uid, &num) < 0)
		i_fatal("Invalid %s: %s", MASTER_ENV_RESTRICT_UID, uid);
	set.uid = num;
	if (gid == NULL || str_to_uint(gid, &num) < 0)
		i_fatal("Invalid %s: %s", MASTER_ENV_RESTRICT_GID,
			gid == NULL ? "(missing)" : gid);
	set.gid = num;
	if (restrict_access(&set, &error) < 0)
		i_fatal("Dropping privileges failed: %s", error);
}

void master_service_init_finish(struct master_service *service)
{
	const char *chroot_dir = getenv(MASTER_ENV_RESTRICT_CHROOT);

	/* Without root the master passes no uid: only the chdir remains, so
	   that relative socket paths work the same in both modes. */
	if (getenv(MASTER_ENV_RESTRICT_UID) != NULL)
		master_service_restrict(service, chroot_dir);
	else if (chroot_dir != NULL && chdir(chroot_dir) < 0)
		i_fatal("chdir(%s) failed: %m", chroot_dir);
}

static void master_service_fill_connection(struct master_service_connection *conn)
{
	if (net_getsockname(conn->fd, &conn->local_ip, &conn->local_port) < 0)
		conn->local_ip.family = 0;
	if (net_getpeername(conn->fd, &conn->remote_ip, &conn->remote_port) < 0)
		conn->remote_ip.family = 0;
	conn->unix_socket = conn->remote_ip.family == 0;
}

static void master_service_listen_stop(struct master_service *service)
{
	array_foreach_modifiable(&service->listeners, l)
		io_remove(&l->io);
	service->listening = false;
}

static void master_service_accept(struct master_service_listener *l);

static void master_service_listen_start(struct master_service *service)
{
	if (service->listening || service->stopping || service->per_connection)
		return;
	array_foreach_modifiable(&service->listeners, l)
		l->io = io_add(l->fd, IO_READ, master_service_accept, l);
	service->listening = true;
}

static void master_service_new_connection(struct master_service *service,
					  struct master_service_listener *l,
					  int fd)
{
	struct master_service_connection conn = {
		.fd = fd,
		.listen_fd = l->fd,
		.name = l->name,
	};

	master_service_fill_connection(&conn);
	conn.unix_socket = l->unix_socket;
	conn.ssl = l->ssl;
	if (++service->client_count >= service->client_limit &&
	    !service->per_connection) {
		/* a process that serves one client at a time (lmtp) is
		   full with each one: nothing to warn about */
		if (service->client_limit > 1) {
			i_warning("client_limit (%u) reached: new connections "
				  "wait until a client leaves",
				  service->client_limit);
		}
		master_service_listen_stop(service);
	}
	T_BEGIN {
		service->callback(&conn);
	} T_END;
}

static void master_service_accept(struct master_service_listener *l)
{
	struct master_service *service = l->service;
	int fd;

	fd = net_accept(l->fd, NULL, NULL);
	if (fd == -1)
		return;
	if (fd < 0) {
		if (errno == EMFILE || errno == ENFILE)
			i_error("accept(%s) failed: %m", l->name);
		else if (errno != ECONNABORTED && errno != EINTR)
			i_error("accept(%s) failed: %m", l->name);
		return;
	}
	master_service_new_connection(service, l, fd);
}

static void master_service_parse_listeners(struct master_service *service)
{
	const char *env = getenv(MASTER_ENV_LISTENERS);
	const char *const *names;
	int fd = MASTER_LISTEN_FD_FIRST;

	if (env == NULL)
		return;
	names = t_strsplit_spaces(env, " ");
	for (; *names != NULL; names++, fd++) {
		struct master_service_listener *l =
			array_append_space(&service->listeners);
		const char *colon = strrchr(*names, ':');

		l->service = service;
		l->fd = fd;
		l->name = colon == NULL ? p_strdup(service->pool, *names) :
			p_strndup(service->pool, *names, colon - *names);
		l->unix_socket = colon != NULL && strcmp(colon + 1, "unix") == 0;
		l->ssl = colon != NULL && strcmp(colon + 1, "ssl") == 0;
		fd_close_on_exec(fd, true);
	}
}

static void master_service_sig_die(const siginfo_t *si ATTR_UNUSED,
				   void *context)
{
	struct master_service *service = context;

	service->stopping = true;
	master_service_stop(service);
}

static void master_service_master_died(struct master_service *service)
{
	i_error("The master process died: stopping");
	io_remove(&service->io_master);
	service->stopping = true;
	master_service_stop(service);
}

static void master_service_watch_master(struct master_service *service)
{
	const char *env = getenv(MASTER_ENV_MASTER_FD);
	unsigned int fd;

	if (env == NULL)
		return;
	if (str_to_uint(env, &fd) < 0 || fd < MASTER_LISTEN_FD_FIRST ||
	    fd > INT_MAX)
		i_fatal("Invalid %s: %s", MASTER_ENV_MASTER_FD, env);
	fd_close_on_exec((int)fd, true);
	service->io_master = io_add((int)fd, IO_READ,
				    master_service_master_died, service);
}

void master_service_run(struct master_service *service,
			master_service_connection_callback_t *callback)
{
	service->callback = callback;
	service->client_limit = master_service_get_client_limit(service);
	service->per_connection = getenv(MASTER_ENV_CONNECTION) != NULL;
	master_service_parse_listeners(service);
	lib_signals_set_handler(SIGTERM, master_service_sig_die, service);
	lib_signals_set_handler(SIGINT, master_service_sig_die, service);

	if (service->per_connection) {
		if (array_count(&service->listeners) != 1)
			i_fatal("%s=1 needs exactly one fd in %s",
				MASTER_ENV_CONNECTION, MASTER_ENV_LISTENERS);
		struct master_service_listener *l =
			array_idx_modifiable(&service->listeners, 0);
		fd_set_nonblock(l->fd, false);
		master_service_new_connection(service, l, l->fd);
	} else {
		master_service_watch_master(service);
		master_service_listen_start(service);
	}
	if (!service->stopping)
		io_loop_run(service->ioloop);
	master_service_listen_stop(service);
	io_remove(&service->io_master);
}

void master_service_stop(struct master_service *service)
{
	io_loop_stop(service->ioloop);
}

void master_service_client_connection_destroyed(struct master_service *service)
{
	i_assert(service->client_count > 0);
	service->client_count--;
	if (service->per_connection) {
		if (service->client_count == 0)
			master_service_stop(service);
		return;
	}
	if (service->client_count < service->client_limit)
		master_service_listen_start(service);
}

void master_service_deinit(struct master_service **_service)
{
	struct master_service *service = *_service;

	*_service = NULL;
	if (master_service == service)
		master_service = NULL;
	master_service_listen_stop(service);
	settings_parser_deinit(&service->set_parser);
	lib_signals_deinit();
	io_loop_destroy(&service->ioloop);
	pool_unref(&service->pool);
	i_free(service);
	lib_deinit();
}
