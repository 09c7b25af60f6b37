/* Copyright (c) Cove authors. See AUTHORS. */
/* main() of test-login, built from the registry test-login.inc. */

#include "lib.h"
#include "test-common.h"

#define TEST_REGISTRY "test-login.inc"
#include "test-main.h"
