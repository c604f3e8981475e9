/* arena: memory carved from large chunks and given back all at once.
 * For the many small pieces that die together: the history's strings,
 * a search page's words, a Markdown document's parse tree.  One malloc
 * per piece costs more than carving them, and splits the heap. */
#ifndef QUIRE_ARENA_H
#define QUIRE_ARENA_H

#include <stddef.h>

struct arena_chunk;

struct arena {
	struct arena_chunk *head;
	size_t chunk_size; /* a new chunk's size (a larger piece gets its own) */
	size_t bytes;      /* in its chunks */
	size_t limit;      /* arena_piece_new adds no chunk past it (0: none) */
};

#define ARENA_INIT(size) { NULL, (size), 0, 0 }

/* In an AddressSanitizer build each piece is preceded by this many bytes
 * that ASan reports any access to, and a piece given back (or left behind
 * by a resize) is reported when used: the checks malloc's pieces get. */
#if defined(__SANITIZE_ADDRESS__)
#define ARENA_REDZONE 16
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ARENA_REDZONE 16
#endif
#endif
#ifndef ARENA_REDZONE
#define ARENA_REDZONE 0
#endif

/* n bytes aligned for any type, not zeroed. */
void *arena_alloc(struct arena *a, size_t n);
/* Grows or shrinks p, of old bytes, to n bytes in place when p is the
 * last piece carved and its chunk has room.  Returns 1 if it did. */
int arena_resize_last(struct arena *a, void *p, size_t old, size_t n);
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_strdup(struct arena *a, const char *s);
/* Frees every piece; a stays usable (empty). */
void arena_free(struct arena *a);

/* Pieces for a library's allocator (cmark's, jansson's), which has no
 * context: each carries a header naming where it came from, an arena or
 * (a NULL) the heap, so that one free and one realloc serve both.  An
 * arena's piece is given back with the arena, except that freeing or
 * resizing the last one carved reuses its room.  Once an arena's chunks
 * would pass its limit, new pieces (and pieces a resize moves) come from
 * the heap, freed one by one: an arena keeps what is freed until the end,
 * so a huge document's would grow well past what it holds at any time. */
void *arena_piece_new(struct arena *a, size_t n);
void *arena_piece_resize(void *p, size_t n);
void arena_piece_free(void *p);

#endif
