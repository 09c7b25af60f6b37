/* Copyright (c) Cove authors. See AUTHORS. */

/* Tests for imap-parser: every command is fed whole, byte by byte, and
   split at every offset. */

#include "lib.h"
#include "str.h"
#include "istream.h"
#include "buffer.h"
#include "ostream.h"
#include "imap-parser.h"
#include "test-lib-imap.h"

#define TEST_MAX_LINE 200
#define TEST_MAX_LITERAL 100

struct parse_result {
	/* args count, or -1 on error */
	int ret;
	const char *tag, *command;
	/* args written as: atom, "string", {literal}, NIL, (list) */
	const char *args;
	const char *error;
	bool fatal;
	/* what was sent to the client ("+ OK\r\n" per sync literal) */
	const char *output;
};

struct parse_test {
	const char *input;
	struct parse_result result;
	enum imap_parser_flags flags;
	/* length of input, 0 = strlen() (set for input with NUL bytes) */
	size_t input_len;
};

static void test_write_args(string_t *dest, const struct imap_arg *args)
{
	const struct imap_arg *list;
	bool first = true;

	for (; !imap_arg_is_eol(args); args++) {
		if (!first)
			str_append_c(dest, ' ');
		first = false;
		switch (args->type) {
		case IMAP_ARG_NIL:
			str_append(dest, "NIL");
			break;
		case IMAP_ARG_ATOM:
			str_append(dest, args->_data.str);
			break;
		case IMAP_ARG_STRING:
			str_printfa(dest, "\"%s\"", args->_data.str);
			break;
		case IMAP_ARG_LITERAL:
			if (!args->literal8) {
				str_printfa(dest, "{%s}", args->_data.str);
				break;
			}
			/* NUL bytes are shown as '@' */
			str_append(dest, "~{");
			for (size_t i = 0; i < args->str_len; i++) {
				str_append_c(dest, args->_data.str[i] == '\0' ?
					     '@' : args->_data.str[i]);
			}
			str_append_c(dest, '}');
			break;
		case IMAP_ARG_LIST:
			test_assert(imap_arg_get_list(args, &list));
			test_assert(list->parent == args);
			str_append_c(dest, '(');
			test_write_args(dest, list);
			str_append_c(dest, ')');
			break;
		case IMAP_ARG_EOL:
			i_unreached();
		}
	}
}

/* Reads more input; the first read returns at most first_chunk bytes
   and later ones at most per_read (0 = everything). */
static bool test_read_more(struct istream *input, size_t per_read)
{
	ssize_t ret = i_stream_read(input);

	test_istream_set_read_limit(input, per_read);
	return ret > 0 || (ret == 0 && !input->eof);
}

static const char *test_read_word(struct imap_parser *parser,
				  struct istream *input, size_t per_read)
{
	const char *word;

	while ((word = imap_parser_read_word(parser)) == NULL) {
		if (!test_read_more(input, per_read))
			return "";
	}
	return word;
}

/* The first prefix_len bytes of data are given with
   imap_parser_set_prefix(), the rest comes from the istream. */
static void test_parse_run(const struct parse_test *test, size_t prefix_len,
			   size_t first_chunk, size_t per_read,
			   struct parse_result *result_r)
{
	const char *data = test->input;
	size_t len = test->input_len != 0 ? test->input_len : strlen(data);
	struct istream *input;
	struct ostream *output;
	struct imap_parser *parser;
	const struct imap_arg *args;
	buffer_t *outbuf = t_str_new(64);
	string_t *str = t_str_new(128);
	int ret = -1;

