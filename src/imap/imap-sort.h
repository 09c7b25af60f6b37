/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef IMAP_SORT_H
#define IMAP_SORT_H

/* SORT and UID SORT (RFC 5256), with SORT=DISPLAY (RFC 5957) and the
   ESORT RETURN options (RFC 5267), answered with ESEARCH. */

#include "imap-commands.h"

/* Most sort keys (REVERSE excluded) accepted in one SORT command. */
#define IMAP_SORT_MAX_KEYS 16
/* The header of a message is read for sorting up to this size. */
#define IMAP_SORT_MAX_HEADER_SIZE (256 * 1024)

struct mailbox;

/* Reads the top-level header of message seq (not beyond its end) and
   sets values_r[i] to the unfolded value of the first field named
   names[i] (NULL names are skipped), or NULL if there is none; the
   values are on the data stack. Returns 1, 0 if the message was
   expunged, -1 with error_r. */
int imap_sort_read_header_fields(struct mailbox *box, uint32_t seq,
				 const char *const *names, unsigned int count,
				 const char **values_r, const char **error_r);

#endif
