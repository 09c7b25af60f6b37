/* Copyright (c) Cove authors. See AUTHORS. */

/* The mbox format without I/O (see mbox-file.h). The parser walks the
   data line by line once: separators, the header's internal lines, the
   sizes and the fingerprint all come from that one pass. */

#include "lib.h"
#include "array.h"
#include "buffer.h"
#include "str.h"
#include "mbox-file.h"

#include <ctype.h>
#include <strings.h>

#define FNV_OFFSET 0xcbf29ce484222325ULL
#define FNV_PRIME 0x100000001b3ULL

static const char *const mbox_internal_headers[] = {
	"Content-Length", "Status", "X-IMAP", "X-IMAPbase", "X-Keywords",
	"X-Status", "X-UID",
};

static const char *const mbox_weekdays[] = {
	"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat",
};
static const char *const mbox_months[] = {
	"Jan", "Feb", "Mar", "Apr", "May", "Jun",
	"Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
};

static int mbox_name_find(const char *const *names, unsigned int count,
			  const unsigned char *p)
{
	for (unsigned int i = 0; i < count; i++) {
		if (memcmp(names[i], p, 3) == 0)
			return (int)i;
	}
	return -1;
}

/* Parses up to max_digits digits. Returns the count parsed. */
static unsigned int mbox_parse_num(const unsigned char *p,
				   const unsigned char *end,
				   unsigned int max_digits, int *num_r)
{
	unsigned int i;

	*num_r = 0;
	for (i = 0; i < max_digits && p + i < end && isdigit(p[i]); i++)
		*num_r = *num_r * 10 + (p[i] - '0');
	return i;
}

/* Parses "Www Mmm dd hh:mm[:ss] [zone...] yyyy" at p. */
static bool mbox_date_parse(const unsigned char *p, const unsigned char *end,
			    time_t *date_r)
{
	struct tm tm;
	unsigned int n;
	int num;

	i_zero(&tm);
	if (end - p < 16 || p[3] != ' ' ||
	    mbox_name_find(mbox_weekdays, N_ELEMENTS(mbox_weekdays), p) < 0)
		return false;
	p += 4;
	tm.tm_mon = mbox_name_find(mbox_months, N_ELEMENTS(mbox_months), p);
	if (tm.tm_mon < 0 || p[3] != ' ')
		return false;
	for (p += 3; p < end && *p == ' '; p++) ;
	if ((n = mbox_parse_num(p, end, 2, &tm.tm_mday)) == 0)
		return false;
	p += n;
	if (p >= end || *p++ != ' ' ||
	    (n = mbox_parse_num(p, end, 2, &tm.tm_hour)) == 0)
		return false;
	p += n;
	if (p >= end || *p++ != ':' ||
	    (n = mbox_parse_num(p, end, 2, &tm.tm_min)) != 2)
		return false;
	p += n;
	if (p < end && *p == ':') {
		if ((n = mbox_parse_num(++p, end, 2, &tm.tm_sec)) != 2)
			return false;
		p += n;
	}
	/* the year: the first 4-digit word, after zone names if any */
	for (unsigned int words = 0; words < 3; words++) {
		if (p >= end || *p != ' ')
			return false;
		while (p < end && *p == ' ')
			p++;
		n = mbox_parse_num(p, end, 4, &num);
		if (n == 4 && (p + n == end || p[n] == ' ')) {
			tm.tm_year = num - 1900;
			tm.tm_isdst = -1;
			*date_r = mktime(&tm);
			return true;
		}
		while (p < end && *p != ' ')
			p++;
	}
	return false;
}

bool mbox_from_line_parse(const unsigned char *line, size_t size,
			  time_t *date_r)
{
	const unsigned char *end = line + size;
	const unsigned char *p;

	*date_r = (time_t)-1;
	if (size < 5 || memcmp(line, "From ", 5) != 0 ||
	    size > MBOX_FROM_LINE_MAX_LEN)
		return false;
	/* the sender may contain spaces (a quoted local part): try the
	   date after each space */
	for (p = line + 4; p < end; p++) {
		if (*p == ' ' && mbox_date_parse(p + 1, end, date_r))
			return true;
	}
	return false;
}

