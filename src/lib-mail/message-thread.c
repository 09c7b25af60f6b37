/* Copyright (c) Cove authors. See AUTHORS. */

/* RFC 5256 threading. Both algorithms work on a tree of nodes: a node is
   a message, or (REFERENCES only) a dummy standing for a Message-ID that
   no message has. Children are kept as singly linked sibling lists that
   are sorted by (date, id) before the tree is written out; the date of a
   dummy is that of its first child after sorting. */

#include "lib.h"
#include "array.h"
#include "hash.h"
#include "str.h"
#include "message-subject.h"
#include "message-thread.h"

#include <stdlib.h>
#include <string.h>

struct message_thread_node {
	struct message_thread_node *parent;
	struct message_thread_node *children;
	struct message_thread_node *next;
	/* NULL for a dummy */
	const struct message_thread_input *msg;
	time_t date;
	uint32_t id;
	/* The subject table (REFERENCES step 5) */
	const char *base_subject;
	bool refwd;
};

struct message_thread_tree {
	pool_t pool;
	/* the root set */
	struct message_thread_node *roots;
};

static struct message_thread_node *
message_thread_node_new(pool_t pool, const struct message_thread_input *msg)
{
	struct message_thread_node *node;

	node = p_new(pool, struct message_thread_node, 1);
	node->msg = msg;
	return node;
}

static void message_thread_add_child(struct message_thread_node *parent,
				     struct message_thread_node *child)
{
	child->parent = parent;
	child->next = parent->children;
	parent->children = child;
}

static void message_thread_unlink(struct message_thread_node *node)
{
	struct message_thread_node **p;

	for (p = &node->parent->children; *p != node; p = &(*p)->next) ;
	*p = node->next;
	node->parent = NULL;
	node->next = NULL;
}

static int message_thread_node_cmp(const void *p1, const void *p2)
{
	const struct message_thread_node *n1 =
		*(const struct message_thread_node *const *)p1;
	const struct message_thread_node *n2 =
		*(const struct message_thread_node *const *)p2;

	if (n1->date != n2->date)
		return n1->date < n2->date ? -1 : 1;
	return n1->id < n2->id ? -1 : n1->id > n2->id;
}

/* Sorts the sibling list *list (and all below it) by date and sets the
   dates of dummies. */
static void message_thread_sort(struct message_thread_node **list)
{
	ARRAY(struct message_thread_node *) nodes;
	struct message_thread_node *node, *const *sorted;
	unsigned int i, count;

	t_array_init(&nodes, 16);
	for (node = *list; node != NULL; node = node->next) {
		message_thread_sort(&node->children);
		if (node->msg == NULL && node->children != NULL) {
			node->date = node->children->date;
			node->id = node->children->id;
		}
		array_push_back(&nodes, &node);
	}
	array_sort(&nodes, message_thread_node_cmp);
	sorted = array_get(&nodes, &count);
	*list = count == 0 ? NULL : sorted[0];
	for (i = 0; i < count; i++)
		sorted[i]->next = i + 1 < count ? sorted[i + 1] : NULL;
}

static void message_thread_write_node(const struct message_thread_node *node,
				      string_t *dest)
{
	const struct message_thread_node *child;

	if (node->msg != NULL) {
		str_printfa(dest, "%u", node->msg->id);
		if (node->children != NULL)
			str_append_c(dest, ' ');
	}
	if (node->children == NULL)
		return;
	if (node->children->next == NULL) {
		message_thread_write_node(node->children, dest);
		return;
	}
	for (child = node->children; child != NULL; child = child->next) {
		str_append_c(dest, '(');
		message_thread_write_node(child, dest);
		str_append_c(dest, ')');
	}
}

static void message_thread_write(struct message_thread_node *roots,
				 string_t *dest)
{
	const struct message_thread_node *node;

	T_BEGIN {
		message_thread_sort(&roots);
	} T_END;
	for (node = roots; node != NULL; node = node->next) {
		str_append_c(dest, '(');
		message_thread_write_node(node, dest);
		str_append_c(dest, ')');
	}
}

static void message_thread_set_subject(pool_t pool,
				       struct message_thread_node *node)
{
	const char *subject = node->msg->subject;
	string_t *str = t_str_new(128);

	if (subject != NULL) {
		node->refwd = message_subject_get_base(
			(const void *)subject, strlen(subject), str);
	}
	node->base_subject = p_strdup(pool, str_c(str));
}

static struct message_thread_node **
message_thread_nodes(pool_t pool, const struct message_thread_input *msgs,
		     unsigned int count)
{
	struct message_thread_node **nodes;
	unsigned int i;

	nodes = p_new(pool, struct message_thread_node *, count + 1);
	for (i = 0; i < count; i++) {
		nodes[i] = message_thread_node_new(pool, &msgs[i]);
		nodes[i]->date = msgs[i].date;
		nodes[i]->id = msgs[i].id;
		T_BEGIN {
			message_thread_set_subject(pool, nodes[i]);
		} T_END;
	}
	return nodes;
}

