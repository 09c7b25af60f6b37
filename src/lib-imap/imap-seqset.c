/* Copyright (c) Cove authors. See AUTHORS. */

/* Parsing IMAP sequence sets into sorted, merged ranges. */

#include "lib.h"
#include "array.h"
#include "imap-seqset.h"

/* Parses a number or "*" at *p. Returns 0 or -1. */
static int imap_seqset_parse_num(const char **p, uint32_t star_value,
				 uint32_t *num_r)
{
	uint64_t num = 0;
	const char *s = *p;

	if (*s == '*') {
		*num_r = star_value;
		*p = s + 1;
		return 0;
	}
	if (*s < '0' || *s > '9')
		return -1;
	for (; *s >= '0' && *s <= '9'; s++) {
		num = num * 10 + (*s - '0');
		if (num > UINT32_MAX)
			return -1;
	}
	if (num == 0)
		return -1;
	*num_r = (uint32_t)num;
	*p = s;
	return 0;
}

static int imap_seqset_parse_range(const char **p, uint32_t star_value,
				   struct seq_range *range_r)
{
	uint32_t num1, num2;

	if (imap_seqset_parse_num(p, star_value, &num1) < 0)
		return -1;
	num2 = num1;
	if (**p == ':') {
		(*p)++;
		if (imap_seqset_parse_num(p, star_value, &num2) < 0)
			return -1;
	}
	range_r->seq1 = I_MIN(num1, num2);
	range_r->seq2 = I_MAX(num1, num2);
	return 0;
}

static int seq_range_cmp(const struct seq_range *r1,
			 const struct seq_range *r2)
{
	if (r1->seq1 != r2->seq1)
		return r1->seq1 < r2->seq1 ? -1 : 1;
	return 0;
}

/* Sorts the ranges and merges overlapping and adjacent ones. */
static void imap_seqset_merge(ARRAY_TYPE(seq_range) *ranges)
{
	struct seq_range *r;
	unsigned int i, count, dest = 0;

	array_sort(ranges, seq_range_cmp);
	r = array_get_modifiable(ranges, &count);
	for (i = 1; i < count; i++) {
		if (r[dest].seq2 == UINT32_MAX ||
		    r[i].seq1 <= r[dest].seq2 + 1) {
			r[dest].seq2 = I_MAX(r[dest].seq2, r[i].seq2);
		} else {
			r[++dest] = r[i];
		}
	}
	if (count > 0)
		array_delete(ranges, dest + 1, count - dest - 1);
}

int imap_seqset_parse(const char *str, uint32_t star_value,
		      ARRAY_TYPE(seq_range) *dest, const char **error_r)
{
	struct seq_range range;
	const char *p = str;

	array_clear(dest);
	for (;;) {
		if (imap_seqset_parse_range(&p, star_value, &range) < 0) {
			*error_r = "Invalid messageset";
			return -1;
		}
		if (array_count(dest) >= IMAP_SEQSET_MAX_RANGES) {
			*error_r = "Messageset has too many ranges";
			return -1;
		}
		array_push_back(dest, &range);
		if (*p == '\0')
			break;
		if (*p++ != ',') {
			*error_r = "Invalid messageset";
			return -1;
		}
	}
	imap_seqset_merge(dest);
	return 0;
}

void imap_seqset_append(ARRAY_TYPE(seq_range) *ranges, uint32_t num)
{
	struct seq_range *last;
	struct seq_range range = { num, num };

	if (array_count(ranges) > 0) {
		last = array_idx_modifiable(ranges, array_count(ranges) - 1);
		i_assert(num > last->seq2);
		if (last->seq2 + 1 == num) {
			last->seq2 = num;
			return;
		}
	}
	array_push_back(ranges, &range);
}

static int seq_range_search_cmp(const uint32_t *seq,
				const struct seq_range *range)
{
	if (*seq < range->seq1)
		return -1;
	return *seq > range->seq2 ? 1 : 0;
}

bool imap_seqset_contains(const ARRAY_TYPE(seq_range) *ranges, uint32_t seq)
{
	return array_bsearch(ranges, &seq, seq_range_search_cmp) != NULL;
}