/* Returns true if sender can be the "From " line's sender. */
static bool mbox_from_line_sender_valid(const char *sender)
{
	const unsigned char *p;

	if (sender == NULL || sender[0] == '\0' ||
	    strlen(sender) > MBOX_FROM_LINE_MAX_LEN / 2)
		return false;
	for (p = (const unsigned char *)sender; *p != '\0'; p++) {
		if (*p <= ' ' || *p == 0x7f)
			return false;
	}
	return true;
}

void mbox_from_line_write(string_t *str, const char *sender, time_t date)
{
	struct tm tm;
	char buf[64];

	if (!mbox_from_line_sender_valid(sender))
		sender = MBOX_FROM_LINE_NO_SENDER;
	if (localtime_r(&date, &tm) == NULL ||
	    strftime(buf, sizeof(buf), "%a %b %e %H:%M:%S %Y", &tm) == 0)
		buf[0] = '\0';
	str_printfa(str, "From %s %s\n", sender,
		    buf[0] != '\0' ? buf : "Thu Jan  1 00:00:00 1970");
}

static bool mbox_name_equals(const unsigned char *name, size_t len,
			     const char *wanted)
{
	return strlen(wanted) == len &&
		strncasecmp((const char *)name, wanted, len) == 0;
}

bool mbox_line_is_header_end(const unsigned char *line, size_t size)
{
	return (size == 1 && line[0] == '\n') ||
		(size == 2 && line[0] == '\r' && line[1] == '\n');
}

bool mbox_header_is_internal(const unsigned char *line, size_t size)
{
	const unsigned char *colon = memchr(line, ':', size);
	size_t len;

	if (colon == NULL)
		return false;
	len = colon - line;
	for (unsigned int i = 0; i < N_ELEMENTS(mbox_internal_headers); i++) {
		if (mbox_name_equals(line, len, mbox_internal_headers[i]))
			return true;
	}
	return false;
}

bool mbox_header_is_flags(const unsigned char *line, size_t size)
{
	static const char *const names[] = {
		"Status:", "X-Status:", "X-Keywords:",
	};
	size_t len;

	for (unsigned int i = 0; i < N_ELEMENTS(names); i++) {
		len = strlen(names[i]);
		if (size >= len &&
		    strncasecmp((const char *)line, names[i], len) == 0)
			return true;
	}
	return false;
}

bool mbox_flag_headers_write(string_t *str, enum mail_flags flags,
			     const char *const *keywords, bool status_old,
			     size_t total)
{
	size_t start = str_len(str), status_start, used;
	size_t pad = MBOX_FLAG_HEADERS_PADDING;

	if ((flags & MAIL_SEEN) != 0)
		str_append(str, "Status: RO\n");
	else if (status_old)
		str_append(str, "Status: O\n");
	status_start = str_len(str);
	str_append(str, "X-Status: ");
	if ((flags & MAIL_ANSWERED) != 0)
		str_append_c(str, 'A');
	if ((flags & MAIL_FLAGGED) != 0)
		str_append_c(str, 'F');
	if ((flags & MAIL_DRAFT) != 0)
		str_append_c(str, 'T');
	if ((flags & MAIL_DELETED) != 0)
		str_append_c(str, 'D');
	if (str_len(str) == status_start + 10)
		str_truncate(str, status_start);
	else
		str_append_c(str, '\n');
	str_append(str, "X-Keywords:");
	for (; keywords != NULL && *keywords != NULL; keywords++) {
		str_append_c(str, ' ');
		str_append(str, *keywords);
	}
	/* with the LF */
	used = str_len(str) - start + 1;
	if (total != 0) {
		if (used > total) {
			str_truncate(str, start);
			return false;
		}
		pad = total - used;
	}
	for (; pad > 0; pad--)
		str_append_c(str, ' ');
	str_append_c(str, '\n');
	return true;
}

