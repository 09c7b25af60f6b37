/* Copyright (c) Cove authors. See AUTHORS. */

/* The generic part of mailbox lists: vname <-> storage name conversion
   (namespace prefix and separator), LIST pattern matching, and the
   listing with implied parents, children and subscription flags and
   special-use flags from the namespace settings. Changes to the list are
   in mailbox-list-change.c.

   Storage names use the backend's name_sep ('.' for Maildir++, '/' for
   mbox) whatever the namespace's separator is, so a name containing
   name_sep is refused when the namespace's separator is another
   character; '/' and a component starting with '.' (a dotfile, "..")
   never reach the disk. The subscriptions file (the backend's
   subscriptions_name in the root) holds one storage name per line. */

#include "lib.h"
#include "array.h"
#include "hash.h"
#include "str.h"
#include "strfuncs.h"
#include "file-util.h"
#include "imap-utf7.h"
#include "mail-storage-private.h"

#include <ctype.h>
#include <stdlib.h>
#include <strings.h>

/* Bounds what a user can make the server read or match. */
#define MAILBOX_LIST_SUBSCRIPTIONS_MAX_SIZE (1024 * 1024)
#define MAILBOX_LIST_NAME_MAX_LENGTH 1024

struct mailbox_list_node {
	struct mailbox_info info;
	/* storage name */
	const char *name;
	/* A subscribed descendant does not match the patterns itself
	   (RFC 3501 LSUB with '%', RFC 5258 RECURSIVEMATCH). */
	bool child_subscribed_unmatched;
};

struct mailbox_list_iter {
	pool_t pool;
	struct mail_user *user;
	enum mailbox_list_iter_flags flags;
	const char *const *patterns;
	/* storage name -> struct mailbox_list_node */
	struct hash_table *nodes;
	ARRAY(struct mailbox_list_node *) result;
	unsigned int idx;
	const char *error;
};

void mailbox_list_user_init(struct mail_user *user)
{
	const struct mail_namespace_settings *ns =
		mail_storage_settings_get_namespace(user->set);

	user->ns = ns;
	user->list_sep = ns == NULL || ns->separator[0] == '\0' ?
		user->backend->name_sep : ns->separator[0];
	user->list_prefix = ns == NULL ? "" : ns->prefix;
}

char mailbox_list_get_separator(const struct mail_user *user)
{
	return user->list_sep;
}

const char *mailbox_list_get_prefix(const struct mail_user *user)
{
	return user->list_prefix;
}

/* The first component "inbox" in any case is INBOX. */
static const char *mailbox_list_fix_inbox(const char *name, char name_sep)
{
	if (strncasecmp(name, "INBOX", 5) == 0 &&
	    (name[5] == '\0' || name[5] == name_sep) &&
	    strncmp(name, "INBOX", 5) != 0)
		return t_strconcat("INBOX", name + 5, NULL);
	return name;
}

int mailbox_list_vname_to_name(struct mail_user *user, const char *vname,
			       const char **name_r, const char **error_r)
{
	size_t prefix_len = strlen(user->list_prefix);
	char sep = user->list_sep, name_sep = user->backend->name_sep;
	string_t *str;
	const char *p;

	if (strcasecmp(vname, "INBOX") == 0) {
		*name_r = "INBOX";
		return 1;
	}
	if (strncmp(vname, user->list_prefix, prefix_len) != 0) {
		*error_r = "Mailbox isn't in the namespace";
		return 0;
	}
	if (strlen(vname) > MAILBOX_LIST_NAME_MAX_LENGTH) {
		*error_r = "Mailbox name too long";
		return 0;
	}
	str = t_str_new(strlen(vname));
	for (p = vname + prefix_len; *p != '\0'; p++) {
		if (*p == sep) {
			if (p == vname + prefix_len || p[1] == '\0' ||
			    p[1] == sep) {
				*error_r = "Hierarchy separator in an "
					"invalid place in mailbox name";
				return 0;
			}
			str_append_c(str, name_sep);
		} else if (*p == name_sep || *p == '/' ||
			   (unsigned char)*p < 0x20 || *p == 0x7f) {
			/* name_sep is the separator on disk, '/' the
			   path's */
			*error_r = t_strdup_printf(
				"Character not allowed in mailbox name: "
				"'%c'", (unsigned char)*p < 0x20 ? '?' : *p);
			return 0;
		} else if (*p == '.' && (p == vname + prefix_len ||
					 p[-1] == sep)) {
			/* a dotfile on disk, or ".." */
			*error_r = "Mailbox name component may not begin "
				"with '.'";
			return 0;
		} else {
			str_append_c(str, *p);
		}
	}
	if (str_len(str) == 0) {
		*error_r = "Empty mailbox name";
		return 0;
	}
	*name_r = mailbox_list_fix_inbox(str_c(str), name_sep);
	return 1;
}

