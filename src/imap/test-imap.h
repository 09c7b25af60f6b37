/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef TEST_IMAP_H
#define TEST_IMAP_H

/* Prototypes of the tests registered in test-imap.inc, and a helper to
   parse an argument line for them. */

#include "test-common.h"
#include "imap-parser.h"

#define TEST(name) void name(void);
#define FATAL(name) enum fatal_test_state name(unsigned int stage);
#include "test-imap.inc"
#undef TEST
#undef FATAL

/* Parses line ("a b (c)" without CRLF) into args. The parser and its
   input are freed by test_imap_args_free(). */
const struct imap_arg *test_imap_args_parse(const char *line);
void test_imap_args_free(void);

#endif
