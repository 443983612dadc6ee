/* arena: chunked bump allocation for one collection cycle. */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent/arena.h"

#define ARENA_CHUNK_SIZE (256 * 1024)

struct arena_chunk {
	struct arena_chunk *next;
	size_t used, size;
	max_align_t data[];
};

static void *
arena_out_of_memory(size_t size)
{
	fprintf(stderr, "kfleet-agent: error: out of memory (%zu bytes)\n", size);
	abort();
}

void *
arena_alloc(struct arena *arena, size_t size)
{
	struct arena_chunk *chunk = arena->chunks;
	size_t aligned = (size + sizeof(max_align_t) - 1) & ~(sizeof(max_align_t) - 1);
	void *p;

	if (aligned < size)
		return arena_out_of_memory(size);
	if (chunk == NULL || chunk->size - chunk->used < aligned) {
		size_t capacity = aligned > ARENA_CHUNK_SIZE ? aligned : ARENA_CHUNK_SIZE;

		chunk = malloc(sizeof *chunk + capacity);
		if (chunk == NULL)
			return arena_out_of_memory(size);
		chunk->used = 0;
		chunk->size = capacity;
		chunk->next = arena->chunks;
		arena->chunks = chunk;
	}
	p = (char *)chunk->data + chunk->used;
	chunk->used += aligned;
	memset(p, 0, size);
	return p;
}

void *
arena_array(struct arena *arena, size_t count, size_t size)
{
	if (size != 0 && count > SIZE_MAX / size)
		return arena_out_of_memory(SIZE_MAX);
	return arena_alloc(arena, count * size);
}

char *
arena_strdup(struct arena *arena, const char *text)
{
	size_t length;
	char *copy;

	if (text == NULL)
		return NULL;
	length = strlen(text);
	copy = arena_alloc(arena, length + 1);
	memcpy(copy, text, length + 1);
	return copy;
}

void
arena_free(struct arena *arena)
{
	while (arena->chunks != NULL) {
		struct arena_chunk *next = arena->chunks->next;

		free(arena->chunks);
		arena->chunks = next;
	}
}
