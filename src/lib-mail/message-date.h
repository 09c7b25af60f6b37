/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef MESSAGE_DATE_H
#define MESSAGE_DATE_H

/* The Date: header (RFC 5322 3.3), including the obsolete forms of 4.3:
   two- and three-digit years, alphabetic zones (UT, GMT, EST ... PDT,
   military letters), missing seconds, comments and extra white space. */

#include <time.h>

/* Parses a date-time. Returns 1 with the time (UTC) in *time_r and the
   zone's offset from UTC in minutes in *tz_offset_r, or 0 if data is not
   a date. An unknown alphabetic zone counts as +0000, as RFC 5322 4.3
   says. */
int message_date_parse(const unsigned char *data, size_t size,
		       time_t *time_r, int *tz_offset_r);

/* Returns the month (1-12) for a three-letter English month name
   (case-insensitive), or 0. */
int message_date_month_parse(const char *name);
/* The UTC time of a proleptic Gregorian date and time of day; month is
   1-12. No range checks beyond what the caller did. */
time_t message_date_utc_mktime(int year, int month, int day, int hour,
			       int min, int sec);

#endif