/* Storage name to vname (temporary frame). */
static const char *mailbox_list_name_to_vname(struct mail_user *user,
					      const char *name)
{
	string_t *str;

	if (strcmp(name, "INBOX") == 0)
		return "INBOX";
	str = t_str_new(strlen(name) + 16);
	str_append(str, user->list_prefix);
	for (; *name != '\0'; name++)
		str_append_c(str, *name == user->backend->name_sep ?
			     user->list_sep : *name);
	return str_c(str);
}

/* Upper-cases the literal start of pattern as far as it spells the start
   of "INBOX" (from the temporary frame). */
static const char *mailbox_list_pattern_fix_inbox(const char *pattern)
{
	char *fixed = t_strdup_noconst(pattern);
	unsigned int i;

	for (i = 0; i < 5 && fixed[i] != '\0'; i++) {
		if (toupper((unsigned char)fixed[i]) != "INBOX"[i])
			break;
		fixed[i] = "INBOX"[i];
	}
	return fixed;
}

bool mailbox_list_pattern_match(const char *pattern, const char *name,
				char sep)
{
	size_t plen = strlen(pattern), nlen = strlen(name);
	bool *next, *cur, *tmp;
	size_t i, j;

	/* "INBOX" is case-insensitive, also as the start of its children's
	   names: "in*" matches INBOX.x */
	if (str_begins(name, "INBOX") && (name[5] == '\0' || name[5] == sep))
		pattern = mailbox_list_pattern_fix_inbox(pattern);

	/* cur[j]: pattern + i matches name + j; rows from the end, so the
	   cost is bounded by plen * nlen however many wildcards there are */
	next = t_new(bool, nlen + 1);
	cur = t_new(bool, nlen + 1);
	next[nlen] = true;
	for (i = plen; i > 0; i--) {
		char pc = pattern[i - 1];

		cur[nlen] = (pc == '*' || pc == '%') && next[nlen];
		for (j = nlen; j > 0; j--) {
			char nc = name[j - 1];

			if (pc == '*')
				cur[j - 1] = next[j - 1] || cur[j];
			else if (pc == '%')
				cur[j - 1] = next[j - 1] ||
					(nc != sep && cur[j]);
			else
				cur[j - 1] = pc == nc && next[j];
		}
		tmp = next;
		next = cur;
		cur = tmp;
	}
	return next[0];
}

static bool mailbox_list_iter_match(struct mailbox_list_iter *iter,
				    const char *vname)
{
	bool match = false;

	T_BEGIN {
		for (const char *const *p = iter->patterns;
		     *p != NULL && !match; p++) {
			match = mailbox_list_pattern_match(*p, vname,
							   iter->user->list_sep);
		}
	} T_END;
	return match;
}

/* Returns the node of name, adding it with flags if it is missing. */
static struct mailbox_list_node *
mailbox_list_node_get(struct mailbox_list_iter *iter, const char *name,
		      enum mailbox_info_flags flags)
{
	struct mailbox_list_node *node;

