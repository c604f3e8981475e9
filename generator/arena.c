/* arena: bump allocation in chunks. */
#include "arena.h"

#include <stdalign.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"

#define ALIGN alignof(max_align_t)

struct arena_chunk {
	struct arena_chunk *next;
	size_t used, size;
	alignas(max_align_t) char data[];
};

/* Room for n bytes at an offset rounded up to align; returns the offset. */
static size_t carve(struct arena *a, size_t n, size_t align)
{
	struct arena_chunk *c = a->head;
	size_t at = c ? (c->used + align - 1) & ~(align - 1) : 0;
	if (!c || at > c->size || c->size - at < n) {
		size_t want = a->chunk_size ? a->chunk_size : 4096;
		size_t size = n > want ? n : want;
		c = xmalloc(sizeof *c + size);
		a->bytes += size;
		c->next = a->head;
		c->size = size;
		a->head = c;
		at = 0;
	}
	c->used = at + n;
	return at;
}

void *arena_alloc(struct arena *a, size_t n)
{
	size_t at = carve(a, n, ALIGN);
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
	c->used = at + n;
	return 1;
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
	size_t at = carve(a, n + 1, 1);
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
	struct piece *h = a ? arena_alloc(a, sizeof *h + n) : xmalloc(sizeof *h + n);
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
	return q;
}

void arena_piece_free(void *p)
{
	if (!p)
		return;
	struct piece *h = (struct piece *)p - 1;
	if (!h->arena)
		free(h);
	else
		arena_resize_last(h->arena, h, sizeof *h + h->size, 0);
}
