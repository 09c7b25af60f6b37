/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef IMAP_CMD_MAILBOX_H
#define IMAP_CMD_MAILBOX_H

/* Mailbox names at the IMAP boundary: on the wire they are modified
   UTF-7 (RFC 3501 5.1.3), in lib-storage UTF-8. Shared by the mailbox
   commands, LIST, STATUS and SELECT. */

#include "str.h"
#include "mail-storage.h"
#include "imap-client.h"

/* Reads a mailbox name argument (astring, modified UTF-7) as a UTF-8
   vname (from the temporary frame). Returns false with the reply set:
   BAD if arg is not an astring, NO if it is not valid modified UTF-7. */
bool imap_mailbox_arg_get(struct client_command_context *cmd,
			  const struct imap_arg *arg, const char **vname_r);
/* Appends vname as modified UTF-7, quoted as needed (astring). */
void imap_mailbox_append_name(string_t *dest, const char *vname);
/* vname for a reply text or the log: modified UTF-7, control characters
   as '?' (from the temporary frame). */
const char *imap_mailbox_printable(const char *vname);
/* Sets the tagged NO for a failed list operation: [NONEXISTENT],
   [ALREADYEXISTS], [CANNOT] or, for MAIL_ERROR_TEMP, [SERVERBUG] with
   error logged. */
void imap_mailbox_reply_error(struct client_command_context *cmd,
			      enum mail_error error_code, const char *error);
/* The tagged NO [NONEXISTENT] for vname. */
void imap_mailbox_reply_nonexistent(struct client_command_context *cmd,
				    const char *vname);
/* Returns true if vname is the client's selected mailbox. */
bool imap_mailbox_is_selected(struct client *client, const char *vname);

#endif
