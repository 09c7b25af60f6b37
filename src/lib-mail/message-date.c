/* Copyright (c) Cove authors. See AUTHORS. */

/* RFC 5322 date-time parser:
     [day-of-week ","] day month year hour ":" minute [":" second] zone
   with CFWS (comments are skipped) between tokens. */

#include "lib.h"
#include "message-date.h"

#include <ctype.h>
#include <strings.h>

struct message_date_parser {
	const unsigned char *data, *end;
};

static const char *const message_date_months[] = {
	"Jan", "Feb", "Mar", "Apr", "May", "Jun",
	"Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
};

/* North American zones of RFC 5322 4.3, offsets in hours. */
static const struct {
	const char *name;
	int offset;
} message_date_zones[] = {
	{ "UT", 0 }, { "GMT", 0 }, { "Z", 0 },
	{ "EST", -5 }, { "EDT", -4 }, { "CST", -6 }, { "CDT", -5 },
	{ "MST", -7 }, { "MDT", -6 }, { "PST", -8 }, { "PDT", -7 },
};

int message_date_month_parse(const char *name)
{
	unsigned int i;

	for (i = 0; i < N_ELEMENTS(message_date_months); i++) {
		if (strcasecmp(name, message_date_months[i]) == 0)
			return i + 1;
	}
	return 0;
}

time_t message_date_utc_mktime(int year, int month, int day, int hour,
			       int min, int sec)
{
	/* days from 1970-01-01 of a civil date, with March as the first
	   month of the year so that leap days come last */
	int y = month <= 2 ? year - 1 : year;
	int era = (y >= 0 ? y : y - 399) / 400;
	int yoe = y - era * 400;
	int doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
	int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	long long days = (long long)era * 146097 + doe - 719468;

	return (time_t)(days * 86400 + hour * 3600 + min * 60 + sec);
}

/* Skips white space and (nested) comments. */
static void message_date_skip_cfws(struct message_date_parser *parser)
{
	unsigned int depth = 0;

	for (; parser->data < parser->end; parser->data++) {
		unsigned char c = *parser->data;

		if (c == '(') {
			depth++;
		} else if (c == ')' && depth > 0) {
			depth--;
		} else if (c == '\\' && depth > 0 &&
			   parser->data + 1 < parser->end) {
			parser->data++;
		} else if (depth == 0 && c != ' ' && c != '\t' &&
			   c != '\r' && c != '\n') {
			break;
		}
	}
}

/* Reads a token of letters (at most 15) into buf. Returns its length. */
static size_t message_date_read_word(struct message_date_parser *parser,
				     char buf[16])
{
	size_t len = 0;

	message_date_skip_cfws(parser);
	while (parser->data < parser->end && isalpha(*parser->data)) {
		if (len < 15)
			buf[len] = *parser->data;
		len++;
		parser->data++;
	}
	buf[I_MIN(len, 15)] = '\0';
	return len;
}

/* Reads 1..max_digits digits. Returns the digit count, 0 if none. */
static unsigned int
message_date_read_number(struct message_date_parser *parser,
			 unsigned int max_digits, int *num_r)
{
	unsigned int digits = 0;

	message_date_skip_cfws(parser);
	*num_r = 0;
	while (parser->data < parser->end && isdigit(*parser->data) &&
	       digits < max_digits) {
		*num_r = *num_r * 10 + (*parser->data - '0');
		parser->data++;
		digits++;
	}
	if (parser->data < parser->end && isdigit(*parser->data))
		return 0;
	return digits;
}

static bool message_date_skip_char(struct message_date_parser *parser,
				   char c)
{
	message_date_skip_cfws(parser);
	if (parser->data >= parser->end || *parser->data != c)
		return false;
	parser->data++;
	return true;
}

/* Parses the zone: "+hhmm"/"-hhmm" or a name. */
static int message_date_parse_zone(struct message_date_parser *parser,
				   int *tz_offset_r)
{
	char word[16];
	unsigned int i;
	int sign, num;

	message_date_skip_cfws(parser);
	if (parser->data < parser->end &&
	    (*parser->data == '+' || *parser->data == '-')) {
		sign = *parser->data == '-' ? -1 : 1;
		parser->data++;
		if (message_date_read_number(parser, 4, &num) != 4 ||
		    num % 100 >= 60)
			return 0;
		*tz_offset_r = sign * ((num / 100) * 60 + num % 100);
		return 1;
	}
	/* missing or unknown zones count as +0000 */
	*tz_offset_r = 0;
	if (message_date_read_word(parser, word) == 0)
		return 1;
	for (i = 0; i < N_ELEMENTS(message_date_zones); i++) {
		if (strcasecmp(word, message_date_zones[i].name) == 0) {
			*tz_offset_r = message_date_zones[i].offset * 60;
			break;
		}
	}
	return 1;
}

/* Parses "day month year". */
static int message_date_parse_day(struct message_date_parser *parser,
				  int *year_r, int *month_r, int *day_r)
{
	char word[16];
	unsigned int digits;

	if (message_date_read_number(parser, 2, day_r) == 0 ||
	    *day_r < 1 || *day_r > 31)
		return 0;
	/* obsolete: "1-Jan-2000" is common enough in broken mailers */
	(void)message_date_skip_char(parser, '-');
	if (message_date_read_word(parser, word) != 3)
		return 0;
	*month_r = message_date_month_parse(word);
	if (*month_r == 0)
		return 0;
	(void)message_date_skip_char(parser, '-');
	digits = message_date_read_number(parser, 4, year_r);
	if (digits < 2)
		return 0;
	/* RFC 5322 4.3: two digits 00-49 are 20xx, other two- and
	   three-digit years are added to 1900 */
	if (digits == 2 && *year_r < 50)
		*year_r += 2000;
	else if (digits < 4)
		*year_r += 1900;
	return 1;
}

int message_date_parse(const unsigned char *data, size_t size,
		       time_t *time_r, int *tz_offset_r)
{
	struct message_date_parser parser = { data, data + size };
	int year, month, day, hour, min, sec = 0;
	char word[16];

	/* optional day-of-week; the comma is often missing */
	if (message_date_read_word(&parser, word) > 0)
		(void)message_date_skip_char(&parser, ',');
	if (message_date_parse_day(&parser, &year, &month, &day) == 0)
		return 0;
	if (message_date_read_number(&parser, 2, &hour) == 0 || hour > 23 ||
	    !message_date_skip_char(&parser, ':') ||
	    message_date_read_number(&parser, 2, &min) == 0 || min > 59)
		return 0;
	if (message_date_skip_char(&parser, ':') &&
	    (message_date_read_number(&parser, 2, &sec) == 0 || sec > 60))
		return 0;
	if (message_date_parse_zone(&parser, tz_offset_r) == 0)
		return 0;
	*time_r = message_date_utc_mktime(year, month, day, hour, min, sec) -
		*tz_offset_r * 60;
	return 1;
}
