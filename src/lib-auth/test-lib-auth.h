/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef TEST_LIB_AUTH_H
#define TEST_LIB_AUTH_H

/* Prototypes of the tests in test-lib-auth.inc. */

#include "test-common.h"

#define TEST(name) void name(void);
#define FATAL(name) enum fatal_test_state name(unsigned int stage);
#include "test-lib-auth.inc"
#undef TEST
#undef FATAL

#endif
