/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef SMTP_SPOOL_H
#define SMTP_SPOOL_H

/* Holds one received message so that it can be read several times (once
   per LMTP recipient). Small messages stay in memory; once a message grows
   over max_memory it moves to a temporary file in temp_dir that is
   unlinked at once, so nothing is left behind if the process dies. */

struct smtp_spool;

/* temp_dir is copied. */
struct smtp_spool *smtp_spool_create(const char *temp_dir, size_t max_memory);
void smtp_spool_destroy(struct smtp_spool **spool);

/* Appends data. Returns 0, or -1 with error_r (the temp file could not be
   created or written). */
int smtp_spool_append(struct smtp_spool *spool, const void *data,
		      size_t size, const char **error_r);
uoff_t smtp_spool_get_size(const struct smtp_spool *spool);

/* Reads the message from offset: *data_r / *size_r (valid until the next
   call or destroy) hold the next block. Returns 1 with a block, 0 at the
   end, -1 with error_r on a read failure. */
int smtp_spool_read(struct smtp_spool *spool, uoff_t offset,
		    const unsigned char **data_r, size_t *size_r,
		    const char **error_r);

#endif