	node = hash_table_lookup(iter->nodes, name);
	if (node == NULL) {
		node = p_new(iter->pool, struct mailbox_list_node, 1);
		node->name = p_strdup(iter->pool, name);
		node->info.flags = flags;
		hash_table_update(iter->nodes, node->name, node);
	}
	return node;
}

/* Marks the parents of name as having children, adding the missing ones
   as NOSELECT|NONEXISTENT. */
static void mailbox_list_add_parents(struct mailbox_list_iter *iter,
				     const char *name)
{
	char name_sep = iter->user->backend->name_sep;
	const char *p = strrchr(name, name_sep);
	struct mailbox_list_node *node;

	for (; p != NULL; p = strrchr(name, name_sep)) {
		name = t_strndup(name, p - name);
		node = mailbox_list_node_get(iter, name,
			MAILBOX_INFO_NOSELECT | MAILBOX_INFO_NONEXISTENT);
		node->info.flags |= MAILBOX_INFO_CHILDREN;
	}
}

static const char *mailbox_list_tabs_to_sep(const char *line, char name_sep)
{
	char *name = t_strdup_noconst(line);

	for (char *p = name; *p != '\0'; p++) {
		if (*p == '\t')
			*p = name_sep;
	}
	return name;
}

/* Returns true if name is a storage name that a client could create:
   UTF-8 without control characters, no empty components, none starting
   with '.', no '/' but as name_sep. */
static bool mailbox_list_name_is_valid(const char *name, char name_sep)
{
	size_t len = strlen(name);

	if (len == 0 || len > MAILBOX_LIST_NAME_MAX_LENGTH ||
	    name[len - 1] == name_sep)
		return false;
	for (const char *p = name; *p != '\0'; p++) {
		bool component_start = p == name || p[-1] == name_sep;

		if ((unsigned char)*p < 0x20 || *p == 0x7f ||
		    (*p == '/' && name_sep != '/') ||
		    (component_start && (*p == '.' || *p == name_sep)))
			return false;
	}
	return imap_utf8_to_utf7(name, t_str_new(len * 2)) == 0;
}

int mailbox_list_subscriptions_read(struct mail_user *user,
				    ARRAY_TYPE(const_string) *names,
				    const char **error_r)
{
	const char *path = t_strconcat(user->location.root, "/",
				       user->backend->subscriptions_name,
				       NULL);
	const char *const *lines;
	buffer_t *buf;
	bool enoent;

	if (file_read_all(path, datastack_pool,
			  MAILBOX_LIST_SUBSCRIPTIONS_MAX_SIZE, &buf, &enoent,
			  error_r) < 0)
		return enoent ? 0 : -1;
	lines = t_strsplit(t_strndup(buf->data, buf->used), "\n");
	for (; *lines != NULL; lines++) {
		const char *name;

		/* Dovecot's version line, and its tab separators */
		if ((*lines)[0] == '\0' || str_begins(*lines, "V\t"))
			continue;
		name = mailbox_list_tabs_to_sep(*lines,
						user->backend->name_sep);
		/* a damaged line is no name anybody could have subscribed */
		if (mailbox_list_name_is_valid(name, user->backend->name_sep))
			array_push_back(names, &name);
	}
	return 0;
}

/* The mailbox settings of a storage name, or NULL. */
static const struct mailbox_settings *
mailbox_list_get_settings(struct mail_user *user, const char *name)
{
	const char *set_name, *error;

	if (user->ns == NULL || !array_is_created(&user->ns->mailboxes))
		return NULL;
	array_foreach(&user->ns->mailboxes, setp) {
		const struct mailbox_settings *set = *setp;

		if (mailbox_list_vname_to_name(user, t_strconcat(
				user->list_prefix, set->name, NULL),
				&set_name, &error) > 0 &&
		    strcmp(set_name, name) == 0)
			return set;
	}
	return NULL;
}

