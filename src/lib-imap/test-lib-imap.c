/* Copyright (c) Cove authors. See AUTHORS. */

/* main() of test-lib-imap, built from test-lib-imap.inc. */

#include "lib.h"
#include "test-common.h"

#define TEST_REGISTRY "test-lib-imap.inc"
#include "test-main.h"
