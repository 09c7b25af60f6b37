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

#endif