	memset(result_r, 0, sizeof(*result_r));
	input = test_istream_create_data(data + prefix_len,
					 len - prefix_len);
	test_istream_set_read_limit(input, first_chunk);
	output = o_stream_create_buffer(outbuf);
	parser = imap_parser_create(input, output, TEST_MAX_LINE,
				    TEST_MAX_LITERAL);
	imap_parser_set_prefix(parser, data, prefix_len);
	result_r->tag = t_strdup(test_read_word(parser, input, per_read));
	if (result_r->tag[0] != '\0') {
		result_r->command =
			t_strdup(test_read_word(parser, input, per_read));
	}
	if (result_r->command != NULL && result_r->command[0] != '\0') {
		while ((ret = imap_parser_read_args(parser, 0, test->flags,
						    &args)) == -2) {
			if (!test_read_more(input, per_read))
				break;
		}
	}
	if (ret >= 0) {
		test_write_args(str, args);
		result_r->args = t_strdup(str_c(str));
	} else {
		result_r->error = t_strdup(imap_parser_get_error(
			parser, &result_r->fatal));
	}
	result_r->ret = ret < 0 ? -1 : ret;
	result_r->output = t_strdup(str_c(outbuf));
	imap_parser_destroy(&parser);
	o_stream_destroy(&output);
	i_stream_destroy(&input);
}

static void test_parse_check(const struct parse_test *test, unsigned int i,
			     size_t prefix_len, size_t first_chunk,
			     size_t per_read)
{
	const struct parse_result *exp = &test->result;
	struct parse_result res;

	test_parse_run(test, prefix_len, first_chunk, per_read, &res);
	test_assert_idx(res.ret == exp->ret, i);
	if (exp->tag != NULL)
		test_assert_strcmp(res.tag, exp->tag);
	if (exp->command != NULL)
		test_assert_strcmp(res.command, exp->command);
	if (exp->ret >= 0) {
		test_assert_strcmp(res.args, exp->args);
	} else {
		test_assert_strcmp(res.error, exp->error);
		test_assert_idx(res.fatal == exp->fatal, i);
	}
	test_assert_strcmp(res.output, exp->output == NULL ? "" :
			   exp->output);
}

/* Whole, byte by byte, split at every offset, and with every length of
   prefix input. */
static void test_parse_table(const struct parse_test *tests,
			     unsigned int count)
{
	unsigned int i;
	size_t split, len;

	for (i = 0; i < count; i++) T_BEGIN {
		len = tests[i].input_len != 0 ? tests[i].input_len :
			strlen(tests[i].input);
		test_parse_check(&tests[i], i, 0, 0, 0);
		test_parse_check(&tests[i], i, 0, 1, 1);
		for (split = 1; split < len; split++) {
			test_parse_check(&tests[i], i, 0, split, 0);
			test_parse_check(&tests[i], i, split, 0, 0);
			test_parse_check(&tests[i], i, split, 1, 1);
		}
	} T_END;
}

static const struct parse_test command_tests[] = {
	{ "a1 NOOP\r\n", { 0, "a1", "NOOP", "", NULL, false, NULL } },
	{ "a1 NOOP\n", { 0, "a1", "NOOP", "", NULL, false, NULL } },
	{ "a.2 FETCH 1:3,5 (FLAGS UID)\r\n",
	  { 2, "a.2", "FETCH", "1:3,5 (FLAGS UID)", NULL, false, NULL } },
	{ "a UID FETCH 1:* BODY.PEEK[HEADER.FIELDS (From To)]<0.10>\r\n",
	  { 3, "a", "UID", "FETCH 1:* BODY.PEEK[HEADER.FIELDS (From To)]<0.10>",
	    NULL, false, NULL } },
	{ "b LOGIN \"us\\\"er\" \"p\\\\w d\"\r\n",
	  { 2, "b", "LOGIN", "\"us\"er\" \"p\\w d\"", NULL, false, NULL } },
	{ "b LOGIN \"\" \"\"\r\n",
	  { 2, "b", "LOGIN", "\"\" \"\"", NULL, false, NULL } },
	{ "c LOGIN {4}\r\nuser {3+}\r\npwd\r\n",
	  { 2, "c", "LOGIN", "{user} {pwd}", NULL, false, "+ OK\r\n" } },
	{ "c X {0}\r\n {2}\r\n\r\n\r\n",
	  { 2, "c", "X", "{} {\r\n}", NULL, false, "+ OK\r\n+ OK\r\n" } },
	{ "c X ({1+}\r\n) a)\r\n",
	  { 1, "c", "X", "({)} a)", NULL, false, NULL } },
	{ "d X (a (b (c)) ()) d\r\n",
	  { 2, "d", "X", "(a (b (c)) ()) d", NULL, false, NULL } },
	{ "d STORE 1 +FLAGS.SILENT (\\Seen \\Deleted)\r\n",
	  { 3, "d", "STORE", "1 +FLAGS.SILENT (\\Seen \\Deleted)",
	    NULL, false, NULL } },
	{ "e X NIL nil \"NIL\" NILS\r\n",
	  { 4, "e", "X", "NIL NIL \"NIL\" NILS", NULL, false, NULL } },
	{ "e LIST \"\" %/*\r\n",
	  { 2, "e", "LIST", "\"\" %/*", NULL, false, NULL } },
	{ "f X a  b \r\n", { 2, "f", "X", "a b", NULL, false, NULL } },
};

