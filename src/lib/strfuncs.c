/* Copyright (c) Cove authors. See AUTHORS. */
/* String helpers: pool and temporary-frame copies, splitting, joining,
   tab escaping and strict number parsing. */

#include "lib.h"
#include "str.h"
#include "array.h"

#include <ctype.h>

char *p_strdup(pool_t pool, const char *str)
{
	size_t len;
	char *mem;

	if (str == NULL)
		return NULL;
	len = strlen(str);
	mem = p_malloc(pool, len + 1);
	memcpy(mem, str, len);
	return mem;
}

char *p_strndup(pool_t pool, const void *str, size_t max_chars)
{
	const char *p;
	size_t len;
	char *mem;

	if (str == NULL)
		return NULL;
	p = memchr(str, '\0', max_chars);
	len = p == NULL ? max_chars : (size_t)(p - (const char *)str);
	mem = p_malloc(pool, len + 1);
	memcpy(mem, str, len);
	return mem;
}

char *p_strdup_vprintf(pool_t pool, const char *fmt, va_list args)
{
	char tmp[256];
	va_list args2;
	char *mem;
	int len;

	/* short strings are formatted once, into tmp */
	va_copy(args2, args);
	len = vsnprintf(tmp, sizeof(tmp), fmt, args2);
	va_end(args2);
	if (len < 0)
		i_panic("vsnprintf(%s) failed: %m", fmt);
	mem = p_malloc(pool, (size_t)len + 1);
	if ((size_t)len < sizeof(tmp))
		memcpy(mem, tmp, (size_t)len);
	else if (vsnprintf(mem, (size_t)len + 1, fmt, args) != len)
		i_panic("vsnprintf(%s) changed its length", fmt);
	return mem;
}

char *p_strdup_printf(pool_t pool, const char *fmt, ...)
{
	va_list args;
	char *ret;

	va_start(args, fmt);
	ret = p_strdup_vprintf(pool, fmt, args);
	va_end(args);
	return ret;
}

static char *p_strconcat_va(pool_t pool, const char *str1, va_list args)
{
	va_list args2;
	const char *s;
	size_t len = 0, pos = 0;
	char *mem;

	va_copy(args2, args);
	for (s = str1; s != NULL; s = va_arg(args2, const char *))
		len += strlen(s);
	va_end(args2);
	mem = p_malloc(pool, len + 1);
	for (s = str1; s != NULL; s = va_arg(args, const char *)) {
		size_t slen = strlen(s);

		memcpy(mem + pos, s, slen);
		pos += slen;
	}
	return mem;
}

char *p_strconcat(pool_t pool, const char *str1, ...)
{
	va_list args;
	char *ret;

	va_start(args, str1);
	ret = p_strconcat_va(pool, str1, args);
	va_end(args);
	return ret;
}

const char **p_strarray_dup(pool_t pool, const char *const *arr)
{
	unsigned int i, count = str_array_length(arr);
	const char **ret = p_new(pool, const char *, count + 1);

	for (i = 0; i < count; i++)
		ret[i] = p_strdup(pool, arr[i]);
	return ret;
}

const char *t_strdup(const char *str)
{
	return p_strdup(datastack_pool, str);
}

char *t_strdup_noconst(const char *str)
{
	return p_strdup(datastack_pool, str);
}

const char *t_strndup(const void *str, size_t max_chars)
{
	return p_strndup(datastack_pool, str, max_chars);
}

const char *t_strdup_printf(const char *fmt, ...)
{
	va_list args;
	const char *ret;

	va_start(args, fmt);
	ret = p_strdup_vprintf(datastack_pool, fmt, args);
	va_end(args);
	return ret;
}

const char *t_strdup_vprintf(const char *fmt, va_list args)
{
	return p_strdup_vprintf(datastack_pool, fmt, args);
}

const char *t_strconcat(const char *str1, ...)
{
	va_list args;
	const char *ret;

	va_start(args, str1);
	ret = p_strconcat_va(datastack_pool, str1, args);
	va_end(args);
	return ret;
}

const char *t_str_lcase(const char *str)
{
	char *ret = t_strdup_noconst(str);

	for (char *p = ret; *p != '\0'; p++)
		*p = (char)tolower((unsigned char)*p);
	return ret;
}

const char *t_str_ucase(const char *str)
{
	char *ret = t_strdup_noconst(str);

	for (char *p = ret; *p != '\0'; p++)
		*p = (char)toupper((unsigned char)*p);
	return ret;
}

