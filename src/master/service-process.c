/* Copyright (c) Cove authors. See AUTHORS. */

/* Service processes: fork + exec with the fds and environment described in
   master-interface.h, the accept loop of per-connection services, reaping
   with SIGCHLD, and restart back-off for listening services that die. */

#include "lib.h"
#include "array.h"
#include "hash.h"
#include "str.h"
#include "ioloop.h"
#include "lib-signals.h"
#include "net.h"
#include "master-interface.h"
#include "master-service-settings.h"
#include "service.h"
#include "service-process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>

/* A listening service process that ran this long before dying does not
   count as a failing start. */
#define SERVICE_STARTUP_FAILURE_SECS 60
#define SERVICE_THROTTLE_MAX_SECS 60

#define PID_KEY(pid) ((const void *)(uintptr_t)(pid))

struct service_process {
	struct service *service;
	pid_t pid;
	time_t start_time;
};

static struct hash_table *service_pids;
/* The pipe of MASTER_ENV_MASTER_FD: listening services get the read end;
   the write end stays in the master only (close-on-exec). */
static int service_master_fd[2] = { -1, -1 };

static void service_process_start_listening(struct service *service);

static void service_env_add(ARRAY_TYPE(const_string) *env, const char *key,
			    const char *value)
{
	const char *line = t_strdup_printf("%s=%s", key, value);

	array_push_back(env, &line);
}

/* Variables passed through from the master's own environment. */
static void service_env_import(ARRAY_TYPE(const_string) *env)
{
	static const char *const imports[] = {
		"TZ", "ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS",
		"MALLOC_CHECK_", "VALGRIND_OPTS",
	};

	for (unsigned int i = 0; i < N_ELEMENTS(imports); i++) {
		const char *value = getenv(imports[i]);
		if (value != NULL)
			service_env_add(env, imports[i], value);
	}
}

