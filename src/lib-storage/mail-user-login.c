/* Copyright (c) Cove authors. See AUTHORS. */

/* The post-login steps shared by the workers (imap, pop3), in the order
   DESIGN.md requires: the login handoff, userdb lookup (via the login
   cookie), privilege drop, then storage. */

#include "lib.h"
#include "restrict-access.h"
#include "master-interface.h"
#include "login-handoff.h"
#include "master-service.h"
#include "master-session.h"
#include "auth-master.h"
#include "auth-client.h"
#include "mail-storage-settings.h"
#include "mail-storage.h"
#include "mail-user-login.h"

/* mail_uid / mail_gid: a number or a name. */
static int mail_user_login_parse_id(const char *value, bool group,
				    unsigned int *id_r, const char **error_r)
{
	uid_t uid;
	gid_t gid;
	int ret;

	if (str_to_uint(value, id_r) == 0)
		return 0;
	ret = group ? restrict_access_lookup_group(value, &gid, error_r) :
		restrict_access_lookup_user(value, &uid, &gid, error_r);
	if (ret == 0) {
		*error_r = t_strdup_printf("%s %s does not exist",
					   group ? "mail_gid group" :
					   "mail_uid user", value);
	}
	if (ret <= 0)
		return -1;
	*id_r = group ? gid : uid;
	return 0;
}

/* The userdb's uid or gid, else the mail_uid / mail_gid setting. */
static int mail_user_login_resolve_id(unsigned int userdb_id,
				      const char *setting, bool group,
				      const char *username,
				      unsigned int *id_r,
				      const char **error_r)
{
	if (userdb_id != (unsigned int)-1) {
		*id_r = userdb_id;
		return 0;
	}
	if (setting[0] == '\0') {
		*error_r = t_strdup_printf("User %s has no %s (see %s)",
					   username, group ? "gid" : "uid",
					   group ? "mail_gid" : "mail_uid");
		return -1;
	}
	return mail_user_login_parse_id(setting, group, id_r, error_r);
}

/* Fills the uid, gid and extra group to drop to. */
static int
mail_user_login_fill_ids(const struct auth_user_reply *reply,
			 const struct mail_storage_settings *set,
			 struct restrict_access_settings *rset,
			 const char **error_r)
{
	unsigned int uid, gid, extra_gid = (unsigned int)-1;

	if (mail_user_login_resolve_id(reply->uid, set->mail_uid, false,
				       reply->username, &uid, error_r) < 0 ||
	    mail_user_login_resolve_id(reply->gid, set->mail_gid, true,
				       reply->username, &gid, error_r) < 0)
		return -1;
	if (set->mail_privileged_group[0] != '\0' &&
	    mail_user_login_parse_id(set->mail_privileged_group, true,
				     &extra_gid, error_r) < 0)
		return -1;
	rset->uid = uid;
	rset->gid = gid;
	rset->extra_gid = extra_gid;
	return 0;
}

static bool mail_user_login_id_valid(unsigned int id, unsigned int first,
				     unsigned int last)
{
	return id >= first && (last == 0 || id <= last);
}

static int
mail_user_login_check_ids(const struct restrict_access_settings *rset,
			  const char *username,
			  const struct mail_storage_settings *set,
			  const char **error_r)
{
	if (rset->uid == 0) {
		*error_r = t_strdup_printf("User %s has uid 0: "
			"mail access as root is not permitted", username);
		return -1;
	}
	if (!mail_user_login_id_valid(rset->uid, set->first_valid_uid,
				      set->last_valid_uid)) {
		*error_r = t_strdup_printf("User %s has uid %u, which is "
			"not permitted (see first_valid_uid, last_valid_uid)",
			username, (unsigned int)rset->uid);
		return -1;
	}
	if (!mail_user_login_id_valid(rset->gid, set->first_valid_gid,
				      set->last_valid_gid)) {
		*error_r = t_strdup_printf("User %s has gid %u, which is "
			"not permitted (see first_valid_gid, last_valid_gid)",
			username, (unsigned int)rset->gid);
		return -1;
	}
	return 0;
}

int mail_user_login_get_ids(const struct auth_user_reply *reply,
			    const struct mail_storage_settings *set,
			    struct restrict_access_settings *rset,
			    const char **error_r)
{
	/* Supplementary groups only for system users (the userdb says
	   system_groups_user, as Dovecot's passwd userdb does): for a
	   virtual user the NSS lookup behind initgroups() would only cost
	   time and memory. */
	rset->username = auth_fields_find(reply->fields, "system_groups_user");
	if (rset->username != NULL && rset->username[0] == '\0')
		rset->username = NULL;
	if (mail_user_login_fill_ids(reply, set, rset, error_r) < 0 ||
	    mail_user_login_check_ids(rset, reply->username, set,
				      error_r) < 0)
		return -1;
	return 0;
}

static int
mail_user_login_drop_privileges(const struct auth_user_reply *reply,
				const struct mail_storage_settings *set,
				const char **error_r)
{
	struct restrict_access_settings rset;

	i_zero(&rset);
	if (!restrict_access_have_root()) {
		if (reply->uid != (uid_t)-1 && reply->uid != getuid()) {
			i_info("Not running as root: not dropping to uid %u "
			       "of user %s", (unsigned int)reply->uid,
			       reply->username);
		}
		return 0;
	}
	if (mail_user_login_get_ids(reply, set, &rset, error_r) < 0)
		return -1;
	return restrict_access(&rset, error_r);
}

