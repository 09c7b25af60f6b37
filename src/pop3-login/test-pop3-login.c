/* Copyright (c) Cove authors. See AUTHORS. */
/* main() of test-pop3-login, built from the registry test-pop3-login.inc. */

#include "lib.h"
#include "test-common.h"

#define TEST_REGISTRY "test-pop3-login.inc"
#include "test-main.h"
