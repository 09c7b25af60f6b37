/* Copyright (c) Cove authors. See AUTHORS. */

/* Writing and parsing IMAP message flags and keywords. */

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

/* Appends the names of flags, space-separated. */
static void imap_flags_append(string_t *dest, enum mail_flags flags)
{
	size_t start = str_len(dest);
	unsigned int i;

	for (i = 0; i < N_ELEMENTS(imap_flag_names); i++) {
		if ((flags & imap_flag_names[i].flag) == 0)
			continue;
		if (str_len(dest) > start)
			str_append_c(dest, ' ');
		str_append(dest, imap_flag_names[i].name);
	}
}

void imap_flags_write(string_t *dest, enum mail_flags flags)
{
	str_append_c(dest, '(');
	imap_flags_append(dest, flags);
	str_append_c(dest, ')');
}

void imap_flags_write_keywords(string_t *dest, enum mail_flags flags,
			       uint32_t keywords, const char *const *names,
			       unsigned int names_count)
{
	str_append_c(dest, '(');
	imap_flags_append(dest, flags);
	for (unsigned int i = 0; i < names_count; i++) {
		/* a letter without a name in the keywords file is not
		   shown */
		if ((keywords & (1U << i)) == 0 || names[i] == NULL)
			continue;
		if (str_data(dest)[str_len(dest) - 1] != '(')
			str_append_c(dest, ' ');
		str_append(dest, names[i]);
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

/* RFC 3501 9: flag-keyword is an atom: no atom-specials, which the
   parser lets through inside brackets, and within a length limit. */
static bool imap_keyword_is_valid(const char *name)
{
	if (name[0] == '\0' || strlen(name) > MAIL_KEYWORD_MAX_LEN)
		return false;
	for (; *name != '\0'; name++) {
		unsigned char c = *name;

		if (c <= 0x20 || c >= 0x7f ||
		    strchr("(){%*\"\\]", c) != NULL)
			return false;
	}
	return true;
}

int imap_flags_parse(const struct imap_arg *args, enum mail_flags *flags_r,
		     ARRAY_TYPE(const_string) *keywords_r,
		     const char **error_r)
{
	enum mail_flags flag, flags = 0;
	const char *atom;

	for (; !imap_arg_is_eol(args); args++) {
		if (!imap_arg_get_atom(args, &atom)) {
			*error_r = "Flags must be atoms";
			return -1;
		}
		if (atom[0] != '\\') {
			if (keywords_r == NULL ||
			    !imap_keyword_is_valid(atom)) {
				*error_r = t_strdup_printf(
					"Invalid keyword %s", atom);
				return -1;
			}
			array_push_back(keywords_r, &atom);
			continue;
		}
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
