/* Copyright (c) Cove authors. See AUTHORS. */

/* Changes to mailbox lists: the checks before create/delete/rename that
   the backends (struct mailbox_list_vfuncs) rely on, autocreation from
   the namespace settings, and writing the subscriptions file. */

#include "lib.h"
#include "array.h"
#include "str.h"
#include "file-util.h"
#include "file-dotlock.h"
#include "mail-storage-private.h"

#include <fcntl.h>
#include <unistd.h>

int mailbox_list_write_file(const char *path, const char *data,
			    const char **error_r)
{
	const char *tmp = t_strdup_printf("%s.%ld.tmp", path, (long)getpid());
	int fd;

	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0) {
		*error_r = t_strdup_printf("open(%s) failed: %m", tmp);
		return -1;
	}
	if (write_full(fd, data, strlen(data)) < 0) {
		*error_r = t_strdup_printf("write(%s) failed: %m", tmp);
		(void)close(fd);
		(void)unlink(tmp);
		return -1;
	}
	if (close(fd) < 0 || rename(tmp, path) < 0) {
		*error_r = t_strdup_printf("rename(%s, %s) failed: %m",
					   tmp, path);
		(void)unlink(tmp);
		return -1;
	}
	return 0;
}

int mailbox_list_lock(const char *path, struct file_dotlock **lock_r,
		      const char **error_r)
{
	int ret;

	ret = file_dotlock_create(path, MAILBOX_LIST_LOCK_TIMEOUT_SECS,
				  lock_r, error_r);
	if (ret == 0) {
		*error_r = t_strdup_printf("Timeout locking %s: %s",
					   path, *error_r);
	}
	return ret > 0 ? 0 : -1;
}

int mailbox_list_unlock(struct file_dotlock **lock, int ret,
			const char **error_r)
{
	const char *error;

	if (file_dotlock_delete(lock, &error) < 0 && ret == 0) {
		*error_r = error;
		return -1;
	}
	return ret;
}

/* Rewrites the subscriptions file; the caller holds its lock. */
static int mailbox_list_subscriptions_rewrite(struct mail_user *user,
					      const char *path,
					      const char *name, bool set,
					      const char **error_r)
{
	ARRAY_TYPE(const_string) names;
	string_t *data = t_str_new(256);
	bool found = false;

	t_array_init(&names, 32);
	if (mailbox_list_subscriptions_read(user, &names, error_r) < 0)
		return -1;
	array_foreach(&names, subp) {
		const char *sub = *subp;

		if (strcmp(sub, name) == 0) {
			found = true;
			if (!set)
				continue;
		}
		str_printfa(data, "%s\n", sub);
	}
	if (found == set)
		return 0;
	if (set)
		str_printfa(data, "%s\n", name);
	return mailbox_list_write_file(path, str_c(data), error_r);
}

static int mailbox_list_subscriptions_change(struct mail_user *user,
					     const char *name, bool set,
					     const char **error_r)
{
	const char *path = t_strconcat(user->location.root, "/",
				       user->backend->subscriptions_name,
				       NULL);
	struct file_dotlock *lock;
	int ret;

	if (mkdir_parents(user->location.root, 0700) < 0 && errno != EEXIST) {
		*error_r = t_strdup_printf("mkdir(%s) failed: %m",
					   user->location.root);
		return -1;
	}
	/* two sessions subscribing at once must not lose one change */
	if (mailbox_list_lock(path, &lock, error_r) < 0)
		return -1;
	ret = mailbox_list_subscriptions_rewrite(user, path, name, set,
						 error_r);
	return mailbox_list_unlock(&lock, ret, error_r);
}

/* The state of storage name: 1 selectable, 0 missing; *noselect_r for a
   directory kept only for children, *children_r if it has children. */
static int mailbox_list_get_state(struct mail_user *user, const char *name,
				  bool *noselect_r, bool *children_r,
				  const char **error_r)
{
	ARRAY_TYPE(mailbox_list_entry) entries;
	size_t len = strlen(name);
	pool_t pool;
	int ret = strcmp(name, "INBOX") == 0 ? 1 : 0;

	*noselect_r = false;
	*children_r = false;
	pool = pool_alloconly_create("mailbox list state", 1024);
	t_array_init(&entries, 32);
	if (user->backend->list_v->get_entries(user, pool, &entries,
					       error_r) < 0) {
		pool_unref(&pool);
		return -1;
	}
	array_foreach(&entries, entry) {
		if (strcmp(entry->name, name) == 0) {
			*noselect_r = entry->noselect;
			ret = entry->noselect ? 0 : 1;
		} else if (strncmp(entry->name, name, len) == 0 &&
			   entry->name[len] == user->backend->name_sep) {
			*children_r = true;
		}
	}
	pool_unref(&pool);
	return ret;
}

/* Returns 1 if a parent of name is a mailbox that cannot have children
   (an mbox file: backends with create_dir), 0 if not, -1 error. */
