/* Copyright (c) Cove authors. See AUTHORS. */

/* coveadm who, kick and service status. The sessions come from the files
   that the post-login workers keep in base_dir/sessions
   (master-session.h); the processes per service from /proc: the master's
   children (base_dir/master.pid) by program name. */

#include "lib.h"
#include "array.h"
#include "str.h"
#include "strfuncs.h"
#include "file-util.h"
#include "net.h"
#include "master-interface.h"
#include "master-service.h"
#include "master-session.h"
#include "admin-cmd.h"

#include <ctype.h>
#include <dirent.h>
#include <fnmatch.h>
#include <signal.h>
#include <time.h>

static const char *admin_who_time(time_t t)
{
	char buf[64];
	struct tm tm;

	if (localtime_r(&t, &tm) == NULL ||
	    strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S", &tm) == 0)
		return "";
	return t_strdup(buf);
}

/* True if session matches mask: an IP address, or a user name with *
   and ? wildcards. */
static bool admin_who_match(const struct master_session *session,
			    const char *mask)
{
	struct ip_addr ip, session_ip;

	if (mask == NULL)
		return true;
	if (net_addr2ip(mask, &ip) == 0) {
		return net_addr2ip(session->remote_ip, &session_ip) == 0 &&
			net_ip_compare(&ip, &session_ip);
	}
	return fnmatch(mask, session->username, 0) == 0;
}

/* Prints the sessions that match mask, and kicks them if kick. Returns
   the admin_exit_code. */
static int admin_who(const struct admin_context *ctx, const char *mask,
		     bool kick)
{
	static const char *const headers[] = {
		"username", "protocol", "pid", "ip", "since", NULL
	};
	ARRAY_TYPE(master_session) sessions;
	struct admin_print *print;
	const char *values[6], *error;
	unsigned int matches = 0;
	pool_t pool;
	int ret = ADMIN_EXIT_OK;

	pool = pool_alloconly_create("admin who", 1024);
	p_array_init(&sessions, pool, 16);
	if (master_session_list(ctx->set->base_dir, pool, &sessions,
				&error) < 0) {
		fprintf(stderr, "coveadm: %s\n", error);
		pool_unref(&pool);
		return ADMIN_EXIT_TEMPFAIL;
	}
	print = admin_print_init(ctx->format, headers);
	array_foreach(&sessions, session) {
		if (!admin_who_match(session, mask))
			continue;
		if (kick && kill(session->pid, SIGTERM) < 0) {
			if (errno == ESRCH)
				continue;
			fprintf(stderr, "coveadm: kill(%d) failed: %m\n",
				(int)session->pid);
			ret = ADMIN_EXIT_TEMPFAIL;
			continue;
		}
		matches++;
		values[0] = session->username;
		values[1] = session->protocol;
		values[2] = t_strdup_printf("%d", (int)session->pid);
		values[3] = session->remote_ip;
		values[4] = admin_who_time(session->since);
		values[5] = NULL;
		admin_print_row(print, values);
	}
	admin_print_deinit(&print);
	pool_unref(&pool);
	if (kick && matches == 0 && ret == ADMIN_EXIT_OK) {
		fprintf(stderr, "coveadm kick: No sessions of %s\n", mask);
		return ADMIN_EXIT_NOUSER;
	}
	return ret;
}

static int cmd_who(const struct admin_context *ctx, int argc, char *argv[])
{
	if (argc > 2)
		return ADMIN_EXIT_USAGE;
	return admin_who(ctx, argc == 2 ? argv[1] : NULL, false);
}

static int cmd_kick(const struct admin_context *ctx, int argc, char *argv[])
{
	if (argc != 2)
		return ADMIN_EXIT_USAGE;
	return admin_who(ctx, argv[1], true);
}

/* The pid in base_dir/master.pid; 0 after printing why there is none. */
static pid_t admin_master_pid(const struct admin_context *ctx)
{
	const char *path = t_strdup_printf("%s/%s", ctx->set->base_dir,
					   MASTER_PID_FILE);
	const char *error;
	unsigned int pid;
	buffer_t *data;
	bool enoent;

	if (file_read_all(path, datastack_pool, 64, &data, &enoent,
			  &error) < 0) {
		fprintf(stderr, "coveadm: %s\n", enoent ?
			"cove is not running" : error);
		return 0;
	}
	if (str_to_uint(t_strndup(data->data, strcspn(str_c(data), "\n")),
			&pid) < 0 || pid == 0 || kill((pid_t)pid, 0) < 0) {
		fprintf(stderr, "coveadm: cove is not running (%s is stale)\n",
			path);
		return 0;
	}
	return (pid_t)pid;
}

/* The program name of process pid if its parent is ppid, else NULL. */
static const char *admin_child_name(const char *pid, pid_t ppid)
{
	const char *path = t_strdup_printf("/proc/%s/stat", pid);
	const char *p, *name;
	unsigned int parent;
	buffer_t *data;

	if (file_read_all(path, datastack_pool, 4096, &data, NULL, &p) < 0)
		return NULL;
	/* "pid (comm) state ppid ..." */
	p = strrchr(str_c(data), ')');
	if (p == NULL || strlen(p) < 4 ||
	    str_to_uint(t_strndup(p + 4, strcspn(p + 4, " ")), &parent) < 0 ||
	    (pid_t)parent != ppid)
		return NULL;
	path = t_strdup_printf("/proc/%s/cmdline", pid);
	if (file_read_all(path, datastack_pool, 4096, &data, NULL, &p) < 0 ||
	    data->used == 0)
		return NULL;
	name = t_strndup(data->data, data->used);
	p = strrchr(name, '/');
	return p == NULL ? name : p + 1;
}

struct admin_service_count {
	const char *name;
	unsigned int count;
	string_t *pids;
};

static int admin_service_cmp(const struct admin_service_count *s1,
			     const struct admin_service_count *s2)
{
	return strcmp(s1->name, s2->name);
}

static int cmd_service(const struct admin_context *ctx, int argc,
		       char *argv[])
{
	static const char *const headers[] = {
		"name", "process_count", "pids", NULL
	};
	ARRAY(struct admin_service_count) services;
	struct admin_service_count *service;
	const char *name, *values[4];
	struct admin_print *print;
	struct dirent *d;
	pid_t master_pid;
	DIR *dirp;

	if (argc != 2 || strcmp(argv[1], "status") != 0)
		return ADMIN_EXIT_USAGE;
	master_pid = admin_master_pid(ctx);
	if (master_pid == 0)
		return ADMIN_EXIT_TEMPFAIL;
	dirp = opendir("/proc");
	if (dirp == NULL) {
		fprintf(stderr, "coveadm: opendir(/proc) failed: %m\n");
		return ADMIN_EXIT_TEMPFAIL;
	}
	t_array_init(&services, 16);
	while ((d = readdir(dirp)) != NULL) {
		if (!isdigit((unsigned char)d->d_name[0]) ||
		    (name = admin_child_name(d->d_name, master_pid)) == NULL)
			continue;
		service = NULL;
		array_foreach_modifiable(&services, s) {
			if (strcmp(s->name, name) == 0)
				service = s;
		}
		if (service == NULL) {
			service = array_append_space(&services);
			service->name = name;
			service->pids = t_str_new(64);
		}
		str_printfa(service->pids, "%s%s", service->count == 0 ?
			    "" : " ", d->d_name);
		service->count++;
	}
	(void)closedir(dirp);
	array_sort(&services, admin_service_cmp);
	print = admin_print_init(ctx->format, headers);
	array_foreach(&services, s) {
		values[0] = s->name;
		values[1] = t_strdup_printf("%u", s->count);
		values[2] = str_c(s->pids);
		values[3] = NULL;
		admin_print_row(print, values);
	}
	admin_print_deinit(&print);
	return ADMIN_EXIT_OK;
}

const struct admin_cmd admin_cmd_who = {
	.name = "who",
	.usage = "[USER-MASK|IP]",
	.help = "List the logged-in IMAP and POP3 sessions (user, protocol, "
		"worker pid, client IP, login time), all or those of the "
		"users matching USER-MASK (* and ?) or of client IP.",
	.run = cmd_who,
};

const struct admin_cmd admin_cmd_kick = {
	.name = "kick",
	.usage = "USER-MASK|IP",
	.help = "Disconnect the sessions that who lists for USER-MASK or IP "
		"(their workers get SIGTERM and say BYE), and list them; exit "
		"67 if there are none.",
	.run = cmd_kick,
};

const struct admin_cmd admin_cmd_service = {
	.name = "service",
	.usage = "status",
	.help = "The running processes of each service (the master's "
		"children by program name), with their pids.",
	.run = cmd_service,
};
