/* Copyright (c) Cove authors. See AUTHORS. */

/* Unit tests for the single-value parsers: bool, size, time, msecs. */

#include "lib.h"
#include "test-common.h"
#include "settings-parser.h"
#include "test-lib-settings.h"

void test_settings_get_bool(void)
{
	static const struct {
		const char *input;
		int ret;
		bool value;
	} tests[] = {
		{ "yes", 0, true }, { "YES", 0, true }, { "y", 0, true },
		{ "1", 0, true }, { "no", 0, false }, { "No", 0, false },
		{ "n", 0, false }, { "0", 0, false },
		{ "", -1, false }, { "maybe", -1, false },
		{ "yes ", -1, false },
	};
	const char *error;
	bool value;

	test_begin("settings_get_bool");
	for (unsigned int i = 0; i < N_ELEMENTS(tests); i++) {
		value = !tests[i].value;
		test_assert_idx(settings_get_bool(tests[i].input, &value,
						  &error) == tests[i].ret, i);
		if (tests[i].ret == 0)
			test_assert_idx(value == tests[i].value, i);
	}
	test_assert(settings_get_bool("maybe", &value, &error) < 0);
	test_assert_strcmp(error,
		"Invalid boolean value: maybe (use yes or no)");
	test_end();
}

void test_settings_get_size(void)
{
	static const struct {
		const char *input;
		int ret;
		uoff_t value;
	} tests[] = {
		{ "0", 0, 0 }, { "1234", 0, 1234 }, { "10b", 0, 10 },
		{ "10k", 0, 10240 }, { "10K", 0, 10240 }, { "10kB", 0, 10240 },
		{ "10M", 0, 10485760 }, { "10 M", 0, 10485760 },
		{ "10\tMB", 0, 10485760 }, { "1G", 0, 1073741824ULL },
		{ "1g", 0, 1073741824ULL }, { "1T", 0, 1099511627776ULL },
		{ "64 k", 0, 65536 },
		{ "", -1, 0 }, { "k", -1, 0 }, { "10X", -1, 0 },
		{ "-1", -1, 0 }, { "10 M B", -1, 0 },
		{ "18446744073709551615", 0, 18446744073709551615ULL },
		{ "18446744073709551616", -1, 0 }, { "20000000T", -1, 0 },
	};
	const char *error;
	uoff_t value;

	test_begin("settings_get_size");
	for (unsigned int i = 0; i < N_ELEMENTS(tests); i++) {
		test_assert_idx(settings_get_size(tests[i].input, &value,
						  &error) == tests[i].ret, i);
		if (tests[i].ret == 0)
			test_assert_idx(value == tests[i].value, i);
	}
	test_assert(settings_get_size("10X", &value, &error) < 0);
	test_assert_strcmp(error, "Invalid size: 10X");
	test_end();
}

void test_settings_get_time(void)
{
	static const struct {
		const char *input;
		int secs_ret;
		unsigned int secs;
		int msecs_ret;
		unsigned int msecs;
	} tests[] = {
		{ "0", 0, 0, 0, 0 },
		{ "5", 0, 5, 0, 5000 },
		{ "5s", 0, 5, 0, 5000 },
		{ "5 secs", 0, 5, 0, 5000 },
		{ "5 seconds", 0, 5, 0, 5000 },
		{ "1 min", 0, 60, 0, 60000 },
		{ "2 mins", 0, 120, 0, 120000 },
		{ "2m", 0, 120, 0, 120000 },
		{ "1h", 0, 3600, 0, 3600000 },
		{ "1 hour", 0, 3600, 0, 3600000 },
		{ "3 hours", 0, 10800, 0, 10800000 },
		{ "1 day", 0, 86400, 0, 86400000 },
		{ "2d", 0, 172800, 0, 172800000 },
		{ "1 week", 0, 604800, 0, 604800000 },
		{ "500 ms", -1, 0, 0, 500 },
		{ "500ms", -1, 0, 0, 500 },
		{ "20 msecs", -1, 0, 0, 20 },
		{ "", -1, 0, -1, 0 },
		{ "1 fortnight", -1, 0, -1, 0 },
		{ "s", -1, 0, -1, 0 },
		{ "5000000000", -1, 0, -1, 0 },
		{ "5000000 secs", 0, 5000000, -1, 0 },
	};
	const char *error;
	unsigned int value;

	test_begin("settings_get_time");
	for (unsigned int i = 0; i < N_ELEMENTS(tests); i++) {
		test_assert_idx(settings_get_time(tests[i].input, &value,
						  &error) == tests[i].secs_ret,
				i);
		if (tests[i].secs_ret == 0)
			test_assert_idx(value == tests[i].secs, i);
		test_assert_idx(settings_get_time_msecs(tests[i].input, &value,
							&error) ==
				tests[i].msecs_ret, i);
		if (tests[i].msecs_ret == 0)
			test_assert_idx(value == tests[i].msecs, i);
	}
	test_assert(settings_get_time("1 fortnight", &value, &error) < 0);
	test_assert_strcmp(error, "Invalid time interval: 1 fortnight");
	test_end();
}