static const struct parse_test error_tests[] = {
	{ "\r\n", { -1, "", NULL, NULL, "Empty command line", false, NULL } },
	{ " a NOOP\r\n",
	  { -1, "", NULL, NULL, "Invalid tag or command name", false, NULL } },
	{ "a\r\n", { -1, "a", "", NULL, "Invalid tag or command name",
		     false, NULL } },
	{ "a(b NOOP\r\n",
	  { -1, "", NULL, NULL, "Invalid tag or command name", false, NULL } },
	{ "a X (b\r\n", { -1, "a", "X", NULL, "Missing ')'", false, NULL } },
	{ "a X b)\r\n", { -1, "a", "X", NULL, "Unexpected ')'", false, NULL } },
	{ "a X \"b\r\n", { -1, "a", "X", NULL, "Missing '\"'", false, NULL } },
	{ "a X \"b\\n\"\r\n", { -1, "a", "X", NULL,
		"Invalid escape in quoted string", false, NULL } },
	{ "a X \"\xc3\xa4\"\r\n", { -1, "a", "X", NULL,
		"Invalid characters in quoted string", false, NULL } },
	{ "a X b\xc3\xa4\r\n", { -1, "a", "X", NULL,
		"Invalid characters in atom", false, NULL } },
	{ "a X b\tc\r\n", { -1, "a", "X", NULL,
		"Invalid characters in atom", false, NULL } },
	{ "a X BODY[HEADER\r\n", { -1, "a", "X", NULL, "Missing ']'",
				   false, NULL } },
	{ "a X b\rc\r\n", { -1, "a", "X", NULL, "CR without LF",
			    false, NULL } },
	{ "a X {x}\r\n", { -1, "a", "X", NULL, "Invalid literal size",
			   false, NULL } },
	{ "a X {}\r\n", { -1, "a", "X", NULL, "Invalid literal size",
			  false, NULL } },
	{ "a X {5} \r\n", { -1, "a", "X", NULL, "Invalid literal size",
			    false, NULL } },
	{ "a X {12345678901234567890}\r\n", { -1, "a", "X", NULL,
		"Invalid literal size", false, NULL } },
	{ "a X {101}\r\n", { -1, "a", "X", NULL, "Literal too large",
			     false, NULL } },
	{ "a X {101+}\r\n", { -1, "a", "X", NULL, "Literal too large",
			      true, NULL } },
	{ "a X ((((((((((((((((((((((((((((((((((((((((((((((((((((("
	  "((((((((((((((((((((((((((((((((((((((((((((((((\r\n",
	  { -1, "a", "X", NULL, "Too deeply nested lists", false, NULL } },
};

void test_imap_parser_commands(void)
{
	test_begin("imap parser commands");
	test_parse_table(command_tests, N_ELEMENTS(command_tests));
	test_end();
}