static int mailbox_list_parent_is_leaf(struct mail_user *user,
				       const char *name, const char **error_r)
{
	ARRAY_TYPE(mailbox_list_entry) entries;
	pool_t pool;
	int ret = 0;

	if (user->backend->list_v->create_dir == NULL)
		return 0;
	pool = pool_alloconly_create("mailbox list parents", 1024);
	t_array_init(&entries, 32);
	if (user->backend->list_v->get_entries(user, pool, &entries,
					       error_r) < 0)
		ret = -1;
	array_foreach(&entries, entry) {
		size_t len = strlen(entry->name);

		if (ret == 0 && !entry->noselect &&
		    strncmp(entry->name, name, len) == 0 &&
		    name[len] == user->backend->name_sep)
			ret = 1;
	}
	pool_unref(&pool);
	return ret;
}

/* Checks that name can be created where it is. Returns 0, or -1 with
   error_code_r and error_r. */
static int mailbox_list_check_parent(struct mail_user *user, const char *name,
				     enum mail_error *error_code_r,
				     const char **error_r)
{
	int ret = mailbox_list_parent_is_leaf(user, name, error_r);

	if (ret == 0)
		return 0;
	if (ret > 0) {
		*error_code_r = MAIL_ERROR_PARAMS;
		*error_r = "Mailbox doesn't allow inferior mailboxes";
	} else {
		*error_code_r = MAIL_ERROR_TEMP;
	}
	return -1;
}

/* vname -> storage name for the change functions. */
static int mailbox_list_get_name(struct mail_user *user, const char *vname,
				 const char **name_r,
				 enum mail_error *error_code_r,
				 const char **error_r)
{
	if (mailbox_list_vname_to_name(user, vname, name_r, error_r) > 0)
		return 0;
	*error_code_r = MAIL_ERROR_PARAMS;
	return -1;
}

/* Creates name, as a directory only for children if dir_only. */
static int mailbox_list_create_name(struct mail_user *user, const char *name,
				    bool dir_only,
				    enum mail_error *error_code_r,
				    const char **error_r)
{
	const struct mailbox_list_vfuncs *list_v = user->backend->list_v;
	bool noselect, children;
	int ret;

	ret = mailbox_list_get_state(user, name, &noselect, &children,
				     error_r);
	/* a directory cannot become a mailbox where mailboxes have no
	   children (create_dir set) */
	if (ret == 0 && noselect &&
	    (dir_only || list_v->create_dir != NULL))
		ret = 1;
	if (ret != 0) {
		*error_code_r = ret < 0 ? MAIL_ERROR_TEMP : MAIL_ERROR_EXISTS;
		if (ret > 0)
			*error_r = "Mailbox already exists";
		return -1;
	}
	if (mailbox_list_check_parent(user, name, error_code_r, error_r) < 0)
		return -1;
	if ((dir_only ? list_v->create_dir(user, name, error_r) :
	     list_v->create(user, name, error_r)) < 0) {
		*error_code_r = MAIL_ERROR_TEMP;
		return -1;
	}
	return 0;
}

int mailbox_list_autocreate(struct mail_user *user, const char **error_r)
{
	enum mail_error error_code;
	const char *name, *error;

	if (user->autocreated || user->ns == NULL ||
	    !array_is_created(&user->ns->mailboxes))
		return 0;
	user->autocreated = true;
	array_foreach(&user->ns->mailboxes, setp) {
		const struct mailbox_settings *set = *setp;

		if (strcmp(set->autocreate, "no") == 0 ||
		    mailbox_list_vname_to_name(user, t_strconcat(
			user->list_prefix, set->name, NULL), &name,
			&error) <= 0)
			continue;
		if (mailbox_list_create_name(user, name, false, &error_code,
					     error_r) < 0 &&
		    error_code != MAIL_ERROR_EXISTS)
			return -1;
		if (strcmp(set->autocreate, "subscribe") == 0 &&
		    mailbox_list_subscriptions_change(user, name, true,
						      error_r) < 0)
			return -1;
	}
	return 0;
}

int mailbox_create(struct mail_user *user, const char *vname,
		   enum mail_error *error_code_r, const char **error_r)
{
	size_t len = strlen(vname);
	const char *name;
	bool dir_only = false;

	*error_code_r = MAIL_ERROR_NONE;
	/* RFC 3501 6.3.3: a trailing separator only declares a hierarchy */
	if (len > 1 && vname[len - 1] == user->list_sep) {
		vname = t_strndup(vname, len - 1);
		dir_only = user->backend->list_v->create_dir != NULL;
	}
	if (mailbox_list_autocreate(user, error_r) < 0) {
		*error_code_r = MAIL_ERROR_TEMP;
		return -1;
	}
	if (mailbox_list_get_name(user, vname, &name, error_code_r,
				  error_r) < 0)
		return -1;
	return mailbox_list_create_name(user, name, dir_only, error_code_r,
					error_r);
}

