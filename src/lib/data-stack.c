/* Copyright (c) Cove authors. See AUTHORS. */
/* The data stack behind t_malloc(): allocations are bumped from large
   blocks; a frame remembers the block and its fill level at t_push(), and
   t_pop() rewinds to it, freeing blocks allocated after the mark (one is
   kept for reuse). The most recent allocation can grow in place. */

#include "lib.h"

#define DATA_STACK_ALIGN 16
#define DATA_STACK_BLOCK_MIN_SIZE (32 * 1024)
#define DATA_STACK_ALIGN_SIZE(n) \
	(((n) + DATA_STACK_ALIGN - 1) & ~(size_t)(DATA_STACK_ALIGN - 1))

struct data_stack_block {
	struct data_stack_block *prev;
	size_t size, used;
	_Alignas(DATA_STACK_ALIGN) unsigned char data[];
};

struct data_stack_frame {
	struct data_stack_block *block;
	size_t block_used;
	const char *marker;
};

static struct data_stack_block *current_block;
static struct data_stack_block *unused_block;
static struct data_stack_frame *frames;
static unsigned int frames_count, frames_alloc;
/* The last allocation, which t_realloc() can grow in place. */
static unsigned char *last_alloc;
static size_t last_alloc_size;

static struct data_stack_block *data_stack_block_new(size_t min_size)
{
	struct data_stack_block *block;
	size_t size = DATA_STACK_BLOCK_MIN_SIZE;

	if (current_block != NULL && current_block->size * 2 > size)
		size = current_block->size * 2;
	if (min_size > size)
		size = DATA_STACK_ALIGN_SIZE(min_size);
	if (unused_block != NULL && unused_block->size >= size) {
		block = unused_block;
		unused_block = NULL;
	} else {
		block = malloc(sizeof(*block) + size);
		if (block == NULL)
			i_panic("data stack: malloc(%zu) failed", size);
		block->size = size;
	}
	block->used = 0;
	block->prev = current_block;
	return block;
}

static void data_stack_block_free(struct data_stack_block *block)
{
	if (unused_block == NULL || unused_block->size < block->size) {
		free(unused_block);
		unused_block = block;
	} else {
		free(block);
	}
}

unsigned int t_push(const char *marker)
{
	if (__builtin_expect(current_block == NULL, 0))
		data_stack_init();
	if (frames_count == frames_alloc) {
		unsigned int new_alloc = frames_alloc == 0 ? 32 :
			frames_alloc * 2;

		frames = i_realloc(frames, sizeof(*frames) * frames_alloc,
				   sizeof(*frames) * new_alloc);
		frames_alloc = new_alloc;
	}
	frames[frames_count].block = current_block;
	frames[frames_count].block_used = current_block->used;
	frames[frames_count].marker = marker;
	last_alloc = NULL;
	return frames_count++;
}

static void data_stack_pop_frame(void)
{
	struct data_stack_frame *frame = &frames[--frames_count];

	while (current_block != frame->block) {
		struct data_stack_block *block = current_block;

		current_block = block->prev;
		data_stack_block_free(block);
	}
	current_block->used = frame->block_used;
	last_alloc = NULL;
}

void t_pop(unsigned int *id)
{
	if (frames_count == 0 || *id != frames_count - 1) {
		i_panic("t_pop(): frame %u is not the innermost (%u, %s)",
			*id, frames_count,
			frames_count == 0 ? "none" :
			frames[frames_count - 1].marker);
	}
	data_stack_pop_frame();
	*id = 0;
}

unsigned int data_stack_get_frame_id(void)
{
	return frames_count;
}

void data_stack_unwind(unsigned int id)
{
	while (frames_count > id)
		data_stack_pop_frame();
}

void *t_malloc(size_t size)
{
	size_t alloc_size = DATA_STACK_ALIGN_SIZE(size);
	unsigned char *mem;

	if (alloc_size < size)
		i_panic("t_malloc(%zu): size overflow", size);
	if (__builtin_expect(current_block == NULL, 0))
		data_stack_init();
	if (current_block->size - current_block->used < alloc_size)
		current_block = data_stack_block_new(alloc_size);
	mem = current_block->data + current_block->used;
	current_block->used += alloc_size;
	memset(mem, 0, size);
	last_alloc = mem;
	last_alloc_size = alloc_size;
	return mem;
}

void *t_realloc(void *mem, size_t old_size, size_t new_size)
{
	unsigned char *new_mem;

	if (new_size <= old_size)
		return mem;
	if (mem != NULL && mem == last_alloc) {
		size_t alloc_size = DATA_STACK_ALIGN_SIZE(new_size);
		size_t start = current_block->used - last_alloc_size;

		if (alloc_size >= new_size &&
		    current_block->size - start >= alloc_size) {
			memset(last_alloc + old_size, 0, new_size - old_size);
			current_block->used = start + alloc_size;
			last_alloc_size = alloc_size;
			return mem;
		}
	}
	new_mem = t_malloc(new_size);
	if (old_size > 0)
		memcpy(new_mem, mem, old_size);
	return new_mem;
}

void data_stack_init(void)
{
	if (current_block != NULL)
		return;
	current_block = data_stack_block_new(DATA_STACK_BLOCK_MIN_SIZE);
	(void)t_push("lib_init");
}

void data_stack_deinit(void)
{
	data_stack_unwind(0);
	while (current_block != NULL) {
		struct data_stack_block *block = current_block;

		current_block = block->prev;
		free(block);
	}
	free(unused_block);
	unused_block = NULL;
	free(frames);
	frames = NULL;
	frames_count = frames_alloc = 0;
}
