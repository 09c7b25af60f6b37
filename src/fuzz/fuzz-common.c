/* Copyright (c) Cove authors. See AUTHORS. */

/* Shared setup of the fuzz targets. */

#include "lib.h"
#include "fuzz-common.h"

int LLVMFuzzerInitialize(int *argc ATTR_UNUSED, char ***argv ATTR_UNUSED)
{
	lib_init();
	return 0;
}

const char *fuzz_input_string(const uint8_t *data, size_t size)
{
	char *str = t_malloc(size + 1);

	memcpy(str, data, size);
	str[size] = '\0';
	return str;
}
