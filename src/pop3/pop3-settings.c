/* Copyright (c) Cove authors. See AUTHORS. */

/* The pop3 worker's settings table, its check (workarounds, the UIDL
   format, what Cove does not implement), the UIDL format expansion and
   the service defaults, read by the worker and by the master. */

#include "lib.h"
#include "str.h"
#include "strfuncs.h"
#include "pop3-settings.h"

#include <ctype.h>
#include <strings.h>

/* Longest width in a UIDL format variable (%08Xu is 8). */
#define POP3_UIDL_MAX_WIDTH 64
/* Keeps the idle timeout's milliseconds far from overflowing. */
#define POP3_CLIENT_IDLE_TIMEOUT_MAX (24 * 60 * 60)

static const struct setting_define pop3_setting_defines[] = {
	SETTING_DEFINE(SET_STR, pop3_uidl_format, struct pop3_settings),
	SETTING_DEFINE(SET_STR, pop3_client_workarounds, struct pop3_settings),
	SETTING_DEFINE(SET_BOOL, pop3_no_flag_updates, struct pop3_settings),
	SETTING_DEFINE(SET_ENUM, pop3_delete_type, struct pop3_settings),
	SETTING_DEFINE(SET_STR, pop3_deleted_flag, struct pop3_settings),
	SETTING_DEFINE(SET_BOOL, pop3_lock_session, struct pop3_settings),
	SETTING_DEFINE(SET_TIME, pop3_client_idle_timeout,
		       struct pop3_settings),
	SETTING_DEFINE_LIST_END
};

static const struct pop3_settings pop3_default_settings = {
	.pop3_uidl_format = "%08Xu%08Xv",
	.pop3_client_workarounds = "",
	.pop3_no_flag_updates = false,
	.pop3_delete_type = "default:expunge:flag",
	.pop3_deleted_flag = "",
	.pop3_lock_session = false,
	/* RFC 1939 3: at least 10 minutes (Dovecot hard-codes that) */
	.pop3_client_idle_timeout = 10 * 60,
};

static const struct {
	const char *name;
	enum pop3_client_workarounds flag;
} pop3_workaround_names[] = {
	{ "outlook-no-nuls", POP3_WORKAROUND_OUTLOOK_NO_NULS },
	{ "oe-ns-eoh", POP3_WORKAROUND_OE_NS_EOH },
};

int pop3_workarounds_parse(const char *value,
			   enum pop3_client_workarounds *workarounds_r,
			   const char **error_r)
{
	const char *const *names = t_strsplit_spaces(value, " ,");
	unsigned int i;

	*workarounds_r = 0;
	for (; *names != NULL; names++) {
		for (i = 0; i < N_ELEMENTS(pop3_workaround_names); i++) {
			if (strcasecmp(*names,
				       pop3_workaround_names[i].name) == 0)
				break;
		}
		if (i == N_ELEMENTS(pop3_workaround_names)) {
			*error_r = t_strdup_printf("pop3_client_workarounds: "
				"Unknown workaround: %s", *names);
			return -1;
		}
		*workarounds_r |= pop3_workaround_names[i].flag;
	}
	return 0;
}

/* One %-variable: [0][width][modifiers](key | {long_key}). */
struct pop3_uidl_var {
	bool zero_pad;
	unsigned int width;
	bool hex, lcase, ucase;
	uint32_t value;
};

/* Parses the variable after '%' at *p. Returns 0, or -1 with error_r. */
static int pop3_uidl_parse_var(const char **p, uint32_t uid,
			       uint32_t uidvalidity,
			       struct pop3_uidl_var *var_r,
			       const char **error_r)
{
	const char *s = *p, *end;
	const char *key;

	if (*s == '0') {
		var_r->zero_pad = true;
		s++;
	}
	for (; isdigit((unsigned char)*s); s++) {
		var_r->width = var_r->width * 10 + (*s - '0');
		if (var_r->width > POP3_UIDL_MAX_WIDTH) {
			*error_r = "pop3_uidl_format: Width too large";
			return -1;
		}
	}
	for (;; s++) {
		if (*s == 'X')
			var_r->hex = true;
		else if (*s == 'L')
			var_r->lcase = true;
		else if (*s == 'U')
			var_r->ucase = true;
		else
			break;
	}
	if (*s == '{') {
		end = strchr(s, '}');
		if (end == NULL) {
			*error_r = "pop3_uidl_format: Missing '}'";
			return -1;
		}
		key = t_strndup(s + 1, end - (s + 1));
		s = end + 1;
	} else if (*s != '\0') {
		key = t_strndup(s, 1);
		s++;
	} else {
		*error_r = "pop3_uidl_format: Incomplete %-variable at the end";
		return -1;
	}
	if (strcmp(key, "u") == 0 || strcmp(key, "uid") == 0)
		var_r->value = uid;
	else if (strcmp(key, "v") == 0 || strcmp(key, "uidvalidity") == 0)
		var_r->value = uidvalidity;
	else {
		*error_r = t_strdup_printf("pop3_uidl_format: Unsupported "
			"variable %%%s (Cove supports %%u and %%v)", key);
		return -1;
	}
	*p = s;
	return 0;
}

