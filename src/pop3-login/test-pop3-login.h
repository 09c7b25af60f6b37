/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef TEST_POP3_LOGIN_H
#define TEST_POP3_LOGIN_H

/* Prototypes of the tests registered in test-pop3-login.inc. */

#include "test-common.h"

#define TEST(name) void name(void);
#define FATAL(name) enum fatal_test_state name(unsigned int stage);
#include "test-pop3-login.inc"
#undef TEST
#undef FATAL

#endif
