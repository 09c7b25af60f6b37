/* Copyright (c) Cove authors. See AUTHORS. */
/* main() of test-submission-login, built from the registry
   test-submission-login.inc. */

#include "lib.h"
#include "test-common.h"

#define TEST_REGISTRY "test-submission-login.inc"
#include "test-main.h"