static void test_imap_parser_long_lines(void)
{
	struct parse_test tests[3];
	string_t *line = t_str_new(TEST_MAX_LINE * 2);

	memset(tests, 0, sizeof(tests));
	str_append(line, "a X ");
	while (str_len(line) < TEST_MAX_LINE - 2)
		str_append_c(line, 'x');
	str_append(line, "\r\n");
	tests[0].input = t_strdup(str_c(line));
	tests[0].result = (struct parse_result){
		1, "a", "X", t_strdup(str_c(line) + 4), NULL, false, NULL };
	tests[0].result.args = t_strndup(tests[0].result.args,
					 str_len(line) - 6);
	str_insert(line, 4, "yyy");
	tests[1].input = t_strdup(str_c(line));
	tests[1].result = (struct parse_result){
		-1, "a", "X", NULL, "Command line too long", false, NULL };
	/* literal data does not count toward the line length */
	tests[2].input = t_strdup_printf("a X {99+}\r\n%099d\r\n", 0);
	tests[2].result = (struct parse_result){
		1, "a", "X", t_strdup_printf("{%099d}", 0), NULL, false,
		NULL };
	test_parse_table(tests, N_ELEMENTS(tests));
}

void test_imap_parser_errors(void)
{
	test_begin("imap parser errors");
	test_parse_table(error_tests, N_ELEMENTS(error_tests));
	T_BEGIN {
		test_imap_parser_long_lines();
	} T_END;
	test_end();
}

#define TEST_10 "0123456789"
#define TEST_50 TEST_10 TEST_10 TEST_10 TEST_10 TEST_10

/* literal8 ~{n} (RFC 3516) only where IMAP_PARSE_FLAG_LITERAL8 allows
   it; its data may hold NUL bytes. */
static const struct parse_test literal8_tests[] = {
	{ "a APPEND INBOX ~{3}\r\na\0b\r\n",
	  { 2, "a", "APPEND", "INBOX ~{a@b}", NULL, false, "+ OK\r\n" },
	  IMAP_PARSE_FLAG_LITERAL8, 26 },
	{ "a APPEND INBOX (~{2+}\r\n\0\0 {1}\r\nx)\r\n",
	  { 2, "a", "APPEND", "INBOX (~{@@} {x})", NULL, false,
	    "+ OK\r\n" }, IMAP_PARSE_FLAG_LITERAL8, 35 },
	{ "a X ~a ~ ~{\r\n",
	  { -1, "a", "X", NULL, "Invalid literal size", false, NULL },
	  IMAP_PARSE_FLAG_LITERAL8, 0 },
	{ "a X ~a ~ a~b\r\n",
	  { 3, "a", "X", "~a ~ a~b", NULL, false, NULL },
	  IMAP_PARSE_FLAG_LITERAL8, 0 },
	{ "a X ~a ~ a~b\r\n",
	  { 3, "a", "X", "~a ~ a~b", NULL, false, NULL }, 0, 0 },
	{ "a APPEND INBOX ~{3}\r\nabc\r\n",
	  { -1, "a", "APPEND", NULL, "literal8 not allowed here", false,
	    NULL }, 0, 0 },
	{ "a APPEND INBOX ~{101+}\r\n",
	  { -1, "a", "APPEND", NULL, "Literal too large", true, NULL },
	  IMAP_PARSE_FLAG_LITERAL8, 0 },
	/* the limit bounds the sum of the command's literals */
	{ "a APPEND INBOX {50+}\r\n" TEST_50 " ~{50+}\r\n" TEST_50 "\r\n",
	  { 3, "a", "APPEND", "INBOX {" TEST_50 "} ~{" TEST_50 "}", NULL,
	    false, NULL }, IMAP_PARSE_FLAG_LITERAL8, 0 },
	{ "a APPEND INBOX {50+}\r\n" TEST_50 " ~{51+}\r\n",
	  { -1, "a", "APPEND", NULL, "Literal too large", true, NULL },
	  IMAP_PARSE_FLAG_LITERAL8, 0 },
	{ "a APPEND INBOX {3+}\r\na\0b\r\n",
	  { -1, "a", "APPEND", NULL, "NUL in literal", false, NULL },
	  IMAP_PARSE_FLAG_LITERAL8, 26 },
};

