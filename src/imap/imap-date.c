/* Copyright (c) Cove authors. See AUTHORS. */

/* Formatting and parsing IMAP date-time values (INTERNALDATE). */

#include "lib.h"
#include "imap-date.h"

#include <strings.h>

static const char *const imap_date_months[] = {
	"Jan", "Feb", "Mar", "Apr", "May", "Jun",
	"Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
};

const char *imap_date_format(time_t t)
{
	const char *const *months = imap_date_months;
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

static bool imap_date_isdigit(char c)
{
	return c >= '0' && c <= '9';
}

/* Parses exactly count digits at *p and advances it. */
static bool imap_date_parse_digits(const char **p, unsigned int count,
				   int *value_r)
{
	int value = 0;

	for (unsigned int i = 0; i < count; i++) {
		if (!imap_date_isdigit((*p)[i]))
			return false;
		value = value * 10 + ((*p)[i] - '0');
	}
	*p += count;
	*value_r = value;
	return true;
}

static bool imap_date_parse_month(const char **p, int *month_r)
{
	for (int i = 0; i < 12; i++) {
		if (strncasecmp(*p, imap_date_months[i], 3) == 0) {
			*p += 3;
			*month_r = i;
			return true;
		}
	}
	return false;
}

/* Parses "DD-Mon-YYYY" (the day may be " D" or "D"). A day beyond the
   month's end counts on into the next month, as in Dovecot: it is a
   client's INTERNALDATE, better kept than refused. */
static bool imap_date_parse_day(const char **p, struct tm *tm)
{
	int year;

	if (**p == ' ')
		(*p)++;
	if (**p == '\0')
		return false;
	if (!imap_date_parse_digits(p, imap_date_isdigit((*p)[1]) ? 2 : 1,
				    &tm->tm_mday) || *(*p)++ != '-' ||
	    !imap_date_parse_month(p, &tm->tm_mon) || *(*p)++ != '-' ||
	    !imap_date_parse_digits(p, 4, &year))
		return false;
	tm->tm_year = year - 1900;
	return year >= 1900 && tm->tm_mday >= 1 && tm->tm_mday <= 31;
}

int imap_date_parse(const char *str, time_t *t_r)
{
	const char *p = str;
	struct tm tm;
	int zone_hours, zone_mins, zone_secs;
	char sign;

	memset(&tm, 0, sizeof(tm));
	if (!imap_date_parse_day(&p, &tm) || *p++ != ' ' ||
	    !imap_date_parse_digits(&p, 2, &tm.tm_hour) || *p++ != ':' ||
	    !imap_date_parse_digits(&p, 2, &tm.tm_min) || *p++ != ':' ||
	    !imap_date_parse_digits(&p, 2, &tm.tm_sec) || *p++ != ' ')
		return -1;
	sign = *p++;
	if ((sign != '+' && sign != '-') ||
	    !imap_date_parse_digits(&p, 2, &zone_hours) ||
	    !imap_date_parse_digits(&p, 2, &zone_mins) || *p != '\0')
		return -1;
	if (tm.tm_hour > 23 || tm.tm_min > 59 || tm.tm_sec > 60 ||
	    zone_mins > 59)
		return -1;
	zone_secs = (zone_hours * 60 + zone_mins) * 60;
	*t_r = timegm(&tm) - (sign == '+' ? zone_secs : -zone_secs);
	return 0;
}