int mbox_flag_headers_find(const unsigned char *data, size_t size,
			   size_t *start_r, size_t *end_r)
{
	const unsigned char *lf;
	size_t pos, end;
	bool in_flags = false, found = false, after = false;

	for (pos = 0; pos < size; pos = end) {
		lf = memchr(data + pos, '\n', size - pos);
		if (lf == NULL)
			break;
		end = (size_t)(lf - data) + 1;
		if (mbox_line_is_header_end(data + pos, end - pos))
			return found ? 1 : 0;
		if (data[pos] != ' ' && data[pos] != '\t')
			in_flags = mbox_header_is_flags(data + pos, end - pos);
		if (!in_flags) {
			after = found;
			continue;
		}
		if (after)
			return 0;
		if (!found)
			*start_r = pos;
		found = true;
		*end_r = end;
	}
	return -1;
}

struct mbox_parser {
	const unsigned char *data;
	size_t size;
	uoff_t offset;
	bool at_eof;
	pool_t pool;
	enum mbox_file_warnings warnings;
	uoff_t warn_offset;
};

static void mbox_parser_warn(struct mbox_parser *parser,
			     enum mbox_file_warnings warning, size_t pos)
{
	if (parser->warnings == 0)
		parser->warn_offset = parser->offset + pos;
	parser->warnings |= warning;
}

/* The end of the line at pos (after its LF, or the end of the data). */
static size_t mbox_line_end(const struct mbox_parser *parser, size_t pos)
{
	const unsigned char *lf = memchr(parser->data + pos, '\n',
					 parser->size - pos);

	return lf == NULL ? parser->size : (size_t)(lf - parser->data) + 1;
}

/* Returns true if line (with its LF, if any) is a separator. */
static bool mbox_line_is_separator(const unsigned char *line, size_t size,
				   time_t *date_r)
{
	if (size > 0 && line[size - 1] == '\n')
		size--;
	return size > 0 && line[0] == 'F' &&
		mbox_from_line_parse(line, size, date_r);
}

/* Returns true if the line at pos is a separator. */
static bool mbox_is_separator(const struct mbox_parser *parser, size_t pos,
			      time_t *date_r)
{
	return mbox_line_is_separator(parser->data + pos,
				      mbox_line_end(parser, pos) - pos, date_r);
}

/* Counts the line data[pos..end) into the mail's sizes. */
static void mbox_count_line(struct mbox_parser *parser,
			    struct mbox_file_mail *mail, size_t pos, size_t end,
			    bool unquote)
{
	const unsigned char *line = parser->data + pos;
	size_t len = end - pos, i;

	mail->physical_size += len;
	mail->virtual_size += len;
	if (len > 0 && line[len - 1] == '\n' &&
	    (len < 2 || line[len - 2] != '\r'))
		mail->virtual_size++;
	if (!unquote || line[0] != '>')
		return;
	for (i = 0; i < len && line[i] == '>'; i++) ;
	if (len - i >= 5 && memcmp(line + i, "From ", 5) == 0) {
		mail->physical_size--;
		mail->virtual_size--;
	}
}

static uint64_t mbox_hash(uint64_t hash, const unsigned char *data,
			  size_t size)
{
	for (size_t i = 0; i < size; i++)
		hash = (hash ^ data[i]) * FNV_PRIME;
	return hash;
}

static void mbox_parse_header_value(struct mbox_parser *parser,
				    struct mbox_file_mail *mail,
				    const unsigned char *line, size_t len,
				    uoff_t *content_length_r)
{
	const unsigned char *colon = memchr(line, ':', len);
	size_t name_len = colon - line, i;
	const unsigned char *value = colon + 1;
	size_t value_len = len - name_len - 1;
	uoff_t num = 0;

	while (value_len > 0 && (value[value_len - 1] == '\n' ||
				 value[value_len - 1] == '\r'))
		value_len--;
	if (mbox_name_equals(line, name_len, "Status")) {
		if (memchr(value, 'R', value_len) != NULL)
			mail->flags |= MAIL_SEEN;
	} else if (mbox_name_equals(line, name_len, "X-Status")) {
		for (i = 0; i < value_len; i++) {
			switch (value[i]) {
			case 'A': mail->flags |= MAIL_ANSWERED; break;
			case 'F': mail->flags |= MAIL_FLAGGED; break;
			case 'T': mail->flags |= MAIL_DRAFT; break;
			case 'D': mail->flags |= MAIL_DELETED; break;
			}
		}
	} else if (mbox_name_equals(line, name_len, "X-Keywords")) {
		mail->keywords = p_strndup(parser->pool, value, value_len);
	} else if (mbox_name_equals(line, name_len, "X-IMAP")) {
		/* only the first message of the file counts: see below */
		mail->pseudo = true;
	} else if (mbox_name_equals(line, name_len, "Content-Length")) {
		for (i = 0; i < value_len && value[i] == ' '; i++) ;
		for (; i < value_len && isdigit(value[i]) &&
		       num < ((uoff_t)1 << 50); i++)
			num = num * 10 + (value[i] - '0');
		if (i == value_len && num > 0)
			*content_length_r = num;
	}
}