static const char *const *
service_build_env(struct service *service, const char *listener_names,
		  bool connection, int master_fd)
{
	const struct service_list *list = service->list;
	ARRAY_TYPE(const_string) env;

	t_array_init(&env, 16);
	service_env_add(&env, "PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
	service_env_add(&env, MASTER_ENV_CONFIG, list->config_path);
	service_env_add(&env, MASTER_ENV_SERVICE, service->name);
	service_env_add(&env, MASTER_ENV_LISTENERS, listener_names);
	service_env_add(&env, MASTER_ENV_CLIENT_LIMIT,
			t_strdup_printf("%u", service->client_limit));
	if (connection)
		service_env_add(&env, MASTER_ENV_CONNECTION, "1");
	else
		service_env_add(&env, MASTER_ENV_MASTER_FD,
				t_strdup_printf("%d", master_fd));
	if (service->uid != (uid_t)-1) {
		service_env_add(&env, MASTER_ENV_RESTRICT_USER, service->user);
		service_env_add(&env, MASTER_ENV_RESTRICT_UID,
				t_strdup_printf("%u", (unsigned int)service->uid));
		service_env_add(&env, MASTER_ENV_RESTRICT_GID,
				t_strdup_printf("%u", (unsigned int)service->gid));
	}
	if (service->chroot != NULL)
		service_env_add(&env, MASTER_ENV_RESTRICT_CHROOT,
				service->chroot);
	if (log_is_debug())
		service_env_add(&env, MASTER_ENV_DEBUG, "1");
	service_env_import(&env);
	array_append_space(&env);
	return array_front(&env);
}

/* Places fds[0..count-1] at MASTER_LISTEN_FD_FIRST.. in the child. */
static void service_child_setup_fds(const int *fds, unsigned int count)
{
	int high[count + 1];
	int null_fd = open("/dev/null", O_RDWR);

	if (null_fd < 0 || dup2(null_fd, 0) < 0 || dup2(null_fd, 1) < 0)
		i_fatal("Opening /dev/null failed: %m");
	if (null_fd > 2)
		close(null_fd);
	/* First move everything above the target range, so that no dup2()
	   overwrites an fd that is still to be moved. */
	for (unsigned int i = 0; i < count; i++) {
		high[i] = fcntl(fds[i], F_DUPFD,
				MASTER_LISTEN_FD_FIRST + (int)count);
		if (high[i] < 0)
			i_fatal("fcntl(F_DUPFD) failed: %m");
	}
	for (unsigned int i = 0; i < count; i++) {
		int target = MASTER_LISTEN_FD_FIRST + (int)i;

		if (dup2(high[i], target) < 0)
			i_fatal("dup2(%d, %d) failed: %m", high[i], target);
		close(high[i]);
	}
}

static void service_child_reset_signals(void)
{
	static const int signals[] = {
		SIGPIPE, SIGCHLD, SIGHUP, SIGTERM, SIGINT, SIGUSR1, SIGALRM
	};
	sigset_t set;

	for (unsigned int i = 0; i < N_ELEMENTS(signals); i++)
		signal(signals[i], SIG_DFL);
	sigemptyset(&set);
	sigprocmask(SIG_SETMASK, &set, NULL);
}

static void ATTR_NORETURN
service_child_exec(struct service *service, const int *fds,
		   unsigned int count, const char *const *env)
{
	char *argv[] = { (char *)service->name, NULL };

	service_child_reset_signals();
	service_child_setup_fds(fds, count);
	execve(service->executable, argv, (char **)env);
	i_fatal("service(%s): execve(%s) failed: %m", service->name,
		service->executable);
}

static int service_process_spawn(struct service *service,
				 struct service_listener *conn_listener,
				 int conn_fd)
{
	struct service_process *process;
	ARRAY(int) fds;
	string_t *names = t_str_new(128);
	pid_t pid;

	t_array_init(&fds, 8);
	array_foreach(&service->listeners, lp) {
		struct service_listener *l = *lp;

		if (conn_listener != NULL && l != conn_listener)
			continue;
		if (str_len(names) > 0)
			str_append_c(names, ' ');
		str_printfa(names, "%s:%s", l->name, l->is_unix ? "unix" :
			    (l->ssl ? "ssl" : "inet"));
		array_push_back(&fds, conn_listener != NULL ? &conn_fd : &l->fd);
	}
	int master_fd = MASTER_LISTEN_FD_FIRST + (int)array_count(&fds);
	if (conn_listener == NULL)
		array_push_back(&fds, &service_master_fd[0]);
	const char *const *env = service_build_env(service, str_c(names),
						   conn_listener != NULL,
						   master_fd);

	/* Signals stay blocked until the child has reset its handlers: one
	   arriving in between would run the master's inherited handler, and
	   the child would never see it (a SIGTERM at shutdown, say). */
	sigset_t all_signals, old_mask;
	sigfillset(&all_signals);
	sigprocmask(SIG_BLOCK, &all_signals, &old_mask);
	pid = fork();
	if (pid == 0)
		service_child_exec(service, array_front(&fds), array_count(&fds),
				   env);
	sigprocmask(SIG_SETMASK, &old_mask, NULL);
	if (pid < 0) {
		i_error("service(%s): fork() failed: %m", service->name);
		return -1;
	}

	process = i_new(struct service_process, 1);
	process->service = service;
	process->pid = pid;
	process->start_time = ioloop_time;
	hash_table_update(service_pids, PID_KEY(pid), process);
	service->process_count++;
	service->list->process_count++;
	return 0;
}

static void service_accept(struct service_listener *l)
{
	struct service *service = l->service;
	int fd;

	fd = net_accept(l->fd, NULL, NULL);
	if (fd < 0) {
		if (fd == -2 && errno != ECONNABORTED && errno != EINTR)
			i_error("service(%s): accept(%s) failed: %m",
				service->name, l->path);
		return;
	}
	if (service->process_count >= service->process_limit) {
		i_error("service(%s): process_limit (%u) reached, "
			"client connections are being dropped",
			service->name, service->process_limit);
	} else {
		(void)service_process_spawn(service, l, fd);
	}
	i_close_fd(&fd);
}

static void service_throttle_end(struct service *service)
{
	timeout_remove(&service->to_throttle);
	service_process_start_listening(service);
}

static void service_process_start_listening(struct service *service)
{
	unsigned int wanted = I_MAX(service->process_min_avail, 1);

	/* e.g. every inet_listener disabled with port = 0: nothing to serve */
	if (service->list->stopped || service->to_throttle != NULL ||
	    array_is_empty(&service->listeners))
		return;
	while (service->process_count < wanted) {
		if (service_process_spawn(service, NULL, -1) < 0)
			break;
	}
}

static void service_log_exit(const struct service_process *process,
			     int status)
{
	const char *name = process->service->name;

	if (WIFSIGNALED(status)) {
		/* SIGTERM is how the master stops services. */
		if (WTERMSIG(status) == SIGTERM && process->service->list->stopped)
			return;
		i_error("service(%s): child %d killed with signal %d%s", name,
			(int)process->pid, WTERMSIG(status),
			WCOREDUMP(status) ? " (core dumped)" : "");
	} else if (WIFEXITED(status) && WEXITSTATUS(status) != 0) {
		i_error("service(%s): child %d returned error %d", name,
			(int)process->pid, WEXITSTATUS(status));
	}
}

static void service_process_exited(struct service_process *process,
				   int status)
{
	struct service *service = process->service;
	struct service_list *list = service->list;
	/* SIGKILL comes from outside (an administrator, the OOM killer):
	   the process did not fail by itself, so its restart is not
	   throttled. */
	bool failed = WIFSIGNALED(status) ? WTERMSIG(status) != SIGKILL :
		WEXITSTATUS(status) != 0;

	service_log_exit(process, status);
	service->process_count--;
	list->process_count--;
	if (list->stopped) {
		if (list->process_count == 0 && !list->shutting_down)
			service_list_free(&list);
		return;
	}
	if (service->type != SERVICE_TYPE_LISTEN)
		return;
	if (!failed || ioloop_time - process->start_time >=
	    SERVICE_STARTUP_FAILURE_SECS) {
		service->throttle_secs = 0;
		service_process_start_listening(service);
		return;
	}
	service->throttle_secs = service->throttle_secs == 0 ? 1 :
		I_MIN(service->throttle_secs * 2, SERVICE_THROTTLE_MAX_SECS);
	i_error("service(%s): restarting in %u secs after failure",
		service->name, service->throttle_secs);
	timeout_remove(&service->to_throttle);
	service->to_throttle = timeout_add(service->throttle_secs * 1000,
					   service_throttle_end, service);
}

static void service_reap(void)
{
	struct service_process *process;
	pid_t pid;
	int status;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		process = hash_table_lookup(service_pids, PID_KEY(pid));
		if (process == NULL)
			continue;
		hash_table_remove(service_pids, PID_KEY(pid));
		service_process_exited(process, status);
		i_free(process);
	}
}

