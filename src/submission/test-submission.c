/* Copyright (c) Cove authors. See AUTHORS. */

/* main() of test-submission, built from test-submission.inc. */

#include "lib.h"
#include "test-common.h"
#define TEST_REGISTRY "test-submission.inc"
#include "test-main.h"