/* Parses the header at pos; returns the body's position. */
static size_t mbox_parse_header(struct mbox_parser *parser,
				struct mbox_file_mail *mail, size_t pos,
				uoff_t *content_length_r)
{
	bool hidden = false;
	time_t date;
	size_t end;

	while (pos < parser->size) {
		end = mbox_line_end(parser, pos);
		if (mbox_line_is_header_end(parser->data + pos, end - pos)) {
			mbox_count_line(parser, mail, pos, end, false);
			return end;
		}
		if (parser->data[pos] == 'F' &&
		    mbox_is_separator(parser, pos, &date))
			return pos;
		if (parser->data[pos] != ' ' && parser->data[pos] != '\t') {
			hidden = mbox_header_is_internal(parser->data + pos,
							 end - pos);
			if (hidden) {
				mbox_parse_header_value(parser, mail,
					parser->data + pos, end - pos,
					content_length_r);
			}
		}
		if (!hidden) {
			mbox_count_line(parser, mail, pos, end, true);
			mail->fingerprint = mbox_hash(mail->fingerprint,
						      parser->data + pos,
						      end - pos);
		}
		pos = end;
	}
	return pos;
}

/* Returns true if a message with the body at body_pos ends after
   content_length bytes (the separator or the end of the data follows),
   with *next_r the next separator's position. */
static bool mbox_content_length_is_valid(const struct mbox_parser *parser,
					 size_t body_pos,
					 uoff_t content_length, size_t *next_r)
{
	time_t date;
	size_t end;

	if (content_length > parser->size - body_pos)
		return false;
	end = body_pos + content_length;
	if (end == parser->size ||
	    (end + 1 == parser->size && parser->data[end] == '\n')) {
		*next_r = parser->size;
		return true;
	}
	if (parser->data[end] == '\n')
		end++;
	if (parser->data[end - 1] != '\n' ||
	    !mbox_is_separator(parser, end, &date))
		return false;
	*next_r = end;
	return true;
}

/* Counts the body lines of data[pos..end). */
static void mbox_count_body(struct mbox_parser *parser,
			    struct mbox_file_mail *mail, size_t pos,
			    size_t end)
{
	size_t line_end;

	while (pos < end) {
		line_end = mbox_line_end(parser, pos);
		if (line_end > end)
			line_end = end;
		mbox_count_line(parser, mail, pos, line_end, true);
		pos = line_end;
	}
}

/* Finds the next separator after the body at pos, counting the lines
   before it. */
static size_t mbox_parse_body(struct mbox_parser *parser,
			      struct mbox_file_mail *mail, size_t pos)
{
	time_t date;
	size_t end;

	while (pos < parser->size) {
		if (parser->data[pos] == 'F' &&
		    mbox_is_separator(parser, pos, &date))
			break;
		end = mbox_line_end(parser, pos);
		mbox_count_line(parser, mail, pos, end, true);
		pos = end;
	}
	return pos;
}

/* Parses the message whose "From " line is at pos. Returns the next
   one's position. */
static size_t mbox_parse_mail(struct mbox_parser *parser,
			      struct mbox_file_mail *mail, size_t pos)
{
	uoff_t content_length = 0;
	size_t hdr, body, next, end;

