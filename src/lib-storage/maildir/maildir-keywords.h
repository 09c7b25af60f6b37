/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef MAILDIR_KEYWORDS_H
#define MAILDIR_KEYWORDS_H

/* The keywords file "cove-keywords" of a maildir maps the letters 'a'..'z'
   of a file name's ":2," info (after the standard flag letters) to keyword
   names: one "<index> <name>" line per keyword, index 0 being 'a'. A
   keyword's index never changes once written. The file is replaced
   atomically (temp file, fsync, rename) while holding the uidlist lock;
   readers need no lock. */

#include "mail-storage.h"

#define MAILDIR_KEYWORDS_NAME "cove-keywords"

struct maildir_keywords;

/* dir is the maildir; fsync tells whether writes are fsync()ed. */
struct maildir_keywords *maildir_keywords_init(const char *dir, bool fsync);
void maildir_keywords_deinit(struct maildir_keywords **keywords);

/* Rereads the file if it changed since the last read or write. A missing
   file means no keywords; invalid lines are skipped. Returns 0 or -1. */
int maildir_keywords_refresh(struct maildir_keywords *keywords,
			     const char **error_r);
/* The names by index (NULL for an unused index below count); valid until
   the next refresh or add. */
const char *const *
maildir_keywords_get_names(const struct maildir_keywords *keywords,
			   unsigned int *count_r);
/* Returns the index of name (case-insensitive), or -1 if unknown. */
int maildir_keywords_lookup(const struct maildir_keywords *keywords,
			    const char *name);
/* Under the uidlist lock, after a refresh: gives name the next free index
   and writes the file. Returns 1 with idx_r, 0 if all MAIL_KEYWORDS_MAX
   indexes are taken, -1 on I/O error. */
int maildir_keywords_add(struct maildir_keywords *keywords, const char *name,
			 unsigned int *idx_r, const char **error_r);

/* The keyword mask of a file name's info (":2,Sab" -> bits 0 and 1). */
uint32_t maildir_keywords_from_info(const char *info);
/* Returns the info (":2,LETTERS") with the standard flags and keyword
   letters replaced by flags and keywords; other letters of old_info are
   kept. Letters are in ASCII order. From the temporary frame. */
const char *maildir_keywords_info_set(const char *old_info,
				      enum mail_flags flags,
				      uint32_t keywords);

#endif
