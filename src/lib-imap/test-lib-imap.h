/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef TEST_LIB_IMAP_H
#define TEST_LIB_IMAP_H

/* Prototypes of the tests registered in test-lib-imap.inc. */

#include "test-common.h"

#define TEST(name) void name(void);
#define FATAL(name) enum fatal_test_state name(unsigned int stage);
#include "test-lib-imap.inc"
#undef TEST
#undef FATAL

#endif
