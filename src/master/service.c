/* Copyright (c) Cove authors. See AUTHORS. */

/* Builds the effective service list from each service's defaults and the
   config's `service` sections, and binds their listeners. */

#include "lib.h"
#include "array.h"
#include "str.h"
#include "file-util.h"
#include "restrict-access.h"
#include "master-interface.h"
#include "master-session.h"
#include "master-service-settings.h"
#include "settings-parser.h"
#include "master-settings.h"
#include "master-all-settings.h"
#include "service.h"

#include <fcntl.h>
#include <sys/stat.h>

static const char *
service_expand_user(const struct master_service_settings *set,
		    const char *user)
{
	if (user == NULL)
		return "";
	if (strcmp(user, "$default_login_user") == 0)
		return set->default_login_user;
	if (strcmp(user, "$default_internal_user") == 0)
		return set->default_internal_user;
	return user;
}

static int service_lookup_user(const char *service_name, const char *user,
			       uid_t *uid_r, gid_t *gid_r,
			       const char **error_r)
{
	const char *error;
	int ret;

	ret = restrict_access_lookup_user(user, uid_r, gid_r, &error);
	if (ret > 0)
		return 0;
	if (ret == 0) {
		*error_r = t_strdup_printf(
			"service(%s): User %s doesn't exist "
			"(create it, e.g. useradd --system %s)",
			service_name, user, user);
	} else {
		*error_r = t_strdup_printf("service(%s): %s",
					   service_name, error);
	}
	return -1;
}

static bool protocols_contain(const char *protocols, const char *protocol)
{
	const char *const *list = t_strsplit_spaces(protocols, " ,");

	for (; *list != NULL; list++) {
		if (strcmp(*list, protocol) == 0)
			return true;
	}
	return false;
}

static const struct service_settings *
service_find_config(const struct master_settings *master_set,
		    const char *name)
{
	if (!array_is_created(&master_set->services))
		return NULL;
	array_foreach(&master_set->services, sp) {
		if (strcmp((*sp)->name, name) == 0)
			return *sp;
	}
	return NULL;
}

/* value if set, else fallback, else "" */
static const char *str_or(const char *value, const char *fallback)
{
	if (value != NULL && value[0] != '\0')
		return value;
	return fallback != NULL ? fallback : "";
}

static unsigned int uint_or(unsigned int value, unsigned int fallback)
{
	return value != MASTER_SETTING_UNSET ? value : fallback;
}

static struct service_listener *
service_listener_new(struct service *service, const char *name, bool is_unix)
{
	struct service_listener *l = p_new(service->list->pool,
					   struct service_listener, 1);

	l->service = service;
	l->name = p_strdup(service->list->pool, name);
	l->is_unix = is_unix;
	l->fd = -1;
	l->uid = (uid_t)-1;
	l->gid = (gid_t)-1;
	array_push_back(&service->listeners, &l);
	return l;
}

static int service_add_inet(struct service *service, const char *name,
			    const char *addresses, unsigned int port,
			    bool ssl, const char **error_r)
{
	const char *const *addrs = t_strsplit_spaces(addresses, ", ");

	if (port == 0)
		return 0;
	for (; *addrs != NULL; addrs++) {
		struct service_listener *l =
			service_listener_new(service, name, false);

		if (net_addr2ip(*addrs, &l->ip) < 0) {
			*error_r = t_strdup_printf(
				"service(%s): inet_listener %s: "
				"Invalid address: %s", service->name, name,
				*addrs);
			return -1;
		}
		l->port = port;
		l->ssl = ssl;
		l->path = p_strdup_printf(service->list->pool, "%s:%u",
					  *addrs, port);
	}
	return 0;
}

static int service_add_unix(struct service *service, const char *path,
			    unsigned int mode, const char *user,
			    const char *group, const char **error_r)
{
	struct service_list *list = service->list;
	struct service_listener *l = service_listener_new(service, path, true);

	l->path = path[0] == '/' ? p_strdup(list->pool, path) :
		p_strdup_printf(list->pool, "%s/%s", list->set->base_dir, path);
	l->mode = mode;
	user = service_expand_user(list->set, user);
	if (!list->root)
		return 0;
	l->uid = 0;
	l->gid = 0;
	if (user[0] != '\0' &&
	    service_lookup_user(service->name, user, &l->uid, &l->gid,
				error_r) < 0)
		return -1;
	if (group != NULL && group[0] != '\0') {
		const char *error;
		int ret = restrict_access_lookup_group(group, &l->gid, &error);
		if (ret <= 0) {
			*error_r = t_strdup_printf(
				"service(%s): unix_listener %s: %s",
				service->name, path, ret == 0 ?
				t_strdup_printf("Group %s doesn't exist", group) :
				error);
			return -1;
		}
	}
	return 0;
}

