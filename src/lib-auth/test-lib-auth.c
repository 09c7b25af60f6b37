/* Copyright (c) Cove authors. See AUTHORS. */

/* Main of test-lib-auth: runs the tests listed in test-lib-auth.inc. */

#include "test-common.h"

#define TEST_REGISTRY "test-lib-auth.inc"
#include "test-main.h"
