/* Copyright (c) Cove authors. See AUTHORS. */

/* The test-lib-settings binary: main() built from test-lib-settings.inc. */

#include "lib.h"
#include "test-common.h"

#define TEST_REGISTRY "test-lib-settings.inc"
#include "test-main.h"
