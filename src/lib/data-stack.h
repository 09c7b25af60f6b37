/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef DATA_STACK_H
#define DATA_STACK_H

/* The temporary frame: t_ allocations live until the enclosing
   T_BEGIN/T_END frame ends. Open a frame per loop iteration or per client
   command. There is always an outermost frame (opened by lib_init()), so
   t_ functions work anywhere; in a long-running loop, open a frame or
   memory grows without bound.

   Never store t_ memory in a struct that outlives the frame. */

unsigned int t_push(const char *marker);
/* Frees everything allocated since the matching t_push(). Panics if the
   frames are not popped in order. */
void t_pop(unsigned int *id);

#define T_BEGIN \
	STMT_START { \
		unsigned int _data_stack_id = t_push(__func__);
#define T_END \
		t_pop(&_data_stack_id); \
	} STMT_END
#define STMT_START do
#define STMT_END while (0)

/* Zero-filled, never NULL, valid until the current frame ends. */
void *t_malloc(size_t size);
#define t_new(type, count) \
	((type *)t_malloc(i_malloc_multiply((count), sizeof(type))))
/* Grows the most recent t_malloc() allocation in place when possible,
   otherwise copies. */
void *t_realloc(void *mem, size_t old_size, size_t new_size);

/* Called by lib_init() / lib_deinit(). */
void data_stack_init(void);
void data_stack_deinit(void);
/* Frame depth right now; the id the next t_push() returns. */
unsigned int data_stack_get_frame_id(void);
/* Pops every frame down to (and including) id without the order check:
   for a harness that longjmp()ed out of nested frames. */
void data_stack_unwind(unsigned int id);

#endif
