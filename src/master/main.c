/* Copyright (c) Cove authors. See AUTHORS. */

/* cove: the master process. Reads and validates the whole config, binds
   every listener, starts and supervises the services, reloads on SIGHUP
   or `coveadm reload`, and stops everything on SIGTERM or `coveadm
   stop`. It never reads client data. */

#include "lib.h"
#include "str.h"
#include "ioloop.h"
#include "lib-signals.h"
#include "file-util.h"
#include "restrict-access.h"
#include "settings-parser.h"
#include "master-interface.h"
#include "master-service-settings.h"
#include "master-settings.h"
#include "master-all-settings.h"
#include "master-admin.h"
#include "master-log.h"
#include "service.h"
#include "service-process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sysexits.h>

#define MASTER_SHUTDOWN_TIMEOUT_SECS 10

static const char *config_path = PKG_SYSCONFDIR "/cove.conf";
static struct ioloop *master_ioloop;
static struct service_list *services;
static char *pid_file_path;

static void ATTR_NORETURN usage(void)
{
	fprintf(stderr,
		"Usage: cove [-F] [-c CONFIG]   start the server (-F: foreground)\n"
		"       cove [-c CONFIG] -n     print settings that differ from defaults\n"
		"       cove [-c CONFIG] -a     print all settings\n"
		"       cove --version\n");
	exit(EX_USAGE);
}

/* A settings check error names the setting first ("ssl_key: ..."), but the
   value it checked is a file's content when the config says "key = <path":
   returns the error with the path added ("ssl_key = </path: ..."), as the
   flat config keeps it. */
static const char *
master_check_error_add_path(struct settings_parser *parser, const char *error)
{
	const char *flat = settings_parser_get_flat_config(parser);
	const char *colon = strchr(error, ':');
	const char *const *lines;
	const char *key, *path = NULL;

	if (colon == NULL)
		return error;
	key = t_strdup_printf("%s = <", t_strndup(error, colon - error));
	for (lines = t_strsplit(flat, "\n"); *lines != NULL; lines++) {
		const char *line = *lines;

		while (*line == ' ' || *line == '\t')
			line++;
		if (str_begins(line, key))
			path = line + strlen(key);
	}
	if (path == NULL)
		return error;
	return t_strdup_printf("%s%s%s", key, path, colon);
}

/* Reads and checks the whole config. Returns the list (not yet listening),
   or NULL with error_r. Warnings are logged. */
static struct service_list *master_read_config(const char **error_r)
{
	pool_t pool = pool_alloconly_create("master config", 16384);
	struct settings_parser *parser;
	struct service_list *list;
	const char *const *warnings;

	parser = settings_parser_init(pool, master_all_setting_roots, NULL, 0);
	if (settings_parser_read_file(parser, config_path, error_r) < 0) {
		settings_parser_deinit(&parser);
		pool_unref(&pool);
		return NULL;
	}
	if (settings_parser_check(parser, error_r) < 0) {
		*error_r = master_check_error_add_path(parser, *error_r);
		settings_parser_deinit(&parser);
		pool_unref(&pool);
		return NULL;
	}
	for (warnings = settings_parser_get_warnings(parser);
	     *warnings != NULL; warnings++)
		i_warning("%s", *warnings);
	if (services_create(pool, config_path,
			    settings_parser_get(parser,
				&master_service_setting_parser_info),
			    settings_parser_get(parser,
				&master_setting_parser_info),
			    &list, error_r) < 0) {
		*error_r = t_strdup_printf("%s: %s", config_path, *error_r);
		settings_parser_deinit(&parser);
		pool_unref(&pool);
		return NULL;
	}
	list->parser = parser;
	return list;
}

static void master_print_settings(bool all)
{
	struct service_list *list;
	const char *error;
	string_t *str = t_str_new(4096);

	list = master_read_config(&error);
	if (list == NULL)
		i_fatal("Invalid configuration:\n%s", error);
	settings_parser_dump(list->parser, all, str);
	fwrite(str_data(str), 1, str_len(str), stdout);
	service_list_free(&list);
}