/* The user's privileges and mail_user, from a userdb reply. */
static int mail_user_login_reply(const struct auth_user_reply *reply,
				 const struct mail_storage_settings *set,
				 struct mail_user **user_r,
				 const char **error_r)
{
	log_set_user(reply->username);
	if (mail_user_login_drop_privileges(reply, set, error_r) < 0 ||
	    mail_user_init(set, reply->username, reply->home, reply->mail,
			   user_r, error_r) < 0)
		return -1;
	return 0;
}

/* Asks auth for the user (by cookie when cookie is not NULL, else by
   name) and logs in. Returns 1, 0 if auth does not know the user or the
   cookie, -1 with error_r. */
static int mail_user_login_lookup(const char *base_dir, const char *cookie,
				  const char *username, const char *service,
				  const struct mail_storage_settings *set,
				  struct mail_user **user_r,
				  const char **error_r)
{
	struct auth_user_reply reply;
	const char *socket_path;
	pool_t pool;
	int ret;

	socket_path = t_strconcat(base_dir, "/", MASTER_AUTH_MASTER_SOCKET,
				  NULL);
	pool = pool_alloconly_create("userdb reply", 1024);
	ret = cookie != NULL ?
		auth_master_cookie_lookup(socket_path, cookie, pool, &reply,
					  error_r) :
		auth_master_user_lookup(socket_path, username, service, pool,
					&reply, error_r);
	if (ret > 0 && mail_user_login_reply(&reply, set, user_r,
					     error_r) < 0)
		ret = -1;
	pool_unref(&pool);
	return ret;
}

int mail_user_login(const struct login_handoff *handoff,
		    const char *base_dir,
		    const struct mail_storage_settings *set,
		    struct mail_user **user_r, const char **error_r)
{
	int ret;

	ret = mail_user_login_lookup(base_dir, handoff->cookie, NULL, NULL,
				     set, user_r, error_r);
	if (ret == 0) {
		*error_r = t_strdup_printf("Login of %s: unknown or expired "
					   "login cookie", handoff->username);
	}
	return ret > 0 ? 0 : -1;
}

int mail_user_login_by_name(const char *base_dir, const char *username,
			    const char *service,
			    const struct mail_storage_settings *set,
			    struct mail_user **user_r, const char **error_r)
{
	return mail_user_login_lookup(base_dir, NULL, username, service, set,
				      user_r, error_r);
}

/* The reason to refuse the session when the user already has
   mail_max_userip_connections sessions of this protocol from this IP
   (counted from the published sessions, see master-session.h), or NULL. */
static const char *
mail_user_login_userip_limit(const char *base_dir, pool_t pool,
			     const struct login_handoff *handoff)
{
	unsigned int limit = master_service_get_common_settings(
		master_service)->mail_max_userip_connections;
	const char *protocol = master_service_get_name(master_service);
	const char *ip = net_ip2addr(&handoff->remote_ip);
	ARRAY_TYPE(master_session) sessions;
	const char *error;
	unsigned int count = 0;

	if (limit == 0)
		return NULL;
	p_array_init(&sessions, pool, 16);
	if (master_session_list(base_dir, pool, &sessions, &error) < 0) {
		i_error("%s", error);
		return NULL;
	}
	array_foreach(&sessions, s) {
		if (strcmp(s->username, handoff->username) == 0 &&
		    strcmp(s->protocol, protocol) == 0 &&
		    strcmp(s->remote_ip, ip) == 0)
			count++;
	}
	if (count < limit)
		return NULL;
	return t_strdup_printf("Maximum number of connections from user+IP "
			       "exceeded (mail_max_userip_connections=%u)",
			       limit);
}

int mail_user_login_handoff(int login_fd, pool_t pool, const char *base_dir,
			    const struct mail_storage_settings *set,
			    struct login_handoff *handoff_r, int *client_fd_r,
			    struct mail_user **user_r, const char **error_r)
{
	const char *error = NULL, *refusal;
	int ret;

	ret = login_handoff_receive(login_fd, pool, handoff_r, client_fd_r,
				    MAIL_USER_LOGIN_HANDOFF_TIMEOUT_MSECS,
				    &error);
	refusal = ret < 0 ? NULL :
		mail_user_login_userip_limit(base_dir, pool, handoff_r);
	if (refusal != NULL) {
		login_handoff_refuse(login_fd, refusal);
		(void)close(login_fd);
		(void)close(*client_fd_r);
		*error_r = t_strdup_printf("Login of %s from %s refused: %s",
					   handoff_r->username,
					   net_ip2addr(&handoff_r->remote_ip),
					   refusal);
		return 0;
	}
	login_handoff_reply(login_fd, ret == 0, error);
	(void)close(login_fd);
	if (ret < 0) {
		*error_r = t_strconcat("Login handoff failed: ", error, NULL);
		return 0;
	}
	if (mail_user_login(handoff_r, base_dir, set, user_r, error_r) < 0)
		return -1;
	return 1;
}
