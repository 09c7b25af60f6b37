/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef IMAP_DATE_H
#define IMAP_DATE_H

/* IMAP date-time (RFC 3501 9): "23-Nov-2026 17:10:00 +0000". */

#include <time.h>

/* Returns the date-time in UTC, without quotes (temporary frame). */
const char *imap_date_format(time_t t);
/* Parses a date-time without its quotes (APPEND's INTERNALDATE): the
   day as "DD", " D" or "D", the month name in any case, and a zone
   "+HHMM" or "-HHMM". Returns 0 with the time, or -1 if invalid. */
int imap_date_parse(const char *str, time_t *t_r);

#endif