/* Appends var as var_expand does: a width truncates, unless the value is
   zero-padded to it. */
static void pop3_uidl_append_var(string_t *dest,
				 const struct pop3_uidl_var *var)
{
	const char *value;
	size_t len;

	value = t_strdup_printf(var->hex ? "%x" : "%u", var->value);
	if (var->ucase)
		value = t_str_ucase(value);
	len = strlen(value);
	if (var->width > 0 && var->zero_pad) {
		for (; len < var->width; len++)
			str_append_c(dest, '0');
		str_append(dest, value);
	} else if (var->width > 0 && len > var->width) {
		str_append_data(dest, value, var->width);
	} else {
		str_append(dest, value);
	}
}

int pop3_uidl_expand(string_t *dest, const char *format, uint32_t uid,
		     uint32_t uidvalidity, const char **error_r)
{
	const char *p = format, *pct;

	while ((pct = strchr(p, '%')) != NULL) {
		struct pop3_uidl_var var = { .zero_pad = false };

		str_append_data(dest, p, pct - p);
		p = pct + 1;
		if (*p == '%') {
			str_append_c(dest, '%');
			p++;
			continue;
		}
		if (pop3_uidl_parse_var(&p, uid, uidvalidity, &var,
					error_r) < 0)
			return -1;
		pop3_uidl_append_var(dest, &var);
	}
	str_append(dest, p);
	return 0;
}

static bool pop3_settings_check(void *_set, pool_t pool ATTR_UNUSED,
				const char **error_r)
{
	struct pop3_settings *set = _set;
	string_t *uidl1 = t_str_new(64), *uidl2 = t_str_new(64);

	if (pop3_workarounds_parse(set->pop3_client_workarounds,
				   &set->parsed_workarounds, error_r) < 0)
		return false;
	if (pop3_uidl_expand(uidl1, set->pop3_uidl_format, 1, 1,
			     error_r) < 0 ||
	    pop3_uidl_expand(uidl2, set->pop3_uidl_format, 2, 1,
			     error_r) < 0)
		return false;
	/* RFC 1939 7: unique-ids are 1-70 characters of 0x21-0x7E */
	if (str_len(uidl1) == 0 || strcmp(str_c(uidl1), str_c(uidl2)) == 0) {
		*error_r = "pop3_uidl_format must contain %u";
		return false;
	}
	for (const char *p = str_c(uidl1); *p != '\0'; p++) {
		if (*p < 0x21 || *p > 0x7e) {
			*error_r = "pop3_uidl_format: UIDLs may only have "
				"printable characters, no spaces";
			return false;
		}
	}
	if (strcmp(set->pop3_delete_type, "flag") == 0 ||
	    set->pop3_deleted_flag[0] != '\0') {
		*error_r = "pop3_delete_type=flag and pop3_deleted_flag are "
			"not supported: DELE'd messages are expunged";
		return false;
	}
	if (set->pop3_client_idle_timeout == 0 ||
	    set->pop3_client_idle_timeout > POP3_CLIENT_IDLE_TIMEOUT_MAX) {
		*error_r = "pop3_client_idle_timeout must be "
			"between 1 sec and 1 day";
		return false;
	}
	return true;
}

const struct setting_parser_info pop3_setting_parser_info = {
	.module_name = "pop3",
	.defines = pop3_setting_defines,
	.defaults = &pop3_default_settings,
	.struct_size = sizeof(struct pop3_settings),
	.type_offset = SIZE_MAX,
	.check_func = pop3_settings_check,
};

const struct service_defaults pop3_service_defaults =
	SERVICE_DEFAULTS_MAIL_WORKER("pop3");