int mailbox_delete(struct mail_user *user, const char *vname,
		   enum mail_error *error_code_r, const char **error_r)
{
	bool noselect, children;
	const char *name;
	int ret;

	*error_code_r = MAIL_ERROR_NONE;
	if (mailbox_list_get_name(user, vname, &name, error_code_r,
				  error_r) < 0)
		return -1;
	if (strcmp(name, "INBOX") == 0) {
		*error_code_r = MAIL_ERROR_PARAMS;
		*error_r = "INBOX can't be deleted.";
		return -1;
	}
	ret = mailbox_list_get_state(user, name, &noselect, &children,
				     error_r);
	if (ret < 0) {
		*error_code_r = MAIL_ERROR_TEMP;
		return -1;
	}
	if (ret == 0 && !noselect) {
		*error_code_r = MAIL_ERROR_NOTFOUND;
		*error_r = t_strconcat("Mailbox doesn't exist: ", vname, NULL);
		return -1;
	}
	if (noselect && children) {
		*error_code_r = MAIL_ERROR_PARAMS;
		*error_r = "Mailbox has children, delete them first";
		return -1;
	}
	if (user->backend->list_v->delete(user, name, children,
					  error_r) < 0) {
		*error_code_r = MAIL_ERROR_TEMP;
		return -1;
	}
	return 0;
}

int mailbox_rename(struct mail_user *user, const char *old_vname,
		   const char *new_vname, enum mail_error *error_code_r,
		   const char **error_r)
{
	const char *old_name, *new_name;
	bool noselect, children;
	size_t old_len;
	int ret;

	*error_code_r = MAIL_ERROR_NONE;
	if (mailbox_list_get_name(user, old_vname, &old_name, error_code_r,
				  error_r) < 0 ||
	    mailbox_list_get_name(user, new_vname, &new_name, error_code_r,
				  error_r) < 0)
		return -1;
	old_len = strlen(old_name);
	if (strncmp(new_name, old_name, old_len) == 0 &&
	    (new_name[old_len] == user->backend->name_sep ||
	     new_name[old_len] == '\0') &&
	    strcmp(old_name, "INBOX") != 0) {
		*error_code_r = MAIL_ERROR_PARAMS;
		*error_r = "Can't rename mailbox under itself.";
		return -1;
	}
	ret = mailbox_list_get_state(user, old_name, &noselect, &children,
				     error_r);
	if (ret == 0 && !noselect) {
		*error_code_r = MAIL_ERROR_NOTFOUND;
		*error_r = t_strconcat("Mailbox doesn't exist: ", old_vname,
				       NULL);
		return -1;
	}
	if (ret >= 0) {
		ret = mailbox_list_get_state(user, new_name, &noselect,
					     &children, error_r);
	}
	if (ret < 0) {
		*error_code_r = MAIL_ERROR_TEMP;
		return -1;
	}
	if (ret > 0 || noselect || children) {
		*error_code_r = MAIL_ERROR_EXISTS;
		*error_r = "Target mailbox already exists";
		return -1;
	}
	if (mailbox_list_check_parent(user, new_name, error_code_r,
				      error_r) < 0)
		return -1;
	if (user->backend->list_v->rename(user, old_name, new_name,
					  error_r) < 0) {
		*error_code_r = MAIL_ERROR_TEMP;
		return -1;
	}
	return 0;
}

int mailbox_list_set_subscribed(struct mail_user *user, const char *vname,
				bool set, enum mail_error *error_code_r,
				const char **error_r)
{
	bool noselect, children;
	const char *name;
	int ret;

	*error_code_r = MAIL_ERROR_NONE;
	if (mailbox_list_get_name(user, vname, &name, error_code_r,
				  error_r) < 0)
		return -1;
	if (set) {
		/* as Dovecot: only what exists can be subscribed to */
		ret = mailbox_list_get_state(user, name, &noselect,
					     &children, error_r);
		if (ret < 0) {
			*error_code_r = MAIL_ERROR_TEMP;
			return -1;
		}
		if (ret == 0 && !noselect && !children) {
			*error_code_r = MAIL_ERROR_NOTFOUND;
			*error_r = t_strconcat("Mailbox doesn't exist: ",
					       vname, NULL);
			return -1;
		}
	}
	if (mailbox_list_subscriptions_change(user, name, set, error_r) < 0) {
		*error_code_r = MAIL_ERROR_TEMP;
		return -1;
	}
	return 0;
}

int mailbox_get_status_by_name(struct mail_user *user, const char *vname,
			       struct mailbox_status *status_r,
			       const char **error_r)
{
	struct mailbox *box;
	int ret;

	ret = mailbox_open(user, vname, MAILBOX_FLAG_READONLY, &box, error_r);
	if (ret <= 0)
		return ret;
	mailbox_get_status(box, status_r);
	mailbox_close(&box);
	return 1;
}
