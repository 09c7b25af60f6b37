/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef TEST_SUBMISSION_LOGIN_H
#define TEST_SUBMISSION_LOGIN_H

/* Prototypes of the tests registered in test-submission-login.inc. */

#include "test-common.h"

#define TEST(name) void name(void);
#define FATAL(name) enum fatal_test_state name(unsigned int stage);
#include "test-submission-login.inc"
#undef TEST
#undef FATAL

#endif