static const struct inet_listener_settings *
config_find_inet(const struct service_settings *conf, const char *name)
{
	if (conf == NULL || !array_is_created(&conf->inet_listeners))
		return NULL;
	array_foreach(&conf->inet_listeners, lp) {
		if (strcmp((*lp)->name, name) == 0)
			return *lp;
	}
	return NULL;
}

static const struct unix_listener_settings *
config_find_unix(const struct service_settings *conf, const char *path)
{
	if (conf == NULL || !array_is_created(&conf->unix_listeners))
		return NULL;
	array_foreach(&conf->unix_listeners, lp) {
		if (strcmp((*lp)->path, path) == 0)
			return *lp;
	}
	return NULL;
}

static bool
defaults_have_listener(const struct service_defaults *def, const char *kind,
		       const char *name)
{
	for (const struct service_listener_defaults *ld = def->listeners;
	     ld != NULL && ld->kind != NULL; ld++) {
		if (strcmp(ld->kind, kind) == 0 && strcmp(ld->name, name) == 0)
			return true;
	}
	return false;
}

static int service_add_default_listeners(struct service *service,
					 const struct service_defaults *def,
					 const struct service_settings *conf,
					 const char **error_r)
{
	const char *listen = service->list->set->listen;

	for (const struct service_listener_defaults *ld = def->listeners;
	     ld != NULL && ld->kind != NULL; ld++) {
		if (strcmp(ld->kind, "inet") == 0) {
			const struct inet_listener_settings *c =
				config_find_inet(conf, ld->name);
			const char *addr = str_or(ld->address, listen);
			unsigned int port = ld->port;
			bool ssl = false;

			if (c != NULL) {
				addr = str_or(c->address, addr);
				port = uint_or(c->port, port);
				ssl = c->ssl;
			}
			if (service_add_inet(service, ld->name, addr, port,
					     ssl, error_r) < 0)
				return -1;
		} else {
			const struct unix_listener_settings *c =
				config_find_unix(conf, ld->name);
			unsigned int mode = c == NULL ? ld->mode :
				uint_or(c->mode, ld->mode);
			const char *user = c == NULL ? ld->user :
				str_or(c->user, ld->user);

			if (service_add_unix(service, ld->name, mode, user,
					     c == NULL ? NULL : c->group,
					     error_r) < 0)
				return -1;
		}
	}
	return 0;
}

static int service_add_config_listeners(struct service *service,
					const struct service_defaults *def,
					const struct service_settings *conf,
					const char **error_r)
{
	if (conf == NULL)
		return 0;
	if (array_is_created(&conf->inet_listeners)) {
		array_foreach(&conf->inet_listeners, lp) {
			const struct inet_listener_settings *c = *lp;

			if (defaults_have_listener(def, "inet", c->name))
				continue;
			if (c->port == MASTER_SETTING_UNSET) {
				*error_r = t_strdup_printf(
					"service(%s): inet_listener %s: "
					"port is not set", service->name,
					c->name);
				return -1;
			}
			if (service_add_inet(service, c->name,
					     str_or(c->address,
						    service->list->set->listen),
					     c->port, c->ssl, error_r) < 0)
				return -1;
		}
	}
	if (array_is_created(&conf->unix_listeners)) {
		array_foreach(&conf->unix_listeners, lp) {
			const struct unix_listener_settings *c = *lp;

			if (defaults_have_listener(def, "unix", c->path))
				continue;
			if (service_add_unix(service, c->path,
					     uint_or(c->mode, 0600), c->user,
					     c->group, error_r) < 0)
				return -1;
		}
	}
	return 0;
}

