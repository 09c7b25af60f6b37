/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef STRFUNCS_H
#define STRFUNCS_H

/* String helpers. t_ functions return memory from the temporary frame. */

const char *t_strdup(const char *str);
char *t_strdup_noconst(const char *str);
const char *t_strndup(const void *str, size_t max_chars);
const char *t_strdup_printf(const char *fmt, ...) ATTR_FORMAT(1, 2);
const char *t_strdup_vprintf(const char *fmt, va_list args) ATTR_FORMAT(1, 0);
const char *t_strconcat(const char *str1, ...) ATTR_NULL_TERMINATED;
const char *t_str_lcase(const char *str);
const char *t_str_ucase(const char *str);

/* Splits str at any of the separator characters. Empty fields are kept.
   Returns a NULL-terminated array from the temporary frame. */
const char **t_strsplit(const char *str, const char *separators);
/* Same, and drops empty fields. */
const char **t_strsplit_spaces(const char *str, const char *separators);
/* Splits at tabs and unescapes each field (see str_tabunescape()). */
const char **t_strsplit_tabescaped(const char *str);
/* Joins with separator. */
const char *t_strarray_join(const char *const *arr, const char *separator);
unsigned int str_array_length(const char *const *arr);

/* strcmp() that accepts NULL, which sorts before every string. */
int null_strcmp(const char *s1, const char *s2);
bool str_begins(const char *str, const char *prefix);
bool str_begins_icase(const char *str, const char *prefix);
bool str_ends(const char *str, const char *suffix);

/* Tab-protocol escaping (auth and handoff protocols): \001 -> \0011,
   \t -> \001t, \r -> \001r, \n -> \001n. */
const char *str_tabescape(const char *str);
const char *str_tabunescape(const char *str);

/* Strict decimal parsing: the whole string must be digits, no sign, no
   overflow. Return 0, or -1 on any error. */
int str_to_uint(const char *str, unsigned int *num_r);
int str_to_uint32(const char *str, uint32_t *num_r);
int str_to_uint64(const char *str, uint64_t *num_r);
int str_to_uoff(const char *str, uoff_t *num_r);
/* Parses leading digits; *endp_r points after them. -1 if none or
   overflow. */
int str_parse_uint64(const char *str, uint64_t *num_r, const char **endp_r);

/* Zeroes memory so that the compiler cannot optimise it away. */
void safe_memset(void *data, int c, size_t size);

#endif
