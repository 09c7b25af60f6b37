/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef RANDGEN_H
#define RANDGEN_H

/* Cryptographically strong random bytes (getrandom(2)). Panics if the
   kernel cannot provide them. */
void random_fill(void *buf, size_t size);
uint32_t i_rand_uint32(void);

#endif