void test_imap_parser_literal8(void)
{
	test_begin("imap parser literal8");
	test_parse_table(literal8_tests, N_ELEMENTS(literal8_tests));
	test_end();
}

/* After a non-fatal error the next command is read normally. */
void test_imap_parser_recovery(void)
{
	static const char data[] =
		"a X (b\r\n" "\r\n" "b X {200}\r\n" "c X \"\x80\" (\r\n"
		"e X {3+}\r\na\0b rest\r\n";
	static const struct {
		const char *tag;
		int ret;
		const char *error;
	} expected[] = {
		{ "a", -1, "Missing ')'" },
		{ "", -1, "Empty command line" },
		{ "b", -1, "Literal too large" },
		{ "c", -1, "Invalid characters in quoted string" },
		{ "e", -1, "NUL in literal" },
		{ "f", -1, "Command line too long" },
		{ "d", 0, NULL },
	};
	buffer_t *buf = t_str_new(1024);
	struct istream *input;
	struct imap_parser *parser;
	const struct imap_arg *args;
	const char *word;
	size_t size;
	unsigned int i;
	bool fatal;

	test_begin("imap parser recovery");
	buffer_append(buf, data, sizeof(data) - 1);
	buffer_append(buf, "f X ", 4);
	for (i = 0; i < TEST_MAX_LINE * 3; i++)
		buffer_append_c(buf, i % 10 == 0 ? ' ' : 'x');
	buffer_append(buf, "\r\nd X\r\n", 7);
	input = test_istream_create_data(buf->data, buf->used);
	parser = imap_parser_create(input, NULL, TEST_MAX_LINE,
				    TEST_MAX_LITERAL);
	(void)i_stream_read(input);
	for (i = 0; i < N_ELEMENTS(expected); i++) {
		imap_parser_reset(parser);
		word = imap_parser_read_word(parser);
		test_assert_strcmp(word, expected[i].tag);
		if (word[0] != '\0') {
			test_assert_strcmp(imap_parser_read_word(parser), "X");
			test_assert_idx(imap_parser_read_args(parser, 0, 0,
				&args) == expected[i].ret, i);
		}
		if (expected[i].error != NULL) {
			test_assert_strcmp(imap_parser_get_error(parser,
				&fatal), expected[i].error);
			test_assert_idx(!fatal, i);
		}
	}
	(void)i_stream_get_data(input, &size);
	test_assert(size == 0);
	imap_parser_destroy(&parser);
	i_stream_destroy(&input);
	test_end();
}

/* count > 0 returns as soon as that many top-level args are parsed. */
void test_imap_parser_count(void)
{
	static const char data[] = "a APPEND box (\\Seen) {3+}\r\nabc\r\n";
	struct istream *input;
	struct imap_parser *parser;
	const struct imap_arg *args;
	const char *str;

	test_begin("imap parser count");
	input = test_istream_create_data(data, sizeof(data) - 1);
	parser = imap_parser_create(input, NULL, TEST_MAX_LINE,
				    TEST_MAX_LITERAL);
	(void)i_stream_read(input);
	test_assert_strcmp(imap_parser_read_word(parser), "a");
	test_assert_strcmp(imap_parser_read_word(parser), "APPEND");
	test_assert(imap_parser_read_args(parser, 2, 0, &args) == 2);
	test_assert(imap_arg_get_astring(&args[0], &str) &&
		    strcmp(str, "box") == 0);
	test_assert(imap_arg_is_eol(&args[2]));
	test_assert(imap_parser_read_args(parser, 0, 0, &args) == 3);
	test_assert(imap_arg_get_string(&args[2], &str) &&
		    strcmp(str, "abc") == 0);
	test_assert(imap_arg_is_eol(&args[3]));
	imap_parser_destroy(&parser);
	i_stream_destroy(&input);
	test_end();
}