/* Returns the pid of a running master from the pid file, or 0. */
static pid_t master_running_pid(void)
{
	buffer_t *data;
	const char *error;
	unsigned int pid;
	bool enoent;

	if (file_read_all(pid_file_path, datastack_pool, 64,
			  &data, &enoent, &error) < 0)
		return 0;
	const char *text = t_strndup(data->data, data->used);
	const char *nl = strchr(text, '\n');
	if (nl != NULL)
		text = t_strndup(text, nl - text);
	if (str_to_uint(text, &pid) < 0 || pid == 0 || (pid_t)pid == getpid())
		return 0;
	if (kill((pid_t)pid, 0) < 0 && errno == ESRCH)
		return 0;
	return (pid_t)pid;
}

static void master_write_pid_file(void)
{
	const char *tmp = t_strdup_printf("%s.tmp", pid_file_path);
	const char *line = t_strdup_printf("%d\n", (int)getpid());
	int fd;

	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		i_fatal("open(%s) failed: %m", tmp);
	if (write_full(fd, line, strlen(line)) < 0)
		i_fatal("write(%s) failed: %m", tmp);
	if (close(fd) < 0)
		i_fatal("close(%s) failed: %m", tmp);
	if (rename(tmp, pid_file_path) < 0)
		i_fatal("rename(%s, %s) failed: %m", tmp, pid_file_path);
}

/* Forks into the background. stderr is already the log file; stdin and
   stdout go to /dev/null so that the starting shell is not held. */
/* Writes the validated config for the services and points the list's
   processes at it. Returns 0, or -1 with error_r. */
static int master_write_config_snapshot(struct service_list *list,
					const char **error_r)
{
	const char *path = p_strdup_printf(list->pool, "%s/%s",
		list->set->base_dir, MASTER_CONFIG_SNAPSHOT);
	const char *tmp = t_strdup_printf("%s.tmp", path);
	const char *text = settings_parser_get_flat_config(list->parser);
	int fd;

	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0) {
		*error_r = t_strdup_printf("open(%s) failed: %m", tmp);
		return -1;
	}
	if (write_full(fd, text, strlen(text)) < 0) {
		*error_r = t_strdup_printf("write(%s) failed: %m", tmp);
		i_close_fd(&fd);
		return -1;
	}
	if (close(fd) < 0 || rename(tmp, path) < 0) {
		*error_r = t_strdup_printf("Writing %s failed: %m", path);
		return -1;
	}
	list->config_path = path;
	return 0;
}

static void master_daemonize(void)
{
	int fd;
	pid_t pid;

	fd = open("/dev/null", O_RDWR);
	if (fd < 0 || dup2(fd, 0) < 0 || dup2(fd, 1) < 0)
		i_fatal("Opening /dev/null failed: %m");
	if (fd > 2)
		close(fd);
	pid = fork();
	if (pid < 0)
		i_fatal("fork() failed: %m");
	if (pid > 0)
		_exit(0);
	if (setsid() < 0)
		i_fatal("setsid() failed: %m");
}

static int master_reload(const char **error_r)
{
	struct service_list *new_list, *old_list = services;
	const char *error;

	new_list = master_read_config(&error);
	if (new_list == NULL) {
		*error_r = t_strdup_printf("Invalid configuration:\n%s", error);
		i_error("Reload failed, keeping the old configuration: %s",
			*error_r);
		return -1;
	}
	if (services_create_dirs(new_list, &error) < 0 ||
	    services_listen(new_list, old_list, &error) < 0 ||
	    master_write_config_snapshot(new_list, &error) < 0) {
		*error_r = error;
		i_error("Reload failed, keeping the old configuration: %s",
			error);
		services_close_listeners(new_list);
		service_list_free(&new_list);
		return -1;
	}
	services_close_listeners(old_list);
	service_list_stop(old_list);
	services = new_list;
	service_list_start(services);
	i_info("Configuration reloaded from %s", config_path);
	return 0;
}

static void master_stop(void)
{
	io_loop_stop(master_ioloop);
}

