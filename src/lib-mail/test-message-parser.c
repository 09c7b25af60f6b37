/* Copyright (c) Cove authors. See AUTHORS. */

/* Tests for the MIME parser: part trees with offsets, sizes and line
   counts, fed whole and split at every offset. */

#include "lib.h"
#include "str.h"
#include "istream.h"
#include "message-parser.h"
#include "test-lib-mail.h"

struct message_parser_test {
	const char *input;
	/* see message_parser_dump() */
	const char *tree;
};

static const struct message_parser_test message_parser_tests[] = {
	{ "", "0 h0/0/0 b0/0/0 t" },
	{ "Subject: x\n\nbody\n",
	  "0 h12/14/2 b5/6/1 t" },
	{ "Subject: x\r\n\r\nbody",
	  "0 h14/14/2 b4/4/0 t" },
	/* multipart: the line end before a boundary is the boundary's */
	{ "Content-Type: multipart/mixed; boundary=\"b\"\n\n"
	  "pre\n--b\n\nA\n--b\nContent-Type: text/html\n\n<p>\n--b--\nepi\n",
	  "0 h45/47/2 b54/64/10 m"
	  "(53 h1/2/1 b1/1/0 t,60 h25/27/2 b3/3/0 t)" },
	/* missing closing boundary: the last part runs to the end */
	{ "Content-Type: multipart/mixed; boundary=b\n\n--b\n\nA\n--b\n\nB\n",
	  "0 h43/45/2 b14/20/6 m(47 h1/2/1 b1/1/0 t,54 h1/2/1 b2/3/1 t)" },
	/* message/rfc822 inside multipart, nested multipart inside it */
	{ "Content-Type: multipart/mixed; boundary=o\n\n--o\n"
	  "Content-Type: message/rfc822\n\n"
	  "Content-Type: multipart/alternative; boundary=i\n\n"
	  "--i\n\nx\n--i--\n--o--\n",
	  "0 h43/45/2 b102/112/10 m(47 h30/32/2 b62/68/6 r("
	  "77 h49/51/2 b13/17/4 m(130 h1/2/1 b1/1/0 t)))" },
	/* boundary inside a part's header: the header ends there, without
	   the line end before the boundary */
	{ "Content-Type: multipart/mixed; boundary=b\n\n--b\nX: y\n--b--\n",
	  "0 h43/45/2 b15/18/3 m(47 h4/4/0 b0/0/0 t)" },
	/* multipart without boundary has no parts */
	{ "Content-Type: multipart/mixed\n\n--b\n\nA\n",
	  "0 h31/33/2 b7/10/3 m" },
	/* digest children default to message/rfc822 */
	{ "Content-Type: multipart/digest; boundary=d\n\n--d\n\nS: 1\n\nz\n--d--",
	  "0 h44/46/2 b18/23/5 m(48 h1/2/1 b7/9/2 r(49 h6/8/2 b1/1/0 t))" },
	/* a header with no body and no end */
	{ "A: b\nC: d", "0 h9/10/1 b0/0/0 t" },
	/* a message/rfc822 part whose message has an empty body */
	{ "Content-Type: multipart/mixed; boundary=d\n\n--d\n"
	  "Content-Type: message/rfc822\n\nSubject: x\n\n--d--\n",
	  "0 h43/45/2 b52/58/6 m(47 h30/32/2 b12/14/2 r(77 h11/12/1 b0/0/0 t))" },
	/* its header ended by a boundary: the line end before it is the
	   message/rfc822 part's, not its message header's */
	{ "Content-Type: multipart/mixed; boundary=d\n\n--d\n"
	  "Content-Type: message/rfc822\n\nSubject: x\n--d--\n",
	  "0 h43/45/2 b51/56/5 m(47 h30/32/2 b11/12/1 r(77 h10/10/0 b0/0/0 t))" },
	/* an empty body before a boundary: the header's empty line is the
	   boundary's line end */
	{ "Content-Type: multipart/mixed; boundary=b\n\n--b\nA: b\n\n--b--\n",
	  "0 h43/45/2 b16/20/4 m(47 h5/6/1 b0/0/0 t)" },
};

static void message_parser_dump(string_t *str, const struct message_part *part)
{
	for (; part != NULL; part = part->next) {
		str_printfa(str, "%llu h%llu/%llu/%u b%llu/%llu/%u ",
			    (unsigned long long)part->physical_pos,
			    (unsigned long long)part->header_size.physical_size,
			    (unsigned long long)part->header_size.virtual_size,
			    part->header_size.lines,
			    (unsigned long long)part->body_size.physical_size,
			    (unsigned long long)part->body_size.virtual_size,
			    part->body_size.lines);
		if ((part->flags & MESSAGE_PART_FLAG_MULTIPART) != 0)
			str_append_c(str, 'm');
		else if ((part->flags & MESSAGE_PART_FLAG_MESSAGE_RFC822) != 0)
			str_append_c(str, 'r');
		else if ((part->flags & MESSAGE_PART_FLAG_TEXT) != 0)
			str_append_c(str, 't');
		else
			str_append_c(str, '-');
		if (part->children != NULL) {
			str_append_c(str, '(');
			message_parser_dump(str, part->children);
			str_append_c(str, ')');
		}
		if (part->next != NULL)
			str_append_c(str, ',');
	}
}

