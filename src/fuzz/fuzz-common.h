/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef FUZZ_COMMON_H
#define FUZZ_COMMON_H

/* What every libFuzzer target here shares: the library is initialised
   once, and each input runs in its own data-stack frame. A target
   defines FUZZ_TARGET(name) { ... } with data and size in scope. */

#include "lib.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The input as a NUL-terminated string (NULs inside stay). */
const char *fuzz_input_string(const uint8_t *data, size_t size);

#define FUZZ_TARGET(name) \
	static void fuzz_##name(const uint8_t *data, size_t size); \
	int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) \
	{ \
		T_BEGIN { \
			fuzz_##name(data, size); \
		} T_END; \
		return 0; \
	} \
	static void fuzz_##name(const uint8_t *data, size_t size)

#endif