void message_thread_orderedsubject(const struct message_thread_input *msgs,
				   unsigned int count, string_t *dest)
{
	pool_t pool = pool_alloconly_create("thread", 1024 + count * 128);
	struct message_thread_node **nodes, *roots = NULL;
	struct hash_table *subjects;
	struct message_thread_node *first;
	unsigned int i;

	nodes = message_thread_nodes(pool, msgs, count);
	subjects = hash_table_create_str(pool, false);
	T_BEGIN {
		/* the earliest message of each base subject is the root, the
		   others are its children */
		qsort(nodes, count, sizeof(*nodes), message_thread_node_cmp);
	} T_END;
	for (i = 0; i < count; i++) {
		first = hash_table_lookup(subjects, nodes[i]->base_subject);
		if (first != NULL) {
			message_thread_add_child(first, nodes[i]);
			continue;
		}
		hash_table_update(subjects, nodes[i]->base_subject, nodes[i]);
		nodes[i]->next = roots;
		roots = nodes[i];
	}
	message_thread_write(roots, dest);
	hash_table_destroy(&subjects);
	pool_unref(&pool);
}

/* Returns the next "<msg-id>" in *p (advanced past it) without the
   brackets, or NULL if there is none. */
static const char *message_thread_next_id(pool_t pool, const char **p)
{
	const char *start, *end;

	start = strchr(*p, '<');
	if (start == NULL)
		return NULL;
	end = strchr(start + 1, '>');
	if (end == NULL)
		return NULL;
	*p = end + 1;
	if (end == start + 1)
		return message_thread_next_id(pool, p);
	return p_strndup(pool, start + 1, end - start - 1);
}

/* Returns true if anc is node or one of its ancestors; also when the
   chain above node is too long to follow, so that no link is made. */
static bool message_thread_is_ancestor(const struct message_thread_node *anc,
				       const struct message_thread_node *node)
{
	unsigned int depth = 0;

	for (; node != NULL; node = node->parent) {
		if (node == anc || ++depth > MESSAGE_THREAD_MAX_DEPTH * 2)
			return true;
	}
	return false;
}

static struct message_thread_node *
message_thread_id_node(pool_t pool, struct hash_table *ids, const char *id)
{
	struct message_thread_node *node = hash_table_lookup(ids, id);

	if (node == NULL) {
		node = message_thread_node_new(pool, NULL);
		hash_table_update(ids, id, node);
	}
	return node;
}

/* Step 1: links message node to its references. */
static void message_thread_link(pool_t pool, struct hash_table *ids,
				struct message_thread_node *node)
{
	const struct message_thread_input *msg = node->msg;
	const char *refs = msg->references, *p, *id;
	ARRAY(const char *) ref_ids;
	struct message_thread_node *parent = NULL, *child;
	unsigned int i, count;

	t_array_init(&ref_ids, 16);
	if (refs == NULL || strchr(refs, '<') == NULL)
		refs = msg->in_reply_to;
	for (p = refs == NULL ? "" : refs;
	     (id = message_thread_next_id(pool, &p)) != NULL; ) {
		if (refs == msg->in_reply_to && array_count(&ref_ids) > 0)
			break;
		array_push_back(&ref_ids, &id);
	}
	count = array_count(&ref_ids);
	i = count > MESSAGE_THREAD_MAX_REFERENCES ?
		count - MESSAGE_THREAD_MAX_REFERENCES : 0;
	for (; i < count; i++) {
		child = message_thread_id_node(pool, ids,
					       array_idx_elem(&ref_ids, i));
		if (parent != NULL && child->parent == NULL &&
		    child != parent &&
		    !message_thread_is_ancestor(child, parent))
			message_thread_add_child(parent, child);
		parent = child;
	}
	if (node->parent != NULL)
		message_thread_unlink(node);
	if (parent != NULL && !message_thread_is_ancestor(node, parent))
		message_thread_add_child(parent, node);
}

/* Step 3: removes dummies without children, and promotes the children
   of other dummies unless that would put several into the root set. */
static void message_thread_prune(struct message_thread_node **list,
				 bool root_level)
{
	struct message_thread_node *node, *child, *next;

	while ((node = *list) != NULL) {
		message_thread_prune(&node->children, false);
		if (node->msg != NULL ||
		    (root_level && node->children != NULL &&
		     node->children->next != NULL)) {
			list = &node->next;
			continue;
		}
		/* replace node with its children */
		*list = node->next;
		for (child = node->children; child != NULL; child = next) {
			next = child->next;
			child->parent = root_level ? NULL : node->parent;
			child->next = *list;
			*list = child;
		}
	}
}

/* The node whose message gives the subject of a root (step 5.A). */
static const struct message_thread_node *
message_thread_subject_node(const struct message_thread_node *root)
{
	return root->msg != NULL ? root : root->children;
}

/* Step 5: merges threads of the root set with the same base subject. */
static void message_thread_group_subjects(pool_t pool,
					  struct message_thread_node **roots)
{
	struct hash_table *subjects = hash_table_create_str(pool, false);
	struct message_thread_node **list, *node, *old, *dummy, *child, *next;
	const struct message_thread_node *snode, *osnode;
	bool old_dummy, node_dummy;

