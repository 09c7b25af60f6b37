/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef TEST_LIB_SETTINGS_H
#define TEST_LIB_SETTINGS_H

/* Prototypes of the tests registered in test-lib-settings.inc. */

#include "test-common.h"

#define TEST(name) void name(void);
#define FATAL(name) enum fatal_test_state name(unsigned int stage);
#include "test-lib-settings.inc"
#undef TEST
#undef FATAL

#endif