static void test_message_parser_one(const struct message_parser_test *test,
				    size_t limit, unsigned int idx)
{
	struct istream *input;
	struct message_part *parts;
	string_t *str = t_str_new(256);
	const char *error;
	pool_t pool;

	pool = pool_alloconly_create("test parts", 1024);
	input = test_istream_create_data(test->input, strlen(test->input));
	test_istream_set_read_limit(input, limit);
	test_assert_idx(message_parse_parts(pool, input, &parts, &error) == 0,
			idx);
	message_parser_dump(str, parts);
	test_assert_strcmp(str_c(str), test->tree);
	if (strcmp(str_c(str), test->tree) != 0)
		i_info("test %u limit %zu", idx, limit);
	i_stream_destroy(&input);
	pool_unref(&pool);
}

void test_message_parser(void)
{
	unsigned int i;
	size_t limit;

	test_begin("message parser");
	for (i = 0; i < N_ELEMENTS(message_parser_tests); i++) {
		for (limit = 0; limit <= strlen(message_parser_tests[i].input);
		     limit++) T_BEGIN {
			test_message_parser_one(&message_parser_tests[i],
						limit, i);
		} T_END;
	}
	test_end();
}

/* Nesting deeper than MESSAGE_PARSER_MAX_NESTING makes leaves, and
   parts beyond MESSAGE_PARSER_MAX_PARTS are not split off. */
void test_message_parser_limits(void)
{
	struct message_part *parts, *part;
	struct istream *input;
	string_t *msg = t_str_new(65536);
	const char *error;
	unsigned int i, depth = 0;
	pool_t pool;

	test_begin("message parser limits");
	for (i = 0; i < MESSAGE_PARSER_MAX_NESTING + 20; i++) {
		str_printfa(msg, "Content-Type: multipart/mixed; "
			    "boundary=b%u\n\n--b%u\n", i, i);
	}
	pool = pool_alloconly_create("test parts", 65536);
	input = test_istream_create_data(str_data(msg), str_len(msg));
	test_assert(message_parse_parts(pool, input, &parts, &error) == 0);
	i_stream_destroy(&input);
	for (part = parts; part->children != NULL; part = part->children)
		depth++;
	test_assert(depth == MESSAGE_PARSER_MAX_NESTING);
	test_assert((part->flags & MESSAGE_PART_FLAG_MULTIPART) == 0);

	str_truncate(msg, 0);
	str_append(msg, "Content-Type: multipart/mixed; boundary=x\n\n");
	for (i = 0; i < MESSAGE_PARSER_MAX_PARTS + 10; i++)
		str_append(msg, "--x\n\n");
	input = test_istream_create_data(str_data(msg), str_len(msg));
	test_assert(message_parse_parts(pool, input, &parts, &error) == 0);
	i_stream_destroy(&input);
	test_assert(parts->children_count == MESSAGE_PARSER_MAX_PARTS);
	pool_unref(&pool);
	test_end();
}

void test_message_part_find(void)
{
	static const char msg[] =
		"Content-Type: multipart/mixed; boundary=o\n\n--o\n"
		"Content-Type: message/rfc822\n\n"
		"Content-Type: multipart/alternative; boundary=i\n\n"
		"--i\n\nx\n--i\n\ny\n--i--\n--o--\n";
	static const char single[] = "Content-Type: message/rfc822\n\nA: b\n\nc";
	struct istream *input;
	struct message_part *parts, *part;
	const char *error;
	pool_t pool;

	test_begin("message_part_find");
	pool = pool_alloconly_create("test parts", 1024);
	input = test_istream_create_data(msg, strlen(msg));
	test_assert(message_parse_parts(pool, input, &parts, &error) == 0);
	i_stream_destroy(&input);
	test_assert(message_part_find(parts, "1") == parts->children);
	test_assert(message_part_find(parts, "1.1")->physical_pos == 130);
	test_assert(message_part_find(parts, "1.2")->physical_pos == 137);
	test_assert(message_part_find(parts, "1.3") == NULL);
	test_assert(message_part_find(parts, "2") == NULL);
	test_assert(message_part_find(parts, "1.1.1") ==
		    message_part_find(parts, "1.1"));
	test_assert(message_part_find(parts, "1.1.2") == NULL);

	input = test_istream_create_data(single, strlen(single));
	test_assert(message_parse_parts(pool, input, &parts, &error) == 0);
	i_stream_destroy(&input);
	part = message_part_find(parts, "1");
	test_assert(part == parts);
	test_assert(message_part_find(parts, "1.1") == parts->children);
	test_assert(message_part_find(parts, "2") == NULL);
	pool_unref(&pool);
	test_end();
}