/* A per-command literal limit (APPEND) holds until the next reset. */
void test_imap_parser_literal_limit(void)
{
	static const char data[] =
		"a APPEND {150+}\r\n" "%s\r\n" "b X {150}\r\n"
		"c X {60+}\r\n" "%.60s {41}\r\n";
	char fill[151];
	const char *input_data;
	struct istream *input;
	struct imap_parser *parser;
	const struct imap_arg *args;
	const char *str;
	bool fatal;

	test_begin("imap parser literal limit");
	memset(fill, 'x', 150);
	fill[150] = '\0';
	input_data = t_strdup_printf(data, fill, fill);
	input = test_istream_create_data(input_data, strlen(input_data));
	parser = imap_parser_create(input, NULL, TEST_MAX_LINE,
				    TEST_MAX_LITERAL);
	(void)i_stream_read(input);
	test_assert_strcmp(imap_parser_read_word(parser), "a");
	test_assert_strcmp(imap_parser_read_word(parser), "APPEND");
	imap_parser_set_max_literal_size(parser, 150);
	test_assert(imap_parser_read_args(parser, 0, 0, &args) == 1);
	test_assert(imap_arg_get_string(&args[0], &str) &&
		    strlen(str) == 150 && args[0].str_len == 150);
	test_assert(imap_parser_get_refused_literals_size(parser) == 0);
	imap_parser_reset(parser);
	test_assert_strcmp(imap_parser_read_word(parser), "b");
	test_assert_strcmp(imap_parser_read_word(parser), "X");
	test_assert(imap_parser_read_args(parser, 0, 0, &args) == -1);
	test_assert_strcmp(imap_parser_get_error(parser, &fatal),
			   "Literal too large");
	test_assert(!fatal);
	test_assert(imap_parser_get_refused_literals_size(parser) == 150);
	/* the refused size counts the command's earlier literals */
	imap_parser_reset(parser);
	test_assert(imap_parser_get_refused_literals_size(parser) == 0);
	test_assert_strcmp(imap_parser_read_word(parser), "c");
	test_assert_strcmp(imap_parser_read_word(parser), "X");
	test_assert(imap_parser_read_args(parser, 0, 0, &args) == -1);
	test_assert(imap_parser_get_refused_literals_size(parser) == 101);
	imap_parser_destroy(&parser);
	i_stream_destroy(&input);
	test_end();
}

void test_imap_parser_accessors(void)
{
	static const char data[] = "a X atom \"str\" {3+}\r\nlit NIL (x)\r\n";
	struct istream *input;
	struct imap_parser *parser;
	const struct imap_arg *args, *list;
	const char *str;

	test_begin("imap parser accessors");
	input = test_istream_create_data(data, sizeof(data) - 1);
	parser = imap_parser_create(input, NULL, TEST_MAX_LINE,
				    TEST_MAX_LITERAL);
	(void)i_stream_read(input);
	(void)imap_parser_read_word(parser);
	(void)imap_parser_read_word(parser);
	test_assert(imap_parser_read_args(parser, 0, 0, &args) == 5);
	test_assert(imap_arg_get_atom(&args[0], &str) &&
		    strcmp(str, "atom") == 0);
	test_assert(!imap_arg_get_string(&args[0], &str));
	test_assert(!imap_arg_get_atom(&args[1], &str));
	test_assert(imap_arg_get_astring(&args[1], &str) &&
		    strcmp(str, "str") == 0);
	test_assert(imap_arg_get_nstring(&args[2], &str) &&
		    strcmp(str, "lit") == 0 && args[2].str_len == 3);
	test_assert(imap_arg_get_nstring(&args[3], &str) && str == NULL);
	test_assert(imap_arg_get_astring(&args[3], &str) &&
		    strcmp(str, "NIL") == 0);
	test_assert(!imap_arg_get_list(&args[3], &list));
	test_assert(imap_arg_get_list(&args[4], &list) &&
		    imap_arg_get_atom(&list[0], &str) &&
		    imap_arg_is_eol(&list[1]));
	test_assert(!imap_arg_get_nstring(&args[4], &str));
	test_assert(imap_arg_is_eol(&args[5]));
	imap_parser_destroy(&parser);
	i_stream_destroy(&input);
	test_end();
}