static void sig_chld(const siginfo_t *si ATTR_UNUSED,
		     void *context ATTR_UNUSED)
{
	service_reap();
}

void service_processes_init(void)
{
	service_pids = hash_table_create_direct(default_pool);
	if (pipe(service_master_fd) < 0)
		i_fatal("pipe() failed: %m");
	fd_close_on_exec(service_master_fd[0], true);
	fd_close_on_exec(service_master_fd[1], true);
	lib_signals_set_handler(SIGCHLD, sig_chld, NULL);
}

void service_processes_deinit(void)
{
	hash_table_destroy(&service_pids);
	i_close_fd(&service_master_fd[0]);
	i_close_fd(&service_master_fd[1]);
}

void service_list_start(struct service_list *list)
{
	array_foreach(&list->services, sp) {
		struct service *service = *sp;

		if (service->type == SERVICE_TYPE_LISTEN) {
			service_process_start_listening(service);
			continue;
		}
		array_foreach(&service->listeners, lp) {
			struct service_listener *l = *lp;
			l->io = io_add(l->fd, IO_READ, service_accept, l);
		}
	}
}

/* Signals the processes of list (NULL: of every list) and of service (NULL:
   of every service); with listen_only, only those of listening services. */
static void service_processes_signal(const struct service_list *list,
				     const struct service *service,
				     bool listen_only, int signo)
{
	struct hash_iterate_context *iter;
	const void *key;
	void *value;

	iter = hash_table_iterate_init(service_pids);
	while (hash_table_iterate(iter, &key, &value)) {
		struct service_process *process = value;
		const struct service *s = process->service;

		if ((list == NULL || s->list == list) &&
		    (service == NULL || s == service) &&
		    (!listen_only || s->type == SERVICE_TYPE_LISTEN))
			(void)kill(process->pid, signo);
	}
	hash_table_iterate_deinit(&iter);
}

static void service_list_stop_accepting(struct service_list *list)
{
	list->stopped = true;
	array_foreach(&list->services, sp) {
		struct service *service = *sp;

		timeout_remove(&service->to_throttle);
		array_foreach(&service->listeners, lp)
			io_remove(&(*lp)->io);
	}
}

void service_list_stop(struct service_list *list)
{
	service_list_stop_accepting(list);
	/* Listening services are replaced at once; per-connection workers
	   finish their sessions. */
	service_processes_signal(list, NULL, true, SIGTERM);
	if (list->process_count == 0)
		service_list_free(&list);
}

unsigned int service_processes_count(void)
{
	return hash_table_count(service_pids);
}

/* Reaps until service (NULL: every service) has no processes left, or
   end passes. */
static void service_processes_wait(const struct service *service, time_t end)
{
	struct timespec delay = { .tv_sec = 0, .tv_nsec = 10 * 1000 * 1000 };

	while ((service == NULL ? service_processes_count() :
		service->process_count) > 0 && time(NULL) < end) {
		nanosleep(&delay, NULL);
		service_reap();
	}
}

void service_list_shutdown(struct service_list *list,
			   unsigned int timeout_secs)
{
	time_t end = time(NULL) + timeout_secs;
	unsigned int count = array_count(&list->services);

	service_list_stop_accepting(list);
	list->shutting_down = true;
	while (count > 0) {
		struct service *service =
			array_idx_elem(&list->services, --count);

		service_processes_signal(list, service, false, SIGTERM);
		service_processes_wait(service, end);
	}
	service_processes_signal(NULL, NULL, false, SIGTERM);
	service_processes_wait(NULL, end);
	if (service_processes_count() > 0) {
		i_warning("%u processes did not stop in %u secs: killing them",
			  service_processes_count(), timeout_secs);
		service_processes_signal(NULL, NULL, false, SIGKILL);
		service_processes_wait(NULL, time(NULL) + 60);
	}
	list->shutting_down = false;
	service_list_free(&list);
}
