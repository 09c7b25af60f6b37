/* Copyright (c) Cove authors. See AUTHORS. */

/* Tests for imap-fetch-header. */

#include "lib.h"
#include "str.h"
#include "istream.h"
#include "imap-fetch-header.h"
#include "test-imap.h"

void test_imap_fetch_header_filter(void)
{
	static const char header[] =
		"From: a@example.org\n"
		"Subject: one\n"
		"  two\n"
		"To : b@example.org\r\n"
		"X-Other: x\n"
		"subject: again\n"
		"\n";
	static const char *const subject[] = { "SUBJECT", NULL };
	static const char *const from_to[] = { "to", "From", NULL };
	static const struct {
		const char *const *fields;
		bool exclude;
		size_t size;
		const char *output;
	} tests[] = {
		{ subject, false, sizeof(header) - 1,
		  "Subject: one\r\n  two\r\nsubject: again\r\n\r\n" },
		{ from_to, false, sizeof(header) - 1,
		  "From: a@example.org\r\nTo : b@example.org\r\n\r\n" },
		{ subject, true, sizeof(header) - 1,
		  "From: a@example.org\r\nTo : b@example.org\r\n"
		  "X-Other: x\r\n\r\n" },
		/* the header without its blank line, or cut short: the
		   field list still ends with a blank line, .NOT does not;
		   a cut line stays cut (as Dovecot does) */
		{ subject, false, sizeof(header) - 2,
		  "Subject: one\r\n  two\r\nsubject: again\r\n\r\n" },
		{ subject, true, sizeof(header) - 2,
		  "From: a@example.org\r\nTo : b@example.org\r\n"
		  "X-Other: x\r\n" },
		{ subject, false, 29, "Subject: \r\n" },
		{ from_to, false, 26, "From: a@example.org\r\n\r\n" },
		{ subject, true, 24, "From: a@example.org\r\nSubj" },
		{ subject, false, 0, "\r\n" },
		{ subject, true, 0, "" },
	};
	string_t *str = t_str_new(128);
	unsigned int i;

	test_begin("imap fetch header filter");
	for (i = 0; i < N_ELEMENTS(tests); i++) {
		str_truncate(str, 0);
		imap_fetch_header_filter((const unsigned char *)header,
					 tests[i].size, tests[i].fields,
					 tests[i].exclude, str);
		test_assert_strcmp(str_c(str), tests[i].output);
	}
	test_end();
}

void test_imap_fetch_header_read(void)
{
	static const struct {
		const char *input;
		const char *header;
	} tests[] = {
		{ "A: b\n\nbody\n", "A: b\n\n" },
		{ "A: b\r\n\r\nbody\r\n", "A: b\r\n\r\n" },
		{ "\nbody", "\n" },
		{ "A: b\n c\n\n\nbody", "A: b\n c\n\n" },
		{ "A: b\nno blank line", "A: b\nno blank line" },
		{ "", "" },
	};
	struct istream *input;
	buffer_t *buf = t_str_new(64);
	const char *error;
	unsigned int i, limit;

	test_begin("imap fetch header read");
	for (i = 0; i < N_ELEMENTS(tests); i++) {
		for (limit = 0; limit < 4; limit++) {
			input = test_istream_create_data(tests[i].input,
				strlen(tests[i].input));
			test_istream_set_read_limit(input, limit);
			buffer_set_used_size(buf, 0);
			test_assert_idx(imap_fetch_header_read(input, buf,
							       &error) == 0, i);
			test_assert_strcmp(str_c(buf), tests[i].header);
			i_stream_destroy(&input);
		}
	}
	test_end();
}

void test_imap_fetch_header_crlf(void)
{
	static const struct {
		const char *input, *output;
	} tests[] = {
		{ "", "" },
		{ "\n", "\r\n" },
		{ "a\nb\r\n\n", "a\r\nb\r\n\r\n" },
		{ "\r\r\n\n", "\r\r\n\r\n" },
	};
	string_t *str = t_str_new(64);
	unsigned int i;

	test_begin("imap fetch header crlf");
	for (i = 0; i < N_ELEMENTS(tests); i++) {
		str_truncate(str, 0);
		imap_fetch_header_append_crlf(str,
			(const unsigned char *)tests[i].input,
			strlen(tests[i].input));
		test_assert_strcmp(str_c(str), tests[i].output);
		test_assert_idx(imap_fetch_header_crlf_size(
			(const unsigned char *)tests[i].input,
			strlen(tests[i].input)) == strlen(tests[i].output), i);
	}
	test_end();
}
