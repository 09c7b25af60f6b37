/* Copyright (c) Cove authors. See AUTHORS. */

/* Formatting IMAP date-time values (INTERNALDATE). */

#include "lib.h"
#include "imap-date.h"

const char *imap_date_format(time_t t)
{
	static const char *const months[] = {
		"Jan", "Feb", "Mar", "Apr", "May", "Jun",
		"Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
	};
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL) {
		/* beyond struct tm's years: show the epoch */
		memset(&tm, 0, sizeof(tm));
		tm.tm_mday = 1;
		tm.tm_year = 70;
	}
	return t_strdup_printf("%02d-%s-%04d %02d:%02d:%02d +0000",
			       tm.tm_mday, months[tm.tm_mon],
			       tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
			       tm.tm_sec);
}
