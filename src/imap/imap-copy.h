/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef IMAP_COPY_H
#define IMAP_COPY_H

/* The mailbox that APPEND, COPY and MOVE save into. */

#include "str.h"
#include "array.h"

struct client_command_context;
struct imap_arg;
struct mailbox;

/* Opens the mailbox named by arg (an astring in modified UTF-7) for
   saving: the selected mailbox itself when it is that one and
   writable (so that the session's view gets the new messages at the
   command's sync), else a save-only view whose saves get UIDs at once.
   Returns the mailbox, or NULL with the tagged reply set (BAD for a
   bad argument, "NO [TRYCREATE]" if it does not exist). Close it with
   imap_copy_close_dest(). */
struct mailbox *imap_copy_open_dest(struct client_command_context *cmd,
				    const struct imap_arg *arg);
void imap_copy_close_dest(struct client_command_context *cmd,
			  struct mailbox **box);
/* Appends uids (in order) as a sequence set: "4:6,9" (COPYUID,
   APPENDUID). */
void imap_copy_write_uids(string_t *dest, const ARRAY_TYPE(uint32_t) *uids);

#endif
