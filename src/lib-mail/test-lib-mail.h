/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef TEST_LIB_MAIL_H
#define TEST_LIB_MAIL_H

/* Prototypes of the tests in test-lib-mail.inc, for the files defining
   them. */

#include "test-common.h"

#define TEST(name) void name(void);
#include "test-lib-mail.inc"
#undef TEST

#endif