static int service_create(struct service_list *list,
			  const struct service_defaults *def,
			  const struct service_settings *conf,
			  const char **error_r)
{
	const struct master_service_settings *set = list->set;
	struct service *service = p_new(list->pool, struct service, 1);
	const char *executable, *chroot_dir;

	service->list = list;
	service->name = def->name;
	service->type = def->type;
	executable = str_or(conf == NULL ? NULL : conf->executable,
			    def->executable);
	service->executable = executable[0] == '/' ?
		p_strdup(list->pool, executable) :
		p_strdup_printf(list->pool, "%s/%s", PKG_LIBEXECDIR,
				executable);
	service->user = p_strdup(list->pool, service_expand_user(set,
		str_or(conf == NULL ? NULL : conf->user, def->user)));
	service->uid = (uid_t)-1;
	service->gid = (gid_t)-1;
	if (list->root && service->user[0] != '\0' &&
	    service_lookup_user(service->name, service->user, &service->uid,
				&service->gid, error_r) < 0)
		return -1;
	chroot_dir = str_or(conf == NULL ? NULL : conf->chroot, def->chroot);
	if (chroot_dir[0] != '\0') {
		service->chroot = chroot_dir[0] == '/' ?
			p_strdup(list->pool, chroot_dir) :
			p_strdup_printf(list->pool, "%s/%s", set->base_dir,
					chroot_dir);
	}
	service->process_limit = uint_or(conf == NULL ? MASTER_SETTING_UNSET :
		conf->process_limit, def->process_limit);
	if (service->process_limit == 0)
		service->process_limit = set->default_process_limit;
	service->client_limit = uint_or(conf == NULL ? MASTER_SETTING_UNSET :
		conf->client_limit, def->client_limit);
	if (service->client_limit == 0)
		service->client_limit = set->default_client_limit;
	service->process_min_avail = uint_or(conf == NULL ?
		MASTER_SETTING_UNSET : conf->process_min_avail,
		def->process_min_avail);

	p_array_init(&service->listeners, list->pool, 4);
	if (service_add_default_listeners(service, def, conf, error_r) < 0 ||
	    service_add_config_listeners(service, def, conf, error_r) < 0)
		return -1;
	array_push_back(&list->services, &service);
	return 0;
}

static int services_check_unknown(const struct master_settings *master_set,
				  const char **error_r)
{
	if (!array_is_created(&master_set->services))
		return 0;
	array_foreach(&master_set->services, sp) {
		if (master_all_services_find((*sp)->name) == NULL) {
			*error_r = t_strdup_printf(
				"service %s: Unknown service (known: %s)",
				(*sp)->name, master_all_services_names());
			return -1;
		}
	}
	return 0;
}

int services_create(pool_t pool, const char *config_path,
		    const struct master_service_settings *set,
		    const struct master_settings *master_set,
		    struct service_list **list_r, const char **error_r)
{
	struct service_list *list = p_new(pool, struct service_list, 1);

	list->pool = pool;
	list->config_path = p_strdup(pool, config_path);
	list->set = set;
	list->root = restrict_access_have_root();
	p_array_init(&list->services, pool, 16);
	if (services_check_unknown(master_set, error_r) < 0)
		return -1;
	for (const struct service_defaults *const *defp = master_all_services;
	     *defp != NULL; defp++) {
		const struct service_defaults *def = *defp;

		if (def->protocol != NULL &&
		    !protocols_contain(set->protocols, def->protocol))
			continue;
		if (service_create(list, def,
				   service_find_config(master_set, def->name),
				   error_r) < 0)
			return -1;
	}
	*list_r = list;
	return 0;
}

void service_list_free(struct service_list **_list)
{
	struct service_list *list = *_list;
	pool_t pool = list->pool;

	*_list = NULL;
	if (list->parser != NULL)
		settings_parser_deinit(&list->parser);
	pool_unref(&pool);
}

static int services_mkdir(const char *path, mode_t mode, bool root,
			  const char **error_r)
{
	struct stat st;

	if (mkdir_parents(path, mode) < 0 && errno != EEXIST) {
		*error_r = t_strdup_printf("mkdir(%s) failed: %m", path);
		return -1;
	}
	if (stat(path, &st) < 0) {
		*error_r = t_strdup_printf("stat(%s) failed: %m", path);
		return -1;
	}
	/* A directory that others could write into would let them plant
	   sockets that services trust. */
	if (root && (st.st_uid != 0 || (st.st_mode & 022) != 0)) {
		if (chown(path, 0, 0) < 0 || chmod(path, mode) < 0) {
			*error_r = t_strdup_printf(
				"Securing %s (owner root, mode %o) failed: %m",
				path, (unsigned int)mode);
			return -1;
		}
	}
	return 0;
}

