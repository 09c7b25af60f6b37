/* Copyright (c) Cove authors. See AUTHORS. */

/* Unit test binary of lib-mail: main() built from test-lib-mail.inc. */

#include "test-common.h"
#define TEST_REGISTRY "test-lib-mail.inc"
#include "test-main.h"