/* Random lines from the characters that matter to the grammar: however
   the input is split, the result is the same, and nothing crashes. */
void test_imap_parser_random(void)
{
	static const char *const pieces[] = {
		"a", "b", " ", " ", "(", ")", "\"", "\\", "{", "}", "+", "1",
		"0", "3", "[", "]", "\r\n", "\n", "\r", "\x80", "\t", "NIL",
		"{2}\r\n", "{1+}\r\n", "*", "%", "~", "~{1+}\r\n", "\0",
	};
	struct parse_test test;
	const char *piece;
	string_t *line = t_str_new(128);
	unsigned int i, j, seed = 12345;
	size_t split;

	memset(&test, 0, sizeof(test));
	test_begin("imap parser random");
	for (i = 0; i < 300; i++) T_BEGIN {
		str_truncate(line, 0);
		str_append(line, "t X ");
		for (j = 0; j < 12; j++) {
			seed = seed * 1103515245 + 12345;
			piece = pieces[(seed >> 16) % N_ELEMENTS(pieces)];
			/* "\0" is one NUL byte */
			str_append_data(line, piece, I_MAX(strlen(piece), 1));
		}
		str_append(line, "\r\n");
		test.input = str_c(line);
		test.input_len = str_len(line);
		test.flags = i % 2 == 0 ? IMAP_PARSE_FLAG_NONE :
			IMAP_PARSE_FLAG_LITERAL8;
		test_parse_run(&test, 0, 0, 0, &test.result);
		test_parse_check(&test, i, 0, 1, 1);
		for (split = 1; split < str_len(line); split++) {
			test_parse_check(&test, i, 0, split, 0);
			test_parse_check(&test, i, split, 0, 0);
		}
	} T_END;
	test_end();
}

/* Much prefix input, its last command completed by the istream: every
   command is read, and consumed prefix input is dropped on the way. */
void test_imap_parser_prefix(void)
{
	string_t *prefix = t_str_new(16384);
	struct istream *input;
	struct imap_parser *parser;
	const struct imap_arg *args;
	const char *word, *str;
	unsigned int i, count = 0;
	int ret;

	test_begin("imap parser prefix");
	for (i = 0; i < 1000; i++)
		str_printfa(prefix, "a%u X {1+}\r\n%u\r\n", i, i % 10);
	str_append(prefix, "last X ab");
	input = test_istream_create_data("cd\r\n", 4);
	test_istream_set_read_limit(input, 1);
	parser = imap_parser_create(input, NULL, TEST_MAX_LINE,
				    TEST_MAX_LITERAL);
	imap_parser_set_prefix(parser, str_data(prefix), str_len(prefix));
	for (;;) {
		imap_parser_reset(parser);
		while ((word = imap_parser_read_word(parser)) == NULL)
			test_assert(i_stream_read(input) > 0);
		test_assert_strcmp(imap_parser_read_word(parser), "X");
		while ((ret = imap_parser_read_args(parser, 0, 0,
						    &args)) == -2)
			test_assert(i_stream_read(input) > 0);
		test_assert(ret == 1);
		if (strcmp(word, "last") == 0)
			break;
		test_assert(imap_arg_get_string(&args[0], &str) &&
			    str[0] == (char)('0' + count % 10));
		count++;
	}
	test_assert(count == 1000);
	test_assert(imap_arg_get_atom(&args[0], &str) &&
		    strcmp(str, "abcd") == 0);
	imap_parser_destroy(&parser);
	i_stream_destroy(&input);
	test_end();
}
