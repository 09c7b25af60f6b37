/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef TEST_LIB_H
#define TEST_LIB_H

/* Prototypes of the tests in test-lib.inc, for the files defining them. */

#include "test-common.h"

#define TEST(name) void name(void);
#define FATAL(name) enum fatal_test_state name(unsigned int stage);
#include "test-lib.inc"
#undef TEST
#undef FATAL

#endif
