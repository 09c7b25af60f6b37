/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef TEST_POP3_H
#define TEST_POP3_H

/* Prototypes of the tests registered in test-pop3.inc. */

#include "test-common.h"

#define TEST(name) void name(void);
#include "test-pop3.inc"
#undef TEST

#endif
