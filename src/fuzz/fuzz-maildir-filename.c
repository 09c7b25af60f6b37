/* Copyright (c) Cove authors. See AUTHORS. */

/* Fuzz target: Maildir file names (base name, S= and W= sizes, the
   ":2," flag letters) as a sync reads them from new/ and cur/, and the
   ordering of two names. */

#include "lib.h"
#include "mail-storage.h"
#include "maildir/maildir-filename.h"
#include "fuzz-common.h"

FUZZ_TARGET(maildir_filename)
{
	const char *input = fuzz_input_string(data, size);
	const char *nl = strchr(input, '\n');
	const char *first = nl == NULL ? input : t_strndup(input, nl - input);
	const char *second = nl == NULL ? "" : nl + 1;
	struct maildir_filename fname;
	enum mail_flags flags;

	maildir_filename_parse(first, &fname);
	flags = maildir_filename_get_flags(first);
	(void)maildir_filename_info_set_flags(strchr(first, ':') == NULL ?
					      "" : strchr(first, ':'), flags);
	(void)maildir_filename_base_len(first);
	(void)maildir_filename_base_cmp(first, second);
}