int services_create_dirs(const struct service_list *list,
			 const char **error_r)
{
	const char *login_dir = t_strdup_printf("%s/%s", list->set->base_dir,
						MASTER_LOGIN_DIR);
	const char *sessions_dir = t_strdup_printf("%s/%s",
		list->set->base_dir, MASTER_SESSIONS_DIR);

	if (services_mkdir(list->set->base_dir, 0755, list->root, error_r) < 0 ||
	    services_mkdir(login_dir, 0755, list->root, error_r) < 0)
		return -1;
	/* the workers write their session files as their users; the sticky
	   bit keeps them from removing each other's (master-session.h) */
	if (mkdir_parents(sessions_dir, 0700) < 0 && errno != EEXIST) {
		*error_r = t_strdup_printf("mkdir(%s) failed: %m",
					   sessions_dir);
		return -1;
	}
	if (chmod(sessions_dir, 01733) < 0) {
		*error_r = t_strdup_printf("chmod(%s) failed: %m",
					   sessions_dir);
		return -1;
	}
	if (list->set->state_dir[0] != '\0' &&
	    mkdir_parents(list->set->state_dir, 0750) < 0 && errno != EEXIST) {
		*error_r = t_strdup_printf("mkdir(%s) failed: %m",
					   list->set->state_dir);
		return -1;
	}
	return 0;
}

static bool service_listener_equals(const struct service_listener *l1,
				    const struct service_listener *l2)
{
	if (l1->is_unix != l2->is_unix)
		return false;
	if (l1->is_unix)
		return strcmp(l1->path, l2->path) == 0;
	return l1->port == l2->port && net_ip_compare(&l1->ip, &l2->ip);
}

/* Reuses the socket of an equal listener of old_list (a duplicate fd, so
   that either list can be closed without harming the other). Returns 0,
   or -1 if there is none. */
static int service_listener_take_old(struct service_listener *l,
				     struct service_list *old_list)
{
	if (old_list == NULL)
		return -1;
	array_foreach(&old_list->services, sp) {
		array_foreach(&(*sp)->listeners, lp) {
			struct service_listener *old = *lp;

			if (old->fd == -1 || !service_listener_equals(l, old))
				continue;
			l->fd = fcntl(old->fd, F_DUPFD_CLOEXEC, 0);
			return l->fd < 0 ? -1 : 0;
		}
	}
	return -1;
}

static int service_listener_open(struct service_listener *l,
				 const char **error_r)
{
	in_port_t port = l->port;

	if (!l->is_unix) {
		l->fd = net_listen_inet(&l->ip, &port, 128, error_r);
		return l->fd < 0 ? -1 : 0;
	}
	l->fd = net_listen_unix(l->path, 128, error_r);
	if (l->fd < 0)
		return -1;
	if (chmod(l->path, l->mode) < 0) {
		*error_r = t_strdup_printf("chmod(%s, %o) failed: %m",
					   l->path, (unsigned int)l->mode);
		return -1;
	}
	if (l->uid != (uid_t)-1 && chown(l->path, l->uid, l->gid) < 0) {
		*error_r = t_strdup_printf("chown(%s, %d, %d) failed: %m",
					   l->path, (int)l->uid, (int)l->gid);
		return -1;
	}
	return 0;
}

int services_listen(struct service_list *list, struct service_list *old_list,
		    const char **error_r)
{
	const char *error;

	array_foreach(&list->services, sp) {
		array_foreach(&(*sp)->listeners, lp) {
			struct service_listener *l = *lp;

			if (service_listener_take_old(l, old_list) == 0)
				continue;
			if (service_listener_open(l, &error) < 0) {
				*error_r = t_strdup_printf(
					"service(%s): listener %s: %s",
					(*sp)->name, l->name, error);
				return -1;
			}
		}
	}
	return 0;
}

void services_close_listeners(struct service_list *list)
{
	array_foreach(&list->services, sp) {
		array_foreach(&(*sp)->listeners, lp) {
			struct service_listener *l = *lp;

			if (l->fd != -1)
				i_close_fd(&l->fd);
		}
	}
}