	for (node = *roots; node != NULL; node = node->next) {
		snode = message_thread_subject_node(node);
		if (snode->base_subject[0] == '\0')
			continue;
		old = hash_table_lookup(subjects, snode->base_subject);
		if (old == NULL ||
		    (old->msg != NULL && node->msg == NULL) ||
		    (old->msg != NULL && node->msg != NULL &&
		     message_thread_subject_node(old)->refwd && !snode->refwd))
			hash_table_update(subjects, snode->base_subject, node);
	}
	list = roots;
	while ((node = *list) != NULL) {
		snode = message_thread_subject_node(node);
		old = snode->base_subject[0] == '\0' ? NULL :
			hash_table_lookup(subjects, snode->base_subject);
		if (old == NULL || old == node) {
			list = &node->next;
			continue;
		}
		/* merge node into old, removing node from the root set */
		*list = node->next;
		node->next = NULL;
		osnode = message_thread_subject_node(old);
		old_dummy = old->msg == NULL;
		node_dummy = node->msg == NULL;
		if (old_dummy && node_dummy) {
			for (child = node->children; child != NULL;
			     child = next) {
				next = child->next;
				message_thread_add_child(old, child);
			}
		} else if (old_dummy || (!osnode->refwd && snode->refwd)) {
			message_thread_add_child(old, node);
		} else {
			/* old becomes a dummy holding both */
			dummy = message_thread_node_new(pool, NULL);
			*dummy = *old;
			dummy->parent = old;
			for (child = dummy->children; child != NULL;
			     child = child->next)
				child->parent = dummy;
			old->msg = NULL;
			old->children = NULL;
			message_thread_add_child(old, dummy);
			message_thread_add_child(old, node);
		}
	}
	hash_table_destroy(&subjects);
}

/* Cuts node from its parent if it is deeper than
   MESSAGE_THREAD_MAX_DEPTH, which keeps the recursion of the later steps
   bounded. Cutting only makes the depths of others smaller. */
static void message_thread_limit_depth(struct message_thread_node *node)
{
	const struct message_thread_node *p;
	unsigned int depth = 0;

	for (p = node->parent; p != NULL; p = p->parent) {
		if (++depth > MESSAGE_THREAD_MAX_DEPTH) {
			message_thread_unlink(node);
			return;
		}
	}
}

/* Step 2: the nodes without parent: dummies (known only in ids) and
   messages (all in nodes). */
static struct message_thread_node *
message_thread_root_set(struct hash_table *ids,
			struct message_thread_node *const *nodes,
			unsigned int count)
{
	struct hash_iterate_context *iter = hash_table_iterate_init(ids);
	struct message_thread_node *node, *roots = NULL;
	const void *key;
	void *value;
	unsigned int i;

	while (hash_table_iterate(iter, &key, &value)) {
		node = value;
		if (node->msg == NULL)
			message_thread_limit_depth(node);
		if (node->msg == NULL && node->parent == NULL) {
			node->next = roots;
			roots = node;
		}
	}
	hash_table_iterate_deinit(&iter);
	for (i = 0; i < count; i++) {
		message_thread_limit_depth(nodes[i]);
		if (nodes[i]->parent == NULL) {
			nodes[i]->next = roots;
			roots = nodes[i];
		}
	}
	return roots;
}

void message_thread_references(const struct message_thread_input *msgs,
			       unsigned int count, string_t *dest)
{
	pool_t pool = pool_alloconly_create("thread", 1024 + count * 256);
	struct hash_table *ids = hash_table_create_str(pool, false);
	struct message_thread_node **nodes, *node, *roots;
	const char *id, *p;
	unsigned int i;

	nodes = message_thread_nodes(pool, msgs, count);
	for (i = 0; i < count; i++) {
		/* a missing or duplicate Message-ID makes a unique node */
		p = msgs[i].message_id == NULL ? "" : msgs[i].message_id;
		id = message_thread_next_id(pool, &p);
		node = id == NULL ? NULL : hash_table_lookup(ids, id);
		if (node == NULL || node->msg != NULL) {
			node = nodes[i];
			if (id != NULL && hash_table_lookup(ids, id) == NULL)
				hash_table_update(ids, id, node);
		} else {
			/* the dummy made by an earlier reference */
			node->msg = &msgs[i];
			node->date = msgs[i].date;
			node->id = msgs[i].id;
			node->base_subject = nodes[i]->base_subject;
			node->refwd = nodes[i]->refwd;
			nodes[i] = node;
		}
	}
	T_BEGIN {
		for (i = 0; i < count; i++)
			message_thread_link(pool, ids, nodes[i]);
	} T_END;
	roots = message_thread_root_set(ids, nodes, count);
	message_thread_prune(&roots, true);
	T_BEGIN {
		message_thread_sort(&roots);
	} T_END;
	message_thread_group_subjects(pool, &roots);
	message_thread_write(roots, dest);
	hash_table_destroy(&ids);
	pool_unref(&pool);
}