static void sig_hup(const siginfo_t *si ATTR_UNUSED, void *context ATTR_UNUSED)
{
	const char *error;

	i_info("SIGHUP received - reloading configuration");
	(void)master_reload(&error);
}

static void sig_die(const siginfo_t *si, void *context ATTR_UNUSED)
{
	i_info("Got signal %d (from pid %d), shutting down", si->si_signo,
	       (int)si->si_pid);
	master_stop();
}

static int master_log_reopen_file(const char **error_r)
{
	if (master_log_reopen(services->set->log_path, error_r) < 0)
		return -1;
	i_info("Log reopened through the admin socket");
	return 0;
}

static const struct master_admin_callbacks admin_callbacks = {
	.stop = master_stop,
	.reload = master_reload,
	.log_reopen = master_log_reopen_file,
};

static void master_startup(bool foreground)
{
	const struct master_service_settings *set;
	const char *error;
	pid_t pid;

	services = master_read_config(&error);
	if (services == NULL)
		i_fatal("Invalid configuration:\n%s", error);
	set = services->set;
	pid_file_path = i_strdup_printf("%s/%s", set->base_dir,
					MASTER_PID_FILE);
	pid = master_running_pid();
	if (pid > 0)
		i_fatal("cove is already running with PID %d (read from %s)",
			(int)pid, pid_file_path);
	if (services_create_dirs(services, &error) < 0 ||
	    services_listen(services, NULL, &error) < 0 ||
	    master_write_config_snapshot(services, &error) < 0)
		i_fatal("%s", error);
	master_log_open(set->log_path, foreground);
	if (!foreground)
		master_daemonize();
	master_write_pid_file();
}

static void master_run(bool foreground)
{
	const char *admin_path, *error;

	master_ioloop = io_loop_create();
	lib_signals_init();
	lib_signals_set_handler(SIGHUP, sig_hup, NULL);
	lib_signals_set_handler(SIGTERM, sig_die, NULL);
	lib_signals_set_handler(SIGINT, sig_die, NULL);
	lib_signals_ignore(SIGPIPE);
	master_log_init(services->set->log_path, foreground);
	service_processes_init();

	admin_path = t_strdup_printf("%s/%s", services->set->base_dir,
				     MASTER_ADMIN_SOCKET);
	if (master_admin_init(admin_path, &admin_callbacks, &error) < 0)
		i_fatal("%s", error);
	if (!services->root) {
		i_info("Running without root privileges (uid %u): "
		       "privilege drops are skipped", (unsigned int)getuid());
	}
	service_list_start(services);
	i_info("Cove v" PACKAGE_VERSION " starting up for %s",
	       services->set->protocols);

	io_loop_run(master_ioloop);

	master_admin_deinit();
	services_close_listeners(services);
	service_list_shutdown(services, MASTER_SHUTDOWN_TIMEOUT_SECS);
	services = NULL;
	service_processes_deinit();
	(void)unlink(pid_file_path);
	i_info("Cove stopped");
	master_log_deinit();
	lib_signals_deinit();
	io_loop_destroy(&master_ioloop);
}

int main(int argc, char *argv[])
{
	enum { MODE_RUN, MODE_PRINT_CHANGED, MODE_PRINT_ALL } mode = MODE_RUN;
	bool foreground = false;
	int c;

	lib_init();
	log_init("master");
	if (argc == 2 && strcmp(argv[1], "--version") == 0) {
		printf("cove " PACKAGE_VERSION "\n");
		return 0;
	}
	while ((c = getopt(argc, argv, "Fc:na")) != -1) {
		switch (c) {
		case 'F':
			foreground = true;
			break;
		case 'c':
			config_path = optarg;
			break;
		case 'n':
			mode = MODE_PRINT_CHANGED;
			break;
		case 'a':
			mode = MODE_PRINT_ALL;
			break;
		default:
			usage();
		}
	}
	if (optind < argc)
		usage();
	if (mode != MODE_RUN) {
		master_print_settings(mode == MODE_PRINT_ALL);
		return 0;
	}
	master_startup(foreground);
	master_run(foreground);
	i_free(pid_file_path);
	lib_deinit();
	return 0;
}
