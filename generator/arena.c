/* arena: bump allocation in chunks. */
#include "arena.h"

#include <stdalign.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sanitizer/asan_interface.h>

#include "buf.h"

#define ALIGN alignof(max_align_t)

struct arena_chunk {
	struct arena_chunk *next;
	size_t used, size;
	alignas(max_align_t) char data[];
};

/* Room for n bytes at an offset rounded up to align (after a redzone,
 * but for a chunk's first piece); returns the offset, or SIZE_MAX when
 * limited and a new chunk would take the arena past its limit.  A
 * chunk's bytes not carved stay poisoned for ASan (no-ops otherwise). */
static size_t carve(struct arena *a, size_t n, size_t align, int limited)
{
	struct arena_chunk *c = a->head;
	size_t at = c ? (c->used + (c->used ? ARENA_REDZONE : 0) + align - 1) & ~(align - 1) : 0;
	if (!c || at > c->size || c->size - at < n) {
		size_t want = a->chunk_size ? a->chunk_size : 4096;
		size_t size = n > want ? n : want;
		if (limited && a->limit && (size > a->limit || a->bytes > a->limit - size))
			return SIZE_MAX;
		c = xmalloc(sizeof *c + size);
		ASAN_POISON_MEMORY_REGION(c->data, size);
		a->bytes += size;
		c->next = a->head;
		c->size = size;
		a->head = c;
		at = 0;
	}
	c->used = at + n;
	ASAN_UNPOISON_MEMORY_REGION(c->data + at, n);
	return at;
}

void *arena_alloc(struct arena *a, size_t n)
{
	size_t at = carve(a, n, ALIGN, 0);
	return a->head->data + at;
}

int arena_resize_last(struct arena *a, void *p, size_t old, size_t n)
{
	struct arena_chunk *c = a->head;
	if (!c || (char *)p + old != c->data + c->used)
		return 0;
	size_t at = (size_t)((char *)p - c->data);
	if (n > c->size - at)
		return 0;
	if (n < old)
		ASAN_POISON_MEMORY_REGION((char *)p + n, old - n);
	else
		ASAN_UNPOISON_MEMORY_REGION((char *)p + old, n - old);
	/* a piece gone whole gives back the redzone before it too, so the
	 * next piece carved starts where it did */
	c->used = n || !at ? at + n : at - ARENA_REDZONE;
	return 1;
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
	size_t at = carve(a, n + 1, 1, 0);
	char *p = a->head->data + at;
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *arena_strdup(struct arena *a, const char *s)
{
	return arena_strndup(a, s, strlen(s));
}

void arena_free(struct arena *a)
{
	while (a->head) {
		struct arena_chunk *next = a->head->next;
		ASAN_UNPOISON_MEMORY_REGION(a->head->data, a->head->size);
		free(a->head);
		a->head = next;
	}
	a->bytes = 0;
}

struct piece {
	alignas(max_align_t) struct arena *arena;
	size_t size;
};

void *arena_piece_new(struct arena *a, size_t n)
{
	if (n > SIZE_MAX / 2)
		abort(); /* as cmark's own allocator does when out of memory */
	struct piece *h;
	size_t at = a ? carve(a, sizeof *h + n, ALIGN, 1) : SIZE_MAX;
	if (at != SIZE_MAX) {
		h = (struct piece *)(a->head->data + at);
	} else {
		h = xmalloc(sizeof *h + n);
		a = NULL;
	}
	h->arena = a;
	h->size = n;
	return h + 1;
}

void *arena_piece_resize(void *p, size_t n)
{
	struct piece *h = (struct piece *)p - 1;
	if (n > SIZE_MAX / 2)
		abort();
	if (!h->arena) {
		h = xrealloc(h, sizeof *h + n);
		h->size = n;
		return h + 1;
	}
	if (arena_resize_last(h->arena, h, sizeof *h + h->size, sizeof *h + n)) {
		h->size = n;
		return p;
	}
	void *q = arena_piece_new(h->arena, n);
	memcpy(q, p, h->size < n ? h->size : n);
	arena_piece_free(p);
	return q;
}

void arena_piece_free(void *p)
{
	if (!p)
		return;
	struct piece *h = (struct piece *)p - 1;
	if (!h->arena)
		free(h);
	else if (!arena_resize_last(h->arena, h, sizeof *h + h->size, 0))
		ASAN_POISON_MEMORY_REGION(h, sizeof *h + h->size);
}
