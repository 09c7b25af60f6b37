/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef LIB_H
#define LIB_H

/* The base header every Cove source file includes first: standard headers,
   allocation that never fails, assertions and the small macros the rest of
   the tree relies on. */

#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

typedef uint64_t uoff_t;

#define N_ELEMENTS(arr) (sizeof(arr) / sizeof((arr)[0]))
#define I_MIN(a, b) ((a) < (b) ? (a) : (b))
#define I_MAX(a, b) ((a) > (b) ? (a) : (b))
/* Integers stored in pointers (hash table values, callback contexts). */
#define POINTER_CAST(i) ((void *)(uintptr_t)(i))
#define POINTER_CAST_TO(p, type) ((type)(uintptr_t)(p))

#define ATTR_FORMAT(fmt, args) __attribute__((format(printf, fmt, args)))
#define ATTR_NORETURN __attribute__((noreturn))
#define ATTR_UNUSED __attribute__((unused))
#define ATTR_NULL_TERMINATED __attribute__((sentinel))
#define ATTR_WARN_UNUSED_RESULT __attribute__((warn_unused_result))

/* Compile-time check usable inside expressions: evaluates to 0. */
#define COMPILE_ERROR_IF_TRUE(cond) (sizeof(char[1 - 2 * !!(cond)]) - 1)
/* Checks that callback has exactly the given function pointer type. */
#define CALLBACK_TYPECHECK(callback, type) \
	COMPILE_ERROR_IF_TRUE(!__builtin_types_compatible_p( \
		__typeof__(&*(callback)), type))

#include "log.h"

#define i_assert(expr) \
	do { \
		if (__builtin_expect(!(expr), 0)) \
			i_panic("file %s: line %d (%s): assertion failed: (%s)", \
				__FILE__, __LINE__, __func__, #expr); \
	} while (0)
#define i_unreached() \
	i_panic("file %s: line %d: unreached", __FILE__, __LINE__)

/* Zero-fills the struct that p points to. */
#define i_zero(p) memset((p), 0, sizeof(*(p)))
/* Closes *fd, logs a failure, and sets *fd to -1. */
#define i_close_fd(fd) \
	STMT_START { \
		if (close(*(fd)) < 0) \
			i_error("close(%d) failed: %m", *(fd)); \
		*(fd) = -1; \
	} STMT_END

/* Heap allocation. Never returns NULL (aborts on out of memory) and the
   memory is zero-filled. i_realloc() zero-fills the grown part. */
void *i_malloc(size_t size);
void *i_realloc(void *mem, size_t old_size, size_t new_size);
/* Overflow-checked count * size, panics on overflow. */
size_t i_malloc_multiply(size_t count, size_t size);
#define i_new(type, count) \
	((type *)i_malloc(i_malloc_multiply((count), sizeof(type))))
/* Frees and sets the pointer to NULL. */
#define i_free(mem) \
	do { free(mem); (mem) = NULL; } while (0)
/* Heap string copies; caller frees with i_free(). NULL in, NULL out. */
char *i_strdup(const char *str);
char *i_strndup(const void *str, size_t max_chars);
char *i_strdup_printf(const char *fmt, ...) ATTR_FORMAT(1, 2);

#include "mempool.h"
#include "data-stack.h"
#include "strfuncs.h"

/* Process-wide setup and teardown (data stack, logging defaults).
   Every main() calls lib_init() first and lib_deinit() last. */
void lib_init(void);
void lib_deinit(void);

#endif
