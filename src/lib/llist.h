/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef LLIST_H
#define LLIST_H

/* Intrusive doubly linked lists: an item struct has "prev" and "next"
   pointers, and the list is a pointer to its head item (NULL when
   empty). The macros evaluate their arguments more than once, so pass
   plain variables. */

/* Inserts item at the head of *list. */
#define DLLIST_PREPEND(list, item) \
	STMT_START { \
		(item)->prev = NULL; \
		(item)->next = *(list); \
		if (*(list) != NULL) \
			(*(list))->prev = (item); \
		*(list) = (item); \
	} STMT_END

/* Unlinks item, which must be in *list. Its own prev and next pointers
   are left as they were. */
#define DLLIST_REMOVE(list, item) \
	STMT_START { \
		if ((item)->prev != NULL) \
			(item)->prev->next = (item)->next; \
		else \
			*(list) = (item)->next; \
		if ((item)->next != NULL) \
			(item)->next->prev = (item)->prev; \
	} STMT_END

/* The same for a list that also keeps its tail item (*tail, NULL when
   empty), for LRUs: prepend the newest, take the oldest at the tail. */
#define DLLIST2_PREPEND(head, tail, item) \
	STMT_START { \
		if (*(head) == NULL) \
			*(tail) = (item); \
		DLLIST_PREPEND(head, item); \
	} STMT_END

#define DLLIST2_REMOVE(head, tail, item) \
	STMT_START { \
		if ((item)->next == NULL) \
			*(tail) = (item)->prev; \
		DLLIST_REMOVE(head, item); \
	} STMT_END

#endif
