/* Copyright (c) Cove authors. See AUTHORS. */

/* RFC 5256 2.1 base subject extraction. The subject is decoded and
   normalised into a buffer once; the steps then only move the start and
   end offsets of the text that is left. */

#include "lib.h"
#include "str.h"
#include "message-header-decode.h"
#include "message-subject.h"

#include <string.h>

struct message_subject {
	const char *text;
	size_t start, end;
};

/* Step 1 after decoding: tabs and line ends become spaces, runs of
   spaces become one, ASCII letters are upper-cased. */
static void message_subject_normalise(const char *in, string_t *out)
{
	bool space = false;
	char c;

	for (; *in != '\0'; in++) {
		c = *in;
		if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
			space = true;
			continue;
		}
		if (space && str_len(out) > 0)
			str_append_c(out, ' ');
		space = false;
		if (c >= 'a' && c <= 'z')
			c -= 'a' - 'A';
		str_append_c(out, c);
	}
}

static bool message_subject_has_suffix(const struct message_subject *s,
				       const char *suffix)
{
	size_t len = strlen(suffix);

	return s->end - s->start >= len &&
		memcmp(s->text + s->end - len, suffix, len) == 0;
}

/* Step 2: removes trailing "(FWD)" and white space. Returns true if
   "(fwd)" was removed. */
static bool message_subject_remove_trailers(struct message_subject *s)
{
	bool removed = false;

	for (;;) {
		if (s->end > s->start && s->text[s->end - 1] == ' ')
			s->end--;
		else if (message_subject_has_suffix(s, "(FWD)")) {
			s->end -= 5;
			removed = true;
		} else
			return removed;
	}
}

/* Skips a subj-blob ("[" *BLOBCHAR "]" *WSP) at *pos. */
static bool message_subject_skip_blob(const struct message_subject *s,
				      size_t *pos)
{
	size_t p = *pos;

	if (p >= s->end || s->text[p] != '[')
		return false;
	for (p++; p < s->end && s->text[p] != ']'; p++) {
		if (s->text[p] == '[')
			return false;
	}
	if (p == s->end)
		return false;
	for (p++; p < s->end && s->text[p] == ' '; p++) ;
	*pos = p;
	return true;
}

/* Skips a subj-refwd ("re" / "fw" ["d"]) *WSP [subj-blob] ":"). */
static bool message_subject_skip_refwd(const struct message_subject *s,
				       size_t *pos)
{
	const char *t = s->text;
	size_t p = *pos;

	if (p + 2 <= s->end && memcmp(t + p, "RE", 2) == 0)
		p += 2;
	else if (p + 2 <= s->end && memcmp(t + p, "FW", 2) == 0) {
		p += 2;
		if (p < s->end && t[p] == 'D')
			p++;
	} else
		return false;
	for (; p < s->end && t[p] == ' '; p++) ;
	(void)message_subject_skip_blob(s, &p);
	if (p >= s->end || t[p] != ':')
		return false;
	*pos = p + 1;
	return true;
}

/* Step 3: removes one subj-leader ((*subj-blob subj-refwd) / WSP).
   Sets *refwd if it was a reply/forward marker. */
static bool message_subject_remove_leader(struct message_subject *s,
					  bool *refwd)
{
	size_t p = s->start;

	if (p < s->end && s->text[p] == ' ') {
		s->start++;
		return true;
	}
	while (message_subject_skip_blob(s, &p)) ;
	if (!message_subject_skip_refwd(s, &p))
		return false;
	s->start = p;
	*refwd = true;
	return true;
}

/* Step 4: removes a leading subj-blob unless that leaves nothing. */
static bool message_subject_remove_blob(struct message_subject *s)
{
	size_t p = s->start;

	if (!message_subject_skip_blob(s, &p) || p == s->end)
		return false;
	s->start = p;
	return true;
}

/* Step 6: unwraps "[FWD:" subject "]". */
static bool message_subject_remove_fwd(struct message_subject *s)
{
	if (s->end - s->start < 6 ||
	    memcmp(s->text + s->start, "[FWD:", 5) != 0 ||
	    s->text[s->end - 1] != ']')
		return false;
	s->start += 5;
	s->end--;
	return true;
}

bool message_subject_get_base(const unsigned char *data, size_t size,
			      string_t *dest)
{
	struct message_subject s;
	string_t *decoded, *norm;
	bool refwd = false, changed;

	T_BEGIN {
		decoded = t_str_new(size + 1);
		message_header_decode_utf8(data, size, decoded);
		norm = t_str_new(str_len(decoded) + 1);
		message_subject_normalise(str_c(decoded), norm);
		s.text = str_c(norm);
		s.start = 0;
		s.end = str_len(norm);
		for (;;) {
			if (message_subject_remove_trailers(&s))
				refwd = true;
			do {
				changed = false;
				while (message_subject_remove_leader(&s,
								     &refwd))
					changed = true;
				if (message_subject_remove_blob(&s))
					changed = true;
			} while (changed);
			if (!message_subject_remove_fwd(&s))
				break;
			refwd = true;
		}
		str_append_data(dest, s.text + s.start, s.end - s.start);
	} T_END;
	return refwd;
}