	end = mbox_line_end(parser, pos);
	hdr = end;
	if (end > pos && parser->data[end - 1] == '\n')
		end--;
	(void)mbox_from_line_parse(parser->data + pos, end - pos,
				   &mail->received_date);
	mail->fingerprint = mbox_hash(FNV_OFFSET, parser->data + pos,
				      end - pos);
	body = mbox_parse_header(parser, mail, hdr, &content_length);
	if (content_length > 0 && !parser->at_eof &&
	    content_length + MBOX_FROM_LINE_MAX_LEN + 2 > parser->size - body) {
		/* the end and the separator after it are not in data yet:
		   the caller parses this message again with more */
		next = parser->size;
		mbox_count_body(parser, mail, body, next);
	} else if (content_length > 0 &&
		   mbox_content_length_is_valid(parser, body, content_length,
						&next)) {
		mbox_count_body(parser, mail, body, next);
	} else {
		next = mbox_parse_body(parser, mail, body);
	}

	end = next;
	if (end - hdr >= 2 && parser->data[end - 1] == '\n' &&
	    parser->data[end - 2] == '\n') {
		/* the separator's empty line */
		end--;
		mail->physical_size--;
		mail->virtual_size -= 2;
	} else if (next < parser->size) {
		mbox_parser_warn(parser, MBOX_FILE_WARN_FROM_IN_BODY, next);
	}
	mail->pseudo = mail->pseudo && parser->offset + pos == 0;
	mail->from_offset = parser->offset + pos;
	mail->hdr_offset = parser->offset + hdr;
	mail->body_offset = parser->offset + I_MIN(body, end);
	mail->end_offset = parser->offset + end;
	mail->next_offset = parser->offset + next;
	return next;
}

int mbox_file_parse(const unsigned char *data, size_t size, uoff_t offset,
		    bool at_eof, pool_t pool,
		    ARRAY_TYPE(mbox_file_mail) *mails,
		    enum mbox_file_warnings *warnings_r,
		    uoff_t *warn_offset_r, const char **error_r)
{
	struct mbox_parser parser = {
		.data = data,
		.size = size,
		.offset = offset,
		.at_eof = at_eof,
		.pool = pool,
	};
	struct mbox_file_mail *mail;
	size_t pos = 0;

	*warnings_r = 0;
	*warn_offset_r = 0;
	if (size > 0 && (size < 5 || memcmp(data, "From ", 5) != 0)) {
		*error_r = t_strdup_printf("Not an mbox file: no \"From \" "
					   "line at offset %llu",
					   (unsigned long long)offset);
		return -1;
	}
	while (pos < size) {
		mail = array_append_space(mails);
		pos = mbox_parse_mail(&parser, mail, pos);
	}
	if (at_eof && size > 0 && data[size - 1] != '\n')
		mbox_parser_warn(&parser, MBOX_FILE_WARN_NO_FINAL_NEWLINE,
				 size);
	*warnings_r = parser.warnings;
	*warn_offset_r = parser.warn_offset;
	return 0;
}

void mbox_file_unquote(buffer_t *dest, const unsigned char *data,
		       size_t size)
{
	const unsigned char *lf;
	bool in_header = true, hidden = false;
	size_t pos = 0, end, i;
	time_t date;

	while (pos < size) {
		lf = memchr(data + pos, '\n', size - pos);
		end = lf == NULL ? size : (size_t)(lf - data) + 1;
		if (in_header) {
			if (mbox_line_is_header_end(data + pos, end - pos)) {
				in_header = false;
				hidden = false;
			} else if (mbox_line_is_separator(data + pos,
							  end - pos, &date)) {
				/* as the parser: a "From " line ends a
				   header without an empty line (and
				   Content-Length made it body) */
				in_header = false;
				hidden = false;
			} else if (data[pos] != ' ' && data[pos] != '\t') {
				hidden = mbox_header_is_internal(data + pos,
								 end - pos);
			}
			if (hidden) {
				pos = end;
				continue;
			}
		}
		i = pos;
		if (data[pos] == '>') {
			for (i = pos; i < end && data[i] == '>'; i++) ;
			i = end - i >= 5 && memcmp(data + i, "From ", 5) == 0 ?
				pos + 1 : pos;
		}
		buffer_append(dest, data + i, end - i);
		pos = end;
	}
}
