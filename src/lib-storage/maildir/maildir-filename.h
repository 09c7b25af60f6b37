/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef MAILDIR_FILENAME_H
#define MAILDIR_FILENAME_H

/* Maildir file names: "BASE[:2,FLAGS]". Cove's base names are
   "TIME.M<usec>P<pid>Q<counter>.HOST,S=<physical>,W=<virtual>", but any
   name is accepted: other programs share the directory. */

#include "mail-storage.h"

struct maildir_filename {
	/* S= and W= from the base name; the have_ flags tell if found. */
	uoff_t physical_size;
	uoff_t virtual_size;
	bool have_physical_size;
	bool have_virtual_size;
	/* From ":2," info; MAIL_RECENT never appears. */
	enum mail_flags flags;
};

/* Returns the length of the base name (up to the first ':'). */
size_t maildir_filename_base_len(const char *fname);
/* Parses sizes and flags; never fails (missing parts are just not
   set). */
void maildir_filename_parse(const char *fname,
			    struct maildir_filename *fname_r);
/* Returns the flags of a file name or of just its info (":2,FS"). */
enum mail_flags maildir_filename_get_flags(const char *fname);
/* Returns the info part (":2,LETTERS") for flags, keeping letters of the
   old info (e.g. ":2,Sa", or "" if none) that are not standard flags.
   Letters are in ASCII order. From the temporary frame. */
const char *maildir_filename_info_set_flags(const char *old_info,
					    enum mail_flags flags);
/* Orders base names by delivery time: the leading "SECS." and, when both
   have it, ".M<usec>" compared as numbers ("1.M99" before "1.M100"), then
   by name. Names without a leading time sort after those with one. */
int maildir_filename_base_cmp(const char *base1, const char *base2);

/* A base name with its delivery time parsed once, for sorting many with
   maildir_filename_key_cmp() (the same order as above). */
struct maildir_filename_key {
	const char *base;
	uint64_t secs, usecs;
	bool have_time, have_usecs;
};
void maildir_filename_key_init(struct maildir_filename_key *key,
			       const char *base);
int maildir_filename_key_cmp(const struct maildir_filename_key *key1,
			     const struct maildir_filename_key *key2);
/* A new unique base name without sizes, "TIME.M<usec>P<pid>Q<n>.HOST".
   From the temporary frame. */
const char *maildir_filename_generate(void);

#endif
