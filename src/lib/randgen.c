/* Copyright (c) Cove authors. See AUTHORS. */
/* Random bytes from the kernel's getrandom(2). */

#include "lib.h"
#include "randgen.h"

#include <sys/random.h>

void random_fill(void *buf, size_t size)
{
	unsigned char *p = buf;

	while (size > 0) {
		ssize_t ret = getrandom(p, size, 0);

		if (ret < 0) {
			if (errno == EINTR)
				continue;
			i_panic("getrandom(%zu) failed: %m", size);
		}
		p += ret;
		size -= (size_t)ret;
	}
}

uint32_t i_rand_uint32(void)
{
	uint32_t value;

	random_fill(&value, sizeof(value));
	return value;
}