static const char **t_strsplit_real(const char *str, const char *separators,
				    bool drop_empty)
{
	ARRAY_TYPE(const_string) fields;
	const char *start = str, *p;

	t_array_init(&fields, 8);
	for (p = str;; p++) {
		if (*p != '\0' && strchr(separators, *p) == NULL)
			continue;
		if (!drop_empty || p != start) {
			const char *field = t_strndup(start,
						      (size_t)(p - start));
			array_push_back(&fields, &field);
		}
		if (*p == '\0')
			break;
		start = p + 1;
	}
	array_append_space(&fields);
	return array_get_modifiable(&fields, NULL);
}

const char **t_strsplit(const char *str, const char *separators)
{
	return t_strsplit_real(str, separators, false);
}

const char **t_strsplit_spaces(const char *str, const char *separators)
{
	return t_strsplit_real(str, separators, true);
}

const char **t_strsplit_tabescaped(const char *str)
{
	const char **fields = t_strsplit(str, "\t");

	for (unsigned int i = 0; fields[i] != NULL; i++) {
		if (strchr(fields[i], '\001') != NULL)
			fields[i] = str_tabunescape(fields[i]);
	}
	return fields;
}

const char *t_strarray_join(const char *const *arr, const char *separator)
{
	string_t *str = t_str_new(128);

	for (unsigned int i = 0; arr[i] != NULL; i++) {
		if (i > 0)
			str_append(str, separator);
		str_append(str, arr[i]);
	}
	return str_c(str);
}

unsigned int str_array_length(const char *const *arr)
{
	unsigned int count = 0;

	if (arr == NULL)
		return 0;
	while (arr[count] != NULL)
		count++;
	return count;
}

int null_strcmp(const char *s1, const char *s2)
{
	if (s1 == NULL || s2 == NULL)
		return s1 == s2 ? 0 : (s1 == NULL ? -1 : 1);
	return strcmp(s1, s2);
}

bool str_begins(const char *str, const char *prefix)
{
	return strncmp(str, prefix, strlen(prefix)) == 0;
}

bool str_begins_icase(const char *str, const char *prefix)
{
	return strncasecmp(str, prefix, strlen(prefix)) == 0;
}

bool str_ends(const char *str, const char *suffix)
{
	size_t len = strlen(str), slen = strlen(suffix);

	return len >= slen && memcmp(str + len - slen, suffix, slen) == 0;
}

const char *str_tabescape(const char *str)
{
	string_t *dest;

	if (strpbrk(str, "\001\t\r\n") == NULL)
		return str;
	dest = t_str_new(strlen(str) + 16);
	str_append_tabescaped(dest, str);
	return str_c(dest);
}

const char *str_tabunescape(const char *str)
{
	char *ret = t_strdup_noconst(str);
	char *dest = ret;

	for (const char *p = str; *p != '\0'; p++) {
		if (*p != '\001' || p[1] == '\0') {
			*dest++ = *p;
			continue;
		}
		p++;
		switch (*p) {
		case '1':
			*dest++ = '\001';
			break;
		case 't':
			*dest++ = '\t';
			break;
		case 'r':
			*dest++ = '\r';
			break;
		case 'n':
			*dest++ = '\n';
			break;
		default:
			*dest++ = *p;
			break;
		}
	}
	*dest = '\0';
	return ret;
}

int str_parse_uint64(const char *str, uint64_t *num_r, const char **endp_r)
{
	uint64_t num = 0;
	const char *p = str;

	if (*p < '0' || *p > '9')
		return -1;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (num > (UINT64_MAX - (uint64_t)(*p - '0')) / 10)
			return -1;
		num = num * 10 + (uint64_t)(*p - '0');
	}
	*num_r = num;
	if (endp_r != NULL)
		*endp_r = p;
	return 0;
}

int str_to_uint64(const char *str, uint64_t *num_r)
{
	const char *end;
	uint64_t num;

	if (str_parse_uint64(str, &num, &end) < 0 || *end != '\0')
		return -1;
	*num_r = num;
	return 0;
}

int str_to_uint(const char *str, unsigned int *num_r)
{
	uint64_t num;

	if (str_to_uint64(str, &num) < 0 || num > UINT_MAX)
		return -1;
	*num_r = (unsigned int)num;
	return 0;
}

int str_to_uint32(const char *str, uint32_t *num_r)
{
	uint64_t num;

	if (str_to_uint64(str, &num) < 0 || num > UINT32_MAX)
		return -1;
	*num_r = (uint32_t)num;
	return 0;
}

int str_to_uoff(const char *str, uoff_t *num_r)
{
	return str_to_uint64(str, num_r);
}

void safe_memset(void *data, int c, size_t size)
{
	volatile unsigned char *p = data;

	while (size-- > 0)
		*p++ = (unsigned char)c;
}
