/* Copyright (c) Cove authors. See AUTHORS. */

/* Unit test binary of the pop3 worker's pure parts: main() built from
   test-pop3.inc. */

#include "lib.h"
#include "test-pop3.h"

#define TEST_REGISTRY "test-pop3.inc"
#include "test-main.h"
