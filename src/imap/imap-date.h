/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef IMAP_DATE_H
#define IMAP_DATE_H

/* IMAP date-time (RFC 3501 9): "23-Nov-2026 17:10:00 +0000". */

#include <time.h>

/* Returns the date-time in UTC, without quotes (temporary frame). */
const char *imap_date_format(time_t t);

#endif