/* Reads the backend's entries into iter->nodes. */
static int mailbox_list_iter_fill(struct mailbox_list_iter *iter,
				  const char **error_r)
{
	struct mail_user *user = iter->user;
	ARRAY_TYPE(mailbox_list_entry) entries;
	ARRAY_TYPE(const_string) subs;
	struct mailbox_list_node *node;

	p_array_init(&entries, iter->pool, 32);
	if (user->backend->list_v->get_entries(user, iter->pool, &entries,
					       error_r) < 0)
		return -1;
	node = mailbox_list_node_get(iter, "INBOX", 0);
	/* with prefix "INBOX<sep>" every other mailbox is INBOX's child */
	if (strncasecmp(user->list_prefix, "INBOX", 5) == 0 &&
	    user->list_prefix[5] == user->list_sep &&
	    user->list_prefix[6] == '\0' && array_count(&entries) > 0)
		node->info.flags |= MAILBOX_INFO_CHILDREN;
	array_foreach(&entries, entry) {
		node = mailbox_list_node_get(iter, entry->name, 0);
		node->info.flags &= ~MAILBOX_INFO_NONEXISTENT;
		if (entry->noselect)
			node->info.flags |= MAILBOX_INFO_NOSELECT;
		else
			node->info.flags &= ~MAILBOX_INFO_NOSELECT;
		mailbox_list_add_parents(iter, entry->name);
	}
	t_array_init(&subs, 32);
	if (mailbox_list_subscriptions_read(user, &subs, error_r) < 0)
		return -1;
	array_foreach(&subs, subp) {
		const char *sub = *subp;

		node = hash_table_lookup(iter->nodes, sub);
		if (node == NULL) {
			/* only listed when subscriptions are selected */
			node = mailbox_list_node_get(iter, sub,
				MAILBOX_INFO_NOSELECT |
				MAILBOX_INFO_NONEXISTENT);
		}
		node->info.flags |= MAILBOX_INFO_SUBSCRIBED;
	}
	array_foreach(&subs, subp) {
		const char *p, *parent = *subp;
		bool matched = mailbox_list_iter_match(iter,
			mailbox_list_name_to_vname(user, parent));

		while ((p = strrchr(parent, user->backend->name_sep)) !=
		       NULL) {
			parent = t_strndup(parent, p - parent);
			node = mailbox_list_node_get(iter, parent,
				MAILBOX_INFO_NOSELECT |
				MAILBOX_INFO_NONEXISTENT);
			node->info.flags |= MAILBOX_INFO_CHILD_SUBSCRIBED;
			if (!matched)
				node->child_subscribed_unmatched = true;
		}
	}
	return 0;
}

/* Whether node is listed under iter's selection options. */
static bool mailbox_list_iter_selected(struct mailbox_list_iter *iter,
				       const struct mailbox_list_node *node)
{
	enum mailbox_info_flags flags = node->info.flags;

	if ((iter->flags & MAILBOX_LIST_ITER_SELECT_SPECIALUSE) != 0 &&
	    node->info.special_use == NULL)
		return false;
	if ((iter->flags & MAILBOX_LIST_ITER_SELECT_SUBSCRIBED) != 0) {
		return (flags & MAILBOX_INFO_SUBSCRIBED) != 0 ||
			((iter->flags &
			  MAILBOX_LIST_ITER_SELECT_RECURSIVEMATCH) != 0 &&
			 node->child_subscribed_unmatched);
	}
	/* a subscription is not a mailbox, nor is a parent directory left
	   without children, unless directories are made on purpose
	   (create_dir) */
	if ((flags & MAILBOX_INFO_CHILDREN) != 0)
		return true;
	if ((flags & MAILBOX_INFO_NONEXISTENT) != 0)
		return false;
	return (flags & MAILBOX_INFO_NOSELECT) == 0 ||
		iter->user->backend->list_v->create_dir != NULL;
}

