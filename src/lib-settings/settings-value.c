/* Copyright (c) Cove authors. See AUTHORS. */

/* Parsers for single setting values: booleans, sizes with k/M/G/T
   suffixes and time intervals with units, in the forms Dovecot accepts. */

#include "lib.h"
#include "settings-parser.h"

#include <strings.h>

struct settings_unit {
	const char *name;
	uint64_t multiplier;
};

static const struct settings_unit settings_size_units[] = {
	{ "", 1 }, { "b", 1 },
	{ "k", 1024ULL }, { "kb", 1024ULL },
	{ "m", 1024ULL * 1024 }, { "mb", 1024ULL * 1024 },
	{ "g", 1024ULL * 1024 * 1024 }, { "gb", 1024ULL * 1024 * 1024 },
	{ "t", 1024ULL * 1024 * 1024 * 1024 },
	{ "tb", 1024ULL * 1024 * 1024 * 1024 },
	{ NULL, 0 }
};

/* Multipliers are milliseconds. */
static const struct settings_unit settings_msecs_units[] = {
	{ "ms", 1 }, { "msec", 1 }, { "msecs", 1 },
	{ "millisecond", 1 }, { "milliseconds", 1 },
	{ NULL, 0 }
};
static const struct settings_unit settings_time_units[] = {
	{ "", 1000 }, { "s", 1000 }, { "sec", 1000 }, { "secs", 1000 },
	{ "second", 1000 }, { "seconds", 1000 },
	{ "m", 60 * 1000 }, { "min", 60 * 1000 }, { "mins", 60 * 1000 },
	{ "minute", 60 * 1000 }, { "minutes", 60 * 1000 },
	{ "h", 3600 * 1000 }, { "hour", 3600 * 1000 },
	{ "hours", 3600 * 1000 },
	{ "d", 86400 * 1000 }, { "day", 86400 * 1000 },
	{ "days", 86400 * 1000 },
	{ "w", 7 * 86400 * 1000 }, { "week", 7 * 86400 * 1000 },
	{ "weeks", 7 * 86400 * 1000 },
	{ NULL, 0 }
};

int settings_get_bool(const char *value, bool *result_r,
		      const char **error_r)
{
	if (strcasecmp(value, "yes") == 0 || strcasecmp(value, "y") == 0 ||
	    strcmp(value, "1") == 0) {
		*result_r = true;
	} else if (strcasecmp(value, "no") == 0 ||
		   strcasecmp(value, "n") == 0 || strcmp(value, "0") == 0) {
		*result_r = false;
	} else {
		*error_r = t_strdup_printf(
			"Invalid boolean value: %s (use yes or no)", value);
		return -1;
	}
	return 0;
}

static bool settings_unit_find(const struct settings_unit *units,
			       const char *name, uint64_t *multiplier_r)
{
	for (unsigned int i = 0; units[i].name != NULL; i++) {
		if (strcasecmp(units[i].name, name) == 0) {
			*multiplier_r = units[i].multiplier;
			return true;
		}
	}
	return false;
}

/* Parses "<number>[ ]<unit>" with a unit from units1 or units2 (may be
   NULL). Returns 0, or -1 on a syntax error or overflow. */
static int settings_parse_number_unit(const char *value,
				      const struct settings_unit *units1,
				      const struct settings_unit *units2,
				      uint64_t *result_r)
{
	const char *p;
	uint64_t num, multiplier;

	if (str_parse_uint64(value, &num, &p) < 0)
		return -1;
	while (*p == ' ' || *p == '\t')
		p++;
	if (!settings_unit_find(units1, p, &multiplier) &&
	    (units2 == NULL || !settings_unit_find(units2, p, &multiplier)))
		return -1;
	if (num != 0 && multiplier > UINT64_MAX / num)
		return -1;
	*result_r = num * multiplier;
	return 0;
}

int settings_get_size(const char *value, uoff_t *result_r,
		      const char **error_r)
{
	uint64_t num;

	if (settings_parse_number_unit(value, settings_size_units, NULL,
				       &num) < 0) {
		*error_r = t_strdup_printf("Invalid size: %s", value);
		return -1;
	}
	*result_r = num;
	return 0;
}

int settings_get_time(const char *value, unsigned int *secs_r,
		      const char **error_r)
{
	uint64_t msecs;

	if (settings_parse_number_unit(value, settings_time_units, NULL,
				       &msecs) < 0 ||
	    msecs / 1000 > UINT_MAX) {
		*error_r = t_strdup_printf("Invalid time interval: %s", value);
		return -1;
	}
	*secs_r = (unsigned int)(msecs / 1000);
	return 0;
}

int settings_get_time_msecs(const char *value, unsigned int *msecs_r,
			    const char **error_r)
{
	uint64_t msecs;

	if (settings_parse_number_unit(value, settings_time_units,
				       settings_msecs_units, &msecs) < 0 ||
	    msecs > UINT_MAX) {
		*error_r = t_strdup_printf("Invalid time interval: %s", value);
		return -1;
	}
	*msecs_r = (unsigned int)msecs;
	return 0;
}
