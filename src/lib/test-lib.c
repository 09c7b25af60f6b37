/* Copyright (c) Cove authors. See AUTHORS. */
/* main() of test-lib: runs the tests listed in test-lib.inc. */

#include "lib.h"
#include "test-common.h"

#define TEST_REGISTRY "test-lib.inc"
#include "test-main.h"
