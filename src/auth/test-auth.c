/* Copyright (c) Cove authors. See AUTHORS. */

/* Main of test-auth: runs the tests listed in test-auth.inc. */

#include "test-common.h"

#define TEST_REGISTRY "test-auth.inc"
#include "test-main.h"
