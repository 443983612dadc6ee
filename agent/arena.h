/* arena: the memory of one collection cycle. The collectors allocate a snapshot's
 * strings and arrays here and the whole cycle is freed at once, which is what the
 * snapshot's "every pointer is borrowed" contract wants. */
#ifndef KFLEET_ARENA_H
#define KFLEET_ARENA_H

#include <stddef.h>

struct arena_chunk;

struct arena {
	struct arena_chunk *chunks;
};

/* SIZE zeroed bytes that live until arena_free. Out of memory aborts the agent: a
 * half-collected cycle has nowhere sensible to go. */
void *arena_alloc(struct arena *arena, size_t size);

/* COUNT zeroed elements of SIZE bytes, checked for overflow. */
void *arena_array(struct arena *arena, size_t count, size_t size);

/* A copy of TEXT in the arena; NULL stays NULL. */
char *arena_strdup(struct arena *arena, const char *text);

/* Free everything ARENA handed out; it can be used again afterwards. */
void arena_free(struct arena *arena);

#endif
