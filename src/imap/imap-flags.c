/* Copyright (c) Cove authors. See AUTHORS. */

/* Writing and parsing IMAP system flags. */

#include "lib.h"
#include "str.h"
#include "imap-parser.h"
#include "imap-flags.h"

#include <strings.h>

static const struct {
	enum mail_flags flag;
	const char *name;
} imap_flag_names[] = {
	{ MAIL_ANSWERED, "\\Answered" },
	{ MAIL_FLAGGED, "\\Flagged" },
	{ MAIL_DELETED, "\\Deleted" },
	{ MAIL_SEEN, "\\Seen" },
	{ MAIL_DRAFT, "\\Draft" },
	{ MAIL_RECENT, "\\Recent" },
};

void imap_flags_write(string_t *dest, enum mail_flags flags)
{
	size_t start = str_len(dest);
	unsigned int i;

	str_append_c(dest, '(');
	for (i = 0; i < N_ELEMENTS(imap_flag_names); i++) {
		if ((flags & imap_flag_names[i].flag) == 0)
			continue;
		if (str_len(dest) > start + 1)
			str_append_c(dest, ' ');
		str_append(dest, imap_flag_names[i].name);
	}
	str_append_c(dest, ')');
}

/* Returns the flag for a storable system flag name, 0 if invalid. */
static enum mail_flags imap_flag_find(const char *name)
{
	unsigned int i;

	for (i = 0; i < N_ELEMENTS(imap_flag_names); i++) {
		if (strcasecmp(name, imap_flag_names[i].name) == 0)
			return imap_flag_names[i].flag & MAIL_FLAGS_NONRECENT;
	}
	return 0;
}

int imap_flags_parse(const struct imap_arg *args, enum mail_flags *flags_r,
		     const char **error_r)
{
	enum mail_flags flag, flags = 0;
	const char *atom;

	for (; !imap_arg_is_eol(args); args++) {
		if (!imap_arg_get_atom(args, &atom)) {
			*error_r = "Flags must be atoms";
			return -1;
		}
		if (atom[0] != '\\')
			continue;
		flag = imap_flag_find(atom);
		if (flag == 0) {
			*error_r = t_strdup_printf("Invalid system flag %s",
						   atom);
			return -1;
		}
		flags |= flag;
	}
	*flags_r = flags;
	return 0;
}
