/* Copyright (c) Cove authors. See AUTHORS. */

/* Unit test binary of lib-storage: main() built from
   test-lib-storage.inc. */

#include "test-common.h"
#define TEST_REGISTRY "test-lib-storage.inc"
#include "test-main.h"
