/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef MAILDIR_INDEX_H
#define MAILDIR_INDEX_H

/* The index "cove-index" of a maildir: the session view as the last
   settled scan left it (UID, info, sizes and received date of every
   message) with what it was read from (the cove-uidlist file's identity,
   the mtimes of new/ and cur/). A mailbox opened with a usable index
   reads neither the directories nor the uidlist until one of them
   changes; see maildir_sync(). The file is a cache: a missing, stale or
   damaged one is ignored and rewritten after the next scan (flags live in
   the file names, UIDs in cove-uidlist).

   Layout (host byte order; the index is never shared between hosts):
   a header (struct maildir_index_header), info_count NUL-terminated info
   strings, then record_count records: struct maildir_index_record
   followed by its base name and a NUL. The checksum covers the whole file
   with the checksum field zero. A new record field means a new version:
   files of other versions are rebuilt. Version 2 added the mod-sequences
   (a record's modseq, the view's highest and expunge modseqs); they are
   the uidlist's (maildir-uidlist.h) as of the uidlist file the index
   matches, so a rebuilt index loses none. */

#include "maildir-storage.h"

#define MAILDIR_INDEX_NAME "cove-index"
#define MAILDIR_INDEX_VERSION 2
/* An index claiming more bytes than this is damaged. */
#define MAILDIR_INDEX_MAX_SIZE (1024 * 1024 * 1024)

/* Fills mbox's empty view from the index if it matches the uidlist file
   now on disk; the next maildir_sync() then reads the directories only
   if their mtimes differ from the index's. Returns 1 loaded, 0 no usable
   index (the view stays empty), -1 I/O error other than a missing file. */
int maildir_index_read(struct maildir_mailbox *mbox, const char **error_r);
/* Writes mbox's view with the directory mtimes of its last scan and the
   uidlist file it last read, atomically (temporary file + rename).
   Returns 0 or -1. */
int maildir_index_write(struct maildir_mailbox *mbox, const char **error_r);
/* Writes the index if a scan changed the view since it was read or
   written and the view can be trusted (see maildir_index_write()); done
   when the mailbox is closed, so that it costs a session nothing. Errors
   are logged. */
void maildir_index_update(struct maildir_mailbox *mbox);

#endif
