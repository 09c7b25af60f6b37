/* Copyright (c) Cove authors. See AUTHORS. */

/* main() of test-lib-smtp, built from test-lib-smtp.inc. */

#include "lib.h"
#include "test-common.h"
#define TEST_REGISTRY "test-lib-smtp.inc"
#include "test-main.h"
