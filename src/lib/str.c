/* Copyright (c) Cove authors. See AUTHORS. */
/* string_t: a buffer_t that is always NUL-terminated (buffer.c keeps the
   byte after the data zero). */

#include "lib.h"
#include "str.h"

string_t *str_new(pool_t pool, size_t initial_size)
{
	return buffer_create_dynamic(pool, initial_size);
}

string_t *t_str_new(size_t initial_size)
{
	return str_new(datastack_pool, initial_size);
}

void str_free(string_t **str)
{
	buffer_free(str);
}

const char *str_c(string_t *str)
{
	return str->data;
}

char *str_c_modifiable(string_t *str)
{
	return buffer_get_modifiable_data(str, NULL);
}

const unsigned char *str_data(const string_t *str)
{
	return str->data;
}

size_t str_len(const string_t *str)
{
	return str->used;
}

bool str_equals(const string_t *str1, const string_t *str2)
{
	return buffer_cmp(str1, str2);
}

void str_append(string_t *str, const char *cstr)
{
	buffer_append(str, cstr, strlen(cstr));
}

void str_append_n(string_t *str, const void *cstr, size_t max_len)
{
	const char *end = memchr(cstr, '\0', max_len);
	size_t len = end == NULL ? max_len :
		(size_t)(end - (const char *)cstr);

	buffer_append(str, cstr, len);
}

void str_append_data(string_t *str, const void *data, size_t len)
{
	buffer_append(str, data, len);
}

void str_append_c(string_t *str, unsigned char chr)
{
	buffer_append_c(str, chr);
}

void str_append_str(string_t *dest, const string_t *src)
{
	buffer_append_buf(dest, src, 0, src->used);
}

void str_vprintfa(string_t *str, const char *fmt, va_list args)
{
	char tmp[256];
	va_list args2;
	int len;

	va_copy(args2, args);
	len = vsnprintf(tmp, sizeof(tmp), fmt, args2);
	va_end(args2);
	if (len < 0)
		i_panic("vsnprintf(%s) failed: %m", fmt);
	if ((size_t)len < sizeof(tmp)) {
		buffer_append(str, tmp, (size_t)len);
		return;
	}
	size_t pos = str->used;
	char *dest = buffer_append_space_unsafe(str, (size_t)len);
	if (vsnprintf(dest, (size_t)len + 1, fmt, args) != len)
		i_panic("vsnprintf(%s) changed its length", fmt);
	i_assert(str->used == pos + (size_t)len);
}

void str_printfa(string_t *str, const char *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	str_vprintfa(str, fmt, args);
	va_end(args);
}

void str_insert(string_t *str, size_t pos, const char *cstr)
{
	buffer_insert(str, pos, cstr, strlen(cstr));
}

void str_delete(string_t *str, size_t pos, size_t len)
{
	buffer_delete(str, pos, len);
}

void str_truncate(string_t *str, size_t len)
{
	if (len < str->used)
		buffer_set_used_size(str, len);
}

void str_reset(string_t *str)
{
	buffer_reset(str);
}

void str_append_tabescaped(string_t *dest, const char *src)
{
	for (const char *p = src; *p != '\0'; p++) {
		switch (*p) {
		case '\001':
			str_append_data(dest, "\0011", 2);
			break;
		case '\t':
			str_append_data(dest, "\001t", 2);
			break;
		case '\r':
			str_append_data(dest, "\001r", 2);
			break;
		case '\n':
			str_append_data(dest, "\001n", 2);
			break;
		default:
			str_append_c(dest, (unsigned char)*p);
			break;
		}
	}
}