static int mailbox_list_node_cmp(struct mailbox_list_node *const *n1,
				 struct mailbox_list_node *const *n2)
{
	bool inbox1 = strcmp((*n1)->name, "INBOX") == 0;
	bool inbox2 = strcmp((*n2)->name, "INBOX") == 0;

	if (inbox1 != inbox2)
		return inbox1 ? -1 : 1;
	return strcmp((*n1)->info.vname, (*n2)->info.vname);
}

/* Whether node is a mailbox that cannot have children: a selectable one
   (not INBOX) of a backend whose mailboxes are files (create_dir). */
static bool mailbox_list_node_is_leaf(struct mailbox_list_iter *iter,
				      const struct mailbox_list_node *node)
{
	return iter->user->backend->list_v->create_dir != NULL &&
		(node->info.flags & (MAILBOX_INFO_NOSELECT |
				     MAILBOX_INFO_NONEXISTENT)) == 0 &&
		strcmp(node->name, "INBOX") != 0;
}

/* Sets the vnames and the remaining flags and picks the nodes to list. */
static void mailbox_list_iter_select(struct mailbox_list_iter *iter)
{
	struct hash_iterate_context *hctx;
	struct mailbox_list_node *node;
	const struct mailbox_settings *set;
	const void *key;
	void *value;

	hctx = hash_table_iterate_init(iter->nodes);
	while (hash_table_iterate(hctx, &key, &value)) {
		node = value;
		if ((node->info.flags & MAILBOX_INFO_CHILDREN) == 0) {
			node->info.flags |=
				mailbox_list_node_is_leaf(iter, node) ?
				MAILBOX_INFO_NOINFERIORS :
				MAILBOX_INFO_NOCHILDREN;
		}
		node->info.vname = p_strdup(iter->pool,
			mailbox_list_name_to_vname(iter->user, node->name));
		set = mailbox_list_get_settings(iter->user, node->name);
		if (set != NULL && set->special_use[0] != '\0' &&
		    (node->info.flags & MAILBOX_INFO_NONEXISTENT) == 0)
			node->info.special_use = set->special_use;
		if (mailbox_list_iter_selected(iter, node) &&
		    mailbox_list_iter_match(iter, node->info.vname))
			array_push_back(&iter->result, &node);
	}
	hash_table_iterate_deinit(&hctx);
	array_sort(&iter->result, mailbox_list_node_cmp);
}

struct mailbox_list_iter *
mailbox_list_iter_init(struct mail_user *user, const char *const *patterns,
		       enum mailbox_list_iter_flags flags)
{
	struct mailbox_list_iter *iter;
	const char *error;
	pool_t pool;

	pool = pool_alloconly_create("mailbox list iter", 4096);
	iter = p_new(pool, struct mailbox_list_iter, 1);
	iter->pool = pool;
	iter->user = user;
	iter->flags = flags;
	iter->patterns = p_strarray_dup(pool, patterns);
	iter->nodes = hash_table_create_str(default_pool, false);
	p_array_init(&iter->result, pool, 32);

	T_BEGIN {
		if (mailbox_list_autocreate(user, &error) < 0 ||
		    mailbox_list_iter_fill(iter, &error) < 0)
			iter->error = p_strdup(pool, error);
		else
			mailbox_list_iter_select(iter);
	} T_END;
	return iter;
}

const struct mailbox_info *
mailbox_list_iter_next(struct mailbox_list_iter *iter)
{
	if (iter->error != NULL || iter->idx >= array_count(&iter->result))
		return NULL;
	return &array_idx_elem(&iter->result, iter->idx++)->info;
}

int mailbox_list_iter_deinit(struct mailbox_list_iter **_iter,
			     const char **error_r)
{
	struct mailbox_list_iter *iter = *_iter;
	pool_t pool = iter->pool;
	int ret = 0;

	*_iter = NULL;
	if (iter->error != NULL) {
		*error_r = t_strdup(iter->error);
		ret = -1;
	}
	hash_table_destroy(&iter->nodes);
	pool_unref(&pool);
	return ret;
}
