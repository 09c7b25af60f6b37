/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef IMAP_COPY_H
#define IMAP_COPY_H

/* The mailbox that APPEND, COPY and MOVE save into. */

#include "str.h"
#include "array.h"

struct client_command_context;
struct imap_arg;
struct mailbox;
struct mail_save_context;

ARRAY_DEFINE_TYPE(mail_save_context, struct mail_save_context *);

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

/* Saves the written messages of ctxs into their mailbox in order (the
   second phase of APPEND, MULTIAPPEND and COPY), adding each one's UID
   (0 if not known yet) to uids. Returns 1, 0 if some UID is not known
   yet, or -1 with error_r: then the rest are dropped (those saved
   already cannot be taken back). Empties ctxs either way. */
int imap_copy_save_all(ARRAY_TYPE(mail_save_context) *ctxs,
		       ARRAY_TYPE(uint32_t) *uids, const char **error_r);
/* Drops the messages of ctxs and empties it. */
void imap_copy_abort_all(ARRAY_TYPE(mail_save_context) *ctxs);

#endif
