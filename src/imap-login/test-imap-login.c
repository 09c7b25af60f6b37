/* Copyright (c) Cove authors. See AUTHORS. */
/* main() of test-imap-login, built from the registry test-imap-login.inc. */

#include "lib.h"
#include "test-common.h"

#define TEST_REGISTRY "test-imap-login.inc"
#include "test-main.h"
