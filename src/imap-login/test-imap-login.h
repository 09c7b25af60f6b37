/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef TEST_IMAP_LOGIN_H
#define TEST_IMAP_LOGIN_H

/* Prototypes of the tests registered in test-imap-login.inc. */

#include "test-common.h"

#define TEST(name) void name(void);
#define FATAL(name) enum fatal_test_state name(unsigned int stage);
#include "test-imap-login.inc"
#undef TEST
#undef FATAL

#endif
