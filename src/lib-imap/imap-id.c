/* Copyright (c) Cove authors. See AUTHORS. */

/* Parsing the ID command's arguments into a safe log line. */

#include "lib.h"
#include "str.h"
#include "imap-parser.h"
#include "imap-id.h"

/* Appends at most max_len bytes of value, non-printable ones as '?'. */
static void imap_id_append_clean(string_t *dest, const char *value,
				 size_t max_len)
{
	size_t i;

	for (i = 0; value[i] != '\0' && i < max_len; i++) {
		unsigned char c = value[i];

		str_append_c(dest, c >= 0x20 && c < 0x7f ? c : '?');
	}
	if (value[i] != '\0')
		str_append(dest, "...");
}

int imap_id_parse_args(const struct imap_arg *args, const char **log_r,
		       const char **error_r)
{
	const struct imap_arg *list;
	const char *name, *value;
	string_t *str = t_str_new(128);
	unsigned int count = 0;

	if (imap_arg_is_eol(&args[0])) {
		*error_r = "Missing arguments.";
		return -1;
	}
	if (!imap_arg_is_eol(&args[1])) {
		*error_r = "Unexpected arguments.";
		return -1;
	}
	if (args[0].type == IMAP_ARG_NIL) {
		*log_r = "";
		return 0;
	}
	if (!imap_arg_get_list(&args[0], &list)) {
		*error_r = "Invalid parameters.";
		return -1;
	}
	for (; !imap_arg_is_eol(list); list += 2) {
		if (!imap_arg_get_string(&list[0], &name) ||
		    !imap_arg_get_nstring(&list[1], &value)) {
			*error_r = "Invalid parameters.";
			return -1;
		}
		if (++count > IMAP_ID_MAX_FIELDS)
			continue;
		if (count > 1)
			str_append(str, ", ");
		imap_id_append_clean(str, name, IMAP_ID_MAX_NAME_LEN);
		str_append_c(str, '=');
		imap_id_append_clean(str, value == NULL ? "NIL" : value,
				     IMAP_ID_MAX_VALUE_LEN);
	}
	if (count > IMAP_ID_MAX_FIELDS) {
		str_printfa(str, " (%u more fields)",
			    count - IMAP_ID_MAX_FIELDS);
	}
	*log_r = str_c(str);
	return 0;
}
